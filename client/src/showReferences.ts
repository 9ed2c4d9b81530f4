/**
 * `iptables.showReferences`: the command behind the chain CodeLens. The
 * server sends a URI, a position and locations in LSP form; VS Code's
 * `editor.action.showReferences` wants its own types, so they are converted
 * here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Location, Position } from 'vscode-languageclient/node';

export const SHOW_REFERENCES_COMMAND = 'iptables.showReferences';

export function registerShowReferences(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(vscode.commands.registerCommand(SHOW_REFERENCES_COMMAND, (uri: string, position: Position, locations: Location[]) => {
    const c = client.protocol2CodeConverter;
    return vscode.commands.executeCommand(
      'editor.action.showReferences',
      c.asUri(uri),
      c.asPosition(position),
      locations.map((l) => c.asLocation(l)),
    );
  }));
}
