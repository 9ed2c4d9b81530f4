/**
 * Asking for a packet: a pick list of this file's recent packets and of
 * packets built from the dump itself (Services, NodePorts, published ports,
 * ports INPUT accepts), plus "type your own", which opens an input box that
 * checks the description with the server as the user types and names the
 * bad word under the box.
 */
import { QuickPickItemKind, ThemeIcon, window, type QuickPickItem } from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  PACKET_SUGGESTIONS_REQUEST, PARSE_PACKET_REQUEST,
  type PacketSuggestion, type PacketSuggestionsParams, type ParsePacketParams, type ParsePacketResult,
} from '../../../server/src/protocol';
import { validationMessage } from './validationMessage';

/** An example that shows every part of the syntax a first-time user needs. */
export const PACKET_EXAMPLE = 'tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0';
const SYNTAX = 'PROTO SRC[:PORT] -> DST[:PORT] [in IF] [out IF] [from local] [local ADDR] [state NEW|ESTABLISHED|…] [mark N] [flags SYN,…]';

interface PacketItem extends QuickPickItem {
  packet?: string;
  own?: boolean;
}

/**
 * Checks a packet description with the server. Undefined means it parses, or
 * that the server cannot tell (then the trace request itself will say).
 */
export async function checkPacket(client: BaseLanguageClient, packet: string): Promise<string | undefined> {
  try {
    const params: ParsePacketParams = { packet };
    const answer = await client.sendRequest<ParsePacketResult>(PARSE_PACKET_REQUEST, params);
    return validationMessage(packet, answer?.error);
  } catch {
    return undefined;
  }
}

/** The packets the server builds from the dump; none when it cannot. */
export async function fetchSuggestions(client: BaseLanguageClient, uri: string): Promise<PacketSuggestion[]> {
  try {
    const params: PacketSuggestionsParams = { textDocument: { uri } };
    return (await client.sendRequest<PacketSuggestion[]>(PACKET_SUGGESTIONS_REQUEST, params)) ?? [];
  } catch {
    return [];
  }
}

/** The input box with live validation; resolves to the accepted description or undefined when dismissed. */
export function typePacket(client: BaseLanguageClient, initial: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = window.createInputBox();
    box.title = 'Trace a packet';
    box.prompt = SYNTAX;
    box.placeholder = PACKET_EXAMPLE;
    box.value = initial;
    box.ignoreFocusOut = true;
    let asked = 0;
    let settled = false;
    const validate = async (value: string): Promise<string | undefined> => {
      const ticket = ++asked;
      const message = value.trim() ? await checkPacket(client, value) : undefined;
      if (ticket === asked && !settled) box.validationMessage = message;
      return message;
    };
    const finish = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
      box.dispose();
    };
    box.onDidChangeValue((value) => void validate(value));
    box.onDidAccept(async () => {
      const value = box.value.trim();
      if (!value) return;
      box.busy = true;
      const message = await validate(value);
      box.busy = false;
      if (!message) finish(value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
    if (initial.trim()) void validate(initial);
  });
}

/**
 * The pick list. Picking a recent or suggested packet traces it; the pencil
 * button on an item, or "Type a packet…", opens the input box with it.
 */
export function pickPacket(
  client: BaseLanguageClient,
  uri: string,
  recent: readonly string[],
  template: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = window.createQuickPick<PacketItem>();
    pick.title = 'Trace a packet';
    pick.placeholder = `Pick a packet, or type one: ${PACKET_EXAMPLE}`;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.ignoreFocusOut = true;
    const edit = { iconPath: new ThemeIcon('edit'), tooltip: 'Edit this packet before tracing' };
    const own: PacketItem = { label: '$(edit) Type a packet…', description: SYNTAX, own: true, alwaysShow: true };
    const recentItems: PacketItem[] = recent.map((p) => ({ label: p, description: 'recent', packet: p, buttons: [edit] }));
    let suggestionItems: PacketItem[] = [];
    const render = () => {
      const items: PacketItem[] = [own];
      if (recentItems.length) items.push({ label: 'Recent', kind: QuickPickItemKind.Separator }, ...recentItems);
      if (suggestionItems.length) items.push({ label: 'From this dump', kind: QuickPickItemKind.Separator }, ...suggestionItems);
      pick.items = items;
    };
    render();
    pick.busy = true;
    void fetchSuggestions(client, uri).then((list) => {
      suggestionItems = list.map((s) => ({ label: s.packet, description: s.label, detail: s.detail, packet: s.packet, buttons: [edit] }));
      pick.busy = false;
      render();
    });
    let settled = false;
    // Settle before opening the input box: showing it hides the pick list, and that hide must not count as a cancel.
    const finish = (value: string | undefined, edit?: boolean) => {
      if (settled) return;
      settled = true;
      pick.dispose();
      if (edit) void typePacket(client, value ?? '').then(resolve);
      else resolve(value);
    };
    pick.onDidTriggerItemButton((e) => finish(e.item.packet ?? '', true));
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (!item || item.own) finish(pick.value.trim() || template, true);
      else finish(item.packet);
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
