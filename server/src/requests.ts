/**
 * How the server takes requests: the connection (which notes document
 * versions as messages arrive and answers a cancelled queued request at
 * once), the one wrapper every handler goes through, and the process-level
 * safety net. A crash in one request is logged and answered empty; it never
 * takes the server down.
 */
import {
  createConnection, IPCMessageReader, IPCMessageWriter, LSPErrorCodes, ProposedFeatures, ResponseError,
  StreamMessageReader,
  type CancellationToken, type Connection, type Message, type MessageReader, type MessageWriter, type RequestMessage, type ResponseMessage,
} from 'vscode-languageserver/node';
import { noteIncoming } from './documents';
import { jsonDecoder } from './messageReader';
import { PiecewiseMessageWriter } from './messageWriter';
import { noteActivity, writeEnded, writeStarted } from './whenIdle';

/** A queued request cancelled by `$/cancelRequest` is answered RequestCancelled without running. */
function cancelUndispatched(message: Message): ResponseMessage {
  const request = message as RequestMessage;
  return {
    jsonrpc: '2.0',
    id: request.id,
    error: { code: LSPErrorCodes.RequestCancelled, message: `${request.method} was cancelled` },
  };
}

/** A reader that shows every message to `noteIncoming` before the connection queues it. */
function noting(reader: MessageReader): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback) => reader.listen((message) => {
      noteIncoming(message);
      callback(message);
    }),
    dispose: () => reader.dispose(),
  };
}

/**
 * A writer that tells idle work (whenIdle.ts) when each message starts and
 * ends going out: over stdio a large answer is written while the client
 * reads it, and the server is not idle until the last byte is out.
 */
export function notingWrites(writer: MessageWriter): MessageWriter {
  return {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message) => {
      writeStarted();
      let written: Promise<void>;
      try {
        written = writer.write(message);
      } catch (e) {
        writeEnded();
        throw e;
      }
      return written.finally(writeEnded);
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
}

/**
 * The server's connection over the transport named on the command line
 * (`--stdio` as the extension, the tests and other editors start it,
 * `--node-ipc` for a client that asks for Node's IPC channel); other
 * transports keep the library's default wiring.
 */
export function serverConnection(): Connection {
  const options = { connectionStrategy: { cancelUndispatched } };
  const argv = process.argv.slice(2);
  if (argv.includes('--node-ipc')) {
    return createConnection(ProposedFeatures.all, noting(new IPCMessageReader(process)), notingWrites(new IPCMessageWriter(process)), options);
  }
  if (argv.includes('--stdio')) {
    const reader = noting(new StreamMessageReader(process.stdin, { contentTypeDecoder: jsonDecoder }));
    reader.onClose(() => process.exit(0));
    const connection = createConnection(ProposedFeatures.all, reader, notingWrites(new PiecewiseMessageWriter(process.stdout)), options);
    // stdout carries the protocol: stray console output goes to the client's log instead.
    console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
    console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
    console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
    console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
    return connection;
  }
  return createConnection(ProposedFeatures.all, options);
}

/** Logs errors through the connection; set once the connection exists. */
let logError: (message: string) => void = (message) => process.stderr.write(`${message}\n`);

function describe(e: unknown): string {
  return e instanceof Error ? e.stack ?? e.message : String(e);
}

/**
 * Keeps the process alive through an exception nobody caught and a promise
 * nobody handled: both are logged with their stack.
 */
export function guardProcess(connection: Connection): void {
  logError = (message) => connection.console.error(message);
  process.on('uncaughtException', (e) => logError(`uncaught exception: ${describe(e)}`));
  process.on('unhandledRejection', (e) => logError(`unhandled rejection: ${describe(e)}`));
}

/**
 * Runs a request: a cancelled request answers RequestCancelled; a
 * ResponseError (something the user can fix, or ContentModified when the
 * document moved on) goes to the client as it is; anything unexpected is
 * logged with its stack and answered with the empty result, never with stale
 * data.
 *
 * Idle work (whenIdle.ts) waits for a quiet spell counted from when the
 * request is done, not from when it came: a 10k-Service dump's outline takes
 * longer than the spell to make.
 */
export function answer<T>(what: string, empty: T, run: () => T, token?: CancellationToken): T {
  noteActivity();
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
  try {
    return run();
  } catch (e) {
    if (e instanceof ResponseError) throw e;
    logError(`${what} failed: ${describe(e)}`);
    return empty;
  } finally {
    noteActivity();
  }
}

/** `answer` for handlers that await: the token is checked again once the work is done. */
export async function answerAsync<T>(what: string, empty: T, run: () => Promise<T>, token?: CancellationToken): Promise<T> {
  noteActivity();
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
  let result: T;
  try {
    result = await run();
  } catch (e) {
    if (e instanceof ResponseError) throw e;
    logError(`${what} failed: ${describe(e)}`);
    return empty;
  } finally {
    noteActivity();
  }
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
  return result;
}

/** The hidden request that throws inside `answer`, for tests (registered only with IPTABLES_LENS_TEST_HOOKS=1). */
export const CRASH_REQUEST = 'iptables/_crash';

/** Registers the test-only hooks when the environment asks for them. */
export function registerTestHooks(connection: Connection): void {
  if (process.env.IPTABLES_LENS_TEST_HOOKS !== '1') return;
  connection.onRequest(CRASH_REQUEST, (params: { kind?: string } | undefined, token) => answer('_crash', null, () => {
    if (params?.kind === 'uncaught') setTimeout(() => { throw new Error('test hook: uncaught exception'); }, 0);
    if (params?.kind === 'rejection') void Promise.reject(new Error('test hook: unhandled rejection'));
    throw new Error('test hook: a feature crashed');
  }, token));
}
