/**
 * didOpen → diagnostics over the two transports vscode-languageclient offers
 * a Node module (client/src/extension.ts picks one), with the client's side
 * as that library runs it: the server forked with `--stdio` and read and
 * written with vscode-jsonrpc's stream reader and writer, or forked with
 * `--node-ipc` and talked to through Node's IPC channel. Timed from the
 * client's write, so the client's encoding of the message counts too: it
 * is not the same work on both (the IPC channel serialises the message
 * itself).
 */
import { fork } from 'child_process';
import { join } from 'path';
import {
  IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type Message, type MessageReader, type MessageWriter,
} from 'vscode-languageserver/node';
import { SERVER_NODE_FLAGS, serverEnvironment } from '../server/src/protocol';

export type Transport = 'stdio' | 'ipc';

const SERVER = join(__dirname, '..', 'dist', 'server.js');

/** One fresh server over `transport`: ms from writing the didOpen to its diagnostics. */
export async function openOver(transport: Transport, node: string, uri: string, languageId: string, text: string): Promise<number> {
  const child = fork(SERVER, [transport === 'stdio' ? '--stdio' : '--node-ipc', `--clientProcessId=${process.pid}`], {
    execPath: node, execArgv: [...SERVER_NODE_FLAGS], env: { ...process.env, ...serverEnvironment(process.env) }, silent: true,
  });
  child.stderr!.resume();
  if (transport === 'ipc') child.stdout!.resume();
  const reader: MessageReader = transport === 'stdio' ? new StreamMessageReader(child.stdout!) : new IPCMessageReader(child);
  const writer: MessageWriter = transport === 'stdio' ? new StreamMessageWriter(child.stdin!) : new IPCMessageWriter(child);
  const waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  reader.listen((m: Message & { id?: number | string; method?: string; params?: { uri?: string } }) => {
    if (m.method === 'textDocument/publishDiagnostics') waiting.get(`diagnostics ${m.params?.uri}`)?.resolve();
    else if (m.method !== undefined && m.id !== undefined) void writer.write({ jsonrpc: '2.0', id: m.id, result: null } as Message);
    else if (m.id !== undefined) waiting.get(`answer ${m.id}`)?.resolve();
  });
  // A server that dies fails the benchmark instead of leaving it waiting.
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`the server over ${transport} exited (${code ?? signal})`));
  });
  const until = (key: string) => new Promise<void>((resolve, reject) => waiting.set(key, { resolve, reject }));
  const send = (message: object) => void writer.write({ jsonrpc: '2.0', ...message } as Message);
  try {
    const initialized = until('answer 1');
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    await initialized;
    send({ method: 'initialized', params: {} });
    const diagnosed = until(`diagnostics ${uri}`);
    const t = performance.now();
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId, version: 1, text } } });
    await diagnosed;
    return performance.now() - t;
  } finally {
    reader.dispose();
    writer.dispose();
    child.kill();
  }
}
