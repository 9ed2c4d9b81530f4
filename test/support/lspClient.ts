/**
 * A small JSON-RPC client that speaks LSP over stdio to the bundled server
 * (`node dist/server.js --stdio`), for protocol tests. Generic on purpose:
 * start(), request(), notify(), waitForNotification(), stop(). Requests the
 * server sends to us (workspace/configuration, client/registerCapability, …)
 * are answered with null so the server never waits on the test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS, serverEnvironment } from '../../server/src/protocol';

export interface LspMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

type Waiter = { method: string; predicate: (params: any) => boolean; resolve: (params: any) => void };

export class LspClient {
  private child: ChildProcessWithoutNullStreams | null = null;
  /** Read and not yet taken: the next message's header and body so far. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length the last header gave, or -1 while a header is awaited. */
  private bodyLength = -1;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  private waiters: Waiter[] = [];
  /** Every notification received so far, oldest first. */
  readonly notifications: LspMessage[] = [];
  /** What the server wrote to stderr (for failure messages). */
  stderr = '';

  constructor(
    private readonly serverPath = join(__dirname, '..', '..', 'dist', 'server.js'),
    /** Node flags for the server process: by default those the extension starts it with. */
    private readonly nodeArgs: readonly string[] = SERVER_NODE_FLAGS,
    /** The Node binary that runs the server (the editor runs it on its own). */
    private readonly nodePath = process.execPath,
  ) {}

  /** Spawns the server and performs initialize/initialized. Returns the initialize result. */
  async start(initParams: Record<string, unknown> = {}): Promise<any> {
    const child = spawn(this.nodePath, [...this.nodeArgs, this.serverPath, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...serverEnvironment(process.env) },
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited (${code}) before answering; stderr:\n${this.stderr}`));
      this.pending.clear();
    });
    const result = await this.request('initialize', {
      processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, ...initParams,
    });
    this.notify('initialized', {});
    return result;
  }

  /** Sends a request and resolves with its result; rejects with the server's error. */
  request<R = any>(method: string, params: unknown): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /**
   * Encodes a notification now and returns what sends it, so a benchmark can
   * time the server from the moment the message goes on the wire: building a
   * 17 MB didOpen is the client's work, not the server's.
   */
  encoded(method: string, params: unknown): () => void {
    const body = encode({ jsonrpc: '2.0', method, params });
    return () => this.write(body);
  }

  /** Opens a document (textDocument/didOpen) with version 1. */
  open(uri: string, languageId: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /**
   * Resolves with the params of the first notification of this method that
   * satisfies the predicate, including ones already received.
   */
  waitForNotification<P = any>(method: string, predicate: (params: P) => boolean = () => true): Promise<P> {
    const seen = this.notifications.find((n) => n.method === method && predicate(n.params as P));
    if (seen) return Promise.resolve(seen.params as P);
    return new Promise<P>((resolve) => this.waiters.push({ method, predicate, resolve }));
  }

  /** shutdown + exit, then waits for the process to end (kills it if it lingers). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      // The server is already gone.
    }
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { child.kill(); resolve(); }, 2000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    }
    this.child = null;
  }

  private send(message: LspMessage): void {
    this.write(encode(message));
  }

  private write(body: Buffer): void {
    this.child?.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child?.stdin.write(body);
  }

  /**
   * Reads messages from the server's stdout. A message's chunks are joined
   * once, when its body is complete: joining each chunk onto what came before
   * and searching it all for the header again made a 30 MB answer (the
   * outline of a 30k-Service dump) cost the client seconds, which the
   * benchmarks then counted as the server's.
   */
  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.bodyLength < 0) {
        const head = this.joined();
        const headerEnd = head.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const header = head.subarray(0, headerEnd).toString('ascii');
        const m = /Content-Length: *(\d+)/i.exec(header);
        if (!m) throw new Error(`bad LSP header: ${header}`);
        this.bodyLength = Number(m[1]);
        this.chunks = [head.subarray(headerEnd + 4)];
        this.buffered -= headerEnd + 4;
      }
      if (this.buffered < this.bodyLength) return;
      const all = this.joined();
      const body = all.subarray(0, this.bodyLength).toString('utf8');
      this.chunks = [all.subarray(this.bodyLength)];
      this.buffered -= this.bodyLength;
      this.bodyLength = -1;
      this.onMessage(JSON.parse(body) as LspMessage);
    }
  }

  /** What has been read and not yet taken, in one buffer. */
  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }

  private onMessage(msg: LspMessage): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      if (msg.error) p.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined && msg.method !== undefined) {
      // A request from the server: answer with null (no configuration, capability registered).
      this.send({ jsonrpc: '2.0', id: msg.id, result: null });
      return;
    }
    this.notifications.push(msg);
    for (const w of [...this.waiters]) {
      if (w.method === msg.method && w.predicate(msg.params)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(msg.params);
      }
    }
  }
}

/** A message's body as it goes on the wire. */
function encode(message: LspMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
