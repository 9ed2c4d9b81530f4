import * as path from 'path';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_IDS, SERVER_NODE_FLAGS, serverEnvironment } from '../../server/src/protocol';
import { registerTrace } from './trace/registerTrace';
import { registerGraphView } from './graphView';
import { registerShowReferences } from './showReferences';
import { registerLargeFiles } from './largeFiles';

let client: LanguageClient | undefined;

/** Starts the language server for both dump languages. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  // The client adds these to its own environment.
  const env = serverEnvironment(process.env);
  // Over stdio, not Node's IPC channel: the server reads an ASCII body as Latin-1 (messageReader.ts) and writes
  // a large answer in pieces (messageWriter.ts), where the channel joins every chunk of a message into one string
  // before parsing it. The 10k-Service dumps reached their diagnostics 0.04-0.18 s sooner (npm run bench:lsp).
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS], env } },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'], env } },
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
