import * as path from 'path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_IDS } from '../../server/src/protocol';
import { registerTrace } from './trace/registerTrace';
import { registerGraphView } from './graphView';
import { registerShowReferences } from './showReferences';
import { registerLargeFiles } from './largeFiles';

let client: LanguageClient | undefined;

/**
 * Node flags for the server: none. A 64 MB young generation once made the
 * checks of a 10k-Service dump a third faster, but since each rule's parse
 * is released once checked it no longer pays, and it cost 100-300 MB of
 * resident memory.
 */
const SERVER_NODE_FLAGS: string[] = [];

/** Starts the language server for both dump languages. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_FLAGS } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
  };
  client = new LanguageClient('iptables-lens', 'iptables-lens', serverOptions, clientOptions);
  registerTrace(context, client);
  registerGraphView(context, client);
  registerShowReferences(context, client);
  await client.start();
  registerLargeFiles(context, client);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
