/**
 * Language-server benchmarks over stdio, printed as figures: didOpen → first
 * diagnostics, from the message going on the wire (median of three fresh
 * servers, with the spread: one open is at the mercy of the machine's mood;
 * the client's encoding of the message beside it), the first request sent
 * right after them, request latencies (p50/p99) for definition, references,
 * hover and document symbols (the server fills its check memo a slice at a
 * time meanwhile, see whenIdle.ts), a one-line edit in the middle → fresh diagnostics,
 * ClusterIP packet traces to the first and the last Service (the last is
 * checked against every other Service's rule first; each trace prints its
 * steps, and how many they unroll to with a run of misses counted rule by
 * rule, the figure earlier runs printed),
 * the first hover (its code not compiled yet), the server's peak RSS, the
 * open as vscode-languageclient sends it over stdio (what the extension
 * uses) and over Node's IPC channel, its encoding included (see
 * transport.ts; medians of three fresh servers each), the
 * page faults of its first open and what a page's first
 * touch costs on this machine (see firstTouch) and how fast it runs plain
 * JavaScript (see fixedLoop), at the start and again right after each
 * dump's opens, so that a slow spell of a shared machine shows beside the
 * figures it slowed. Also times
 * `iptables-restore --test` on the same file when the kernel tools and
 * network namespaces are available (root).
 *
 *   npm run bench:lsp            1k and 10k services
 *   npm run bench:lsp -- 30000   one size
 *   npm run bench:lsp -- --node PATH 10000   the server on another Node binary
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { LspClient } from '../test/support/lspClient';
import { generateKubeProxy } from '../test/support/kubeProxy';
import { SERVER_NODE_FLAGS, stepRun, type TraceResult } from '../server/src/protocol';
import { runtimeFrom } from './runtime';
import { openOver, type Transport } from './transport';

const runtime = runtimeFrom(process.argv.slice(2));
/** A client for a fresh server, started as the extension starts it (SERVER_NODE_FLAGS). */
const newClient = () => new LspClient(undefined, SERVER_NODE_FLAGS, runtime.node);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

/** Minor page faults the process has taken so far (each a first touch of a page of memory), or NaN without /proc. */
function minorFaults(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return NaN;
  }
}

/**
 * What a page's first touch costs on this machine: the median of three
 * fills of 64 MB freshly allocated, and of a second fill of the same memory.
 * On some virtual machines the first is fifty times the second, and the
 * server's open, which touches about 90 MB of new memory on the 10k save
 * dump (its resident memory before and after), pays it for every page.
 */
function firstTouch(): { first: number; again: number } {
  const first: number[] = [];
  const again: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const b = Buffer.allocUnsafe(64 << 20);
    b.fill(1);
    const t1 = performance.now();
    b.fill(2);
    first.push(t1 - t0);
    again.push(performance.now() - t1);
  }
  return { first: percentile(first, 50), again: percentile(again, 50) };
}

/** Where fixedLoop leaves its result, so that its loop is not optimized away. */
let loopSink = 0;

/**
 * The time of a fixed piece of plain JavaScript (fifty million integer
 * steps), median of three: the same on the same machine and Node, unless
 * the machine itself is slower for a while. Then iptables-restore, the
 * first touch and every figure here slow down with it.
 */
function fixedLoop(): number {
  const ms: number[] = [];
  // One untimed turn first: the loop runs optimized from then on, so the first call is timed as the later ones.
  for (let k = -1; k < 3; k++) {
    const t = performance.now();
    loopSink ^= loopOnce(k);
    if (k >= 0) ms.push(performance.now() - t);
  }
  return percentile(ms, 50);
}

function loopOnce(seed: number): number {
  let x = seed;
  for (let i = 0; i < 50_000_000; i++) x = (x * 31 + i) | 0;
  return x;
}

/** The machine's speed now, as one phrase: fixedLoop and firstTouch. */
function machineNow(): string {
  return `fixed loop ${fixedLoop().toFixed(0)} ms, first touch of 64 MB ${firstTouch().first.toFixed(0)} ms`;
}

function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Positions on target names of jump rules, spread through the file. */
function jumpPositions(text: string, count: number): { line: number; character: number }[] {
  const lines = text.split('\n');
  const out: { line: number; character: number }[] = [];
  const step = Math.max(1, Math.floor(lines.length / (count * 3)));
  for (let i = 0; i < lines.length && out.length < count; i += step) {
    const m = / -j (KUBE-\S+)/.exec(lines[i]) ?? /^\s*\d+\s+\d+\s+(KUBE-\S+)/.exec(lines[i]);
    if (m) out.push({ line: i, character: lines[i].indexOf(m[1], m.index) + 2 });
  }
  return out;
}

function restoreTest(text: string): number | null {
  if (process.getuid?.() !== 0) return null;
  const ns = `ilbench${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) return null;
  try {
    const t = performance.now();
    const r = spawnSync('ip', ['netns', 'exec', ns, 'iptables-restore', '--test'], { input: text, maxBuffer: 1 << 26 });
    const ms = performance.now() - t;
    return r.status === 0 ? ms : null;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/**
 * didOpen → diagnostics: from the moment the message goes on the wire to the
 * diagnostics' arrival. The message is encoded first, untimed (the client's
 * work: 220-410 ms for the 10k-Service dumps here, which runs before the
 * server can read a byte), and that time is returned beside it.
 */
async function timedOpen(client: LspClient, uri: string, languageId: string, text: string): Promise<{ ms: number; encodeMs: number }> {
  const [send, encodeMs] = await timed(async () => client.encoded('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } }));
  const [, ms] = await timed(async () => {
    send();
    await client.waitForNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => p.uri === uri && p.version === 1);
  });
  return { ms, encodeMs };
}

/** didOpen → diagnostics on a server started for just that. */
async function openOnce(uri: string, languageId: string, text: string): Promise<number> {
  const client = newClient();
  await client.start();
  try {
    return (await timedOpen(client, uri, languageId, text)).ms;
  } finally {
    await client.stop();
  }
}

async function benchOne(services: number, kind: 'save' | 'listing'): Promise<void> {
  const dump = generateKubeProxy({ services, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 50 });
  const text = kind === 'save' ? dump.save : dump.listing;
  const languageId = kind === 'save' ? 'iptables-save' : 'iptables-listing';
  const uri = `file:///bench/kube-${services}.${kind === 'save' ? 'iptables-save' : 'nvL'}`;
  const client = newClient();
  await client.start();
  const pid = (client as unknown as { child: { pid: number } }).child.pid;

  const faultsBefore = minorFaults(pid);
  const { ms: openMs, encodeMs } = await timedOpen(client, uri, languageId, text);
  const openFaults = minorFaults(pid) - faultsBefore;

  const positions = jumpPositions(text, 200);
  // The first request right after the diagnostics: its code not compiled yet, the rules not yet objects.
  const [, firstMs] = await timed(() => client.request('textDocument/definition', { textDocument: { uri }, position: positions[0] }));
  const lat: Record<string, number[]> = { definition: [], references: [], hover: [], documentSymbol: [] };
  for (const position of positions) {
    const td = { textDocument: { uri }, position };
    lat.definition.push((await timed(() => client.request('textDocument/definition', td)))[1]);
    lat.hover.push((await timed(() => client.request('textDocument/hover', td)))[1]);
  }
  for (const position of positions.slice(0, 50)) {
    lat.references.push((await timed(() => client.request('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } })))[1]);
  }
  for (let i = 0; i < 10; i++) lat.documentSymbol.push((await timed(() => client.request('textDocument/documentSymbol', { textDocument: { uri } })))[1]);

  // A one-line edit in the middle: insert a space at the end of a rule line.
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  const [, editMs] = await timed(async () => {
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: mid, character: lines[mid].length }, end: { line: mid, character: lines[mid].length } }, text: ' ' }],
    });
    await client.waitForNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => p.uri === uri && p.version === 2);
  });

  // The first Service's rule is matched at once; the last one's only after every other Service's rule has been tried.
  const withEndpoints = dump.services.filter((s) => s.endpoints.length > 0);
  const traces: string[] = [];
  for (const [label, svc] of [['first', withEndpoints[0]], ['last', withEndpoints[withEndpoints.length - 1]]] as const) {
    let best = NaN;
    let steps = 0;
    let rules = 0;
    try {
      const packet = `${svc.protocol} 192.0.2.10:40000 -> ${svc.clusterIP}:${svc.servicePort} in eth0`;
      for (let i = 0; i < 5; i++) {
        const [result, ms] = await timed(() => client.request<TraceResult>('iptables/trace', { textDocument: { uri }, packet }));
        best = Number.isNaN(best) ? ms : Math.min(best, ms);
        steps = result.branches.reduce((n, b) => Math.max(n, b.steps.length), 0);
        // What the steps stand for (a run of misses counts each of its rules), comparable with figures from before runs.
        rules = result.branches.reduce((n, b) => Math.max(n, b.steps.reduce((k, s) => k + (stepRun(s)?.count ?? 1), 0)), 0);
      }
    } catch {
      // The server has no trace request (yet).
    }
    traces.push(`${label} ${best.toFixed(1)} ms/${steps} steps (${rules} unrolled)`);
  }
  const rss = peakRssMb(pid);
  await client.stop();
  const opens = [openMs, await openOnce(uri, languageId, text), await openOnce(uri, languageId, text)].sort((a, b) => a - b);
  const machine = machineNow();
  const restore = kind === 'save' ? restoreTest(text) : null;
  // The transports the extension could use, alternated so that a slow spell of the machine hits both.
  const over: Record<Transport, number[]> = { stdio: [], ipc: [] };
  for (let i = 0; i < 3; i++) {
    for (const transport of ['stdio', 'ipc'] as const) over[transport].push(await openOver(transport, runtime.node, uri, languageId, text));
  }

  const f = (xs: number[]) => `${percentile(xs, 50).toFixed(1)}/${percentile(xs, 99).toFixed(1)}`;
  console.log(
    `${`${services} svc ${kind}`.padEnd(18)} ${(text.length / 1e6).toFixed(1).padStart(5)}MB ` +
    `open→diag ${opens[1].toFixed(0).padStart(5)} ms (${opens[0].toFixed(0)}–${opens[2].toFixed(0)}${Number.isNaN(openFaults) ? '' : `; ${(openFaults / 1000).toFixed(1)}k page faults`}; the client encoded it in ${encodeMs.toFixed(0)} ms before)  first def ${firstMs.toFixed(0)} ms  def ${f(lat.definition)}  refs ${f(lat.references)}  first hover ${lat.hover[0].toFixed(0)} ms  hover ${f(lat.hover)}  ` +
    `symbols ${f(lat.documentSymbol)}  edit→diag ${editMs.toFixed(0)} ms  trace ${traces.join(', ')}  peak RSS ${rss.toFixed(0)} MB  ` +
    `client write→diag over stdio ${percentile(over.stdio, 50).toFixed(0)} ms, over Node IPC ${percentile(over.ipc, 50).toFixed(0)} ms` +
    (restore !== null ? `  iptables-restore --test ${restore.toFixed(0)} ms (${(restore / opens[1]).toFixed(1)}× our open→diag)` : '') +
    `  machine after the opens: ${machine}`,
  );
}

async function main(): Promise<void> {
  const sizes = runtime.args.map(Number).filter((n) => n > 0);
  console.log(`server on ${runtime.label}`);
  const touch = firstTouch();
  console.log(`first touch of 64 MB of new memory ${touch.first.toFixed(0)} ms, the same memory again ${touch.again.toFixed(0)} ms (page faults' cost on this machine); fixed loop (see fixedLoop) ${fixedLoop().toFixed(0)} ms`);
  console.log('latencies in ms as p50/p99; open→diag (median of three fresh servers, min–max) runs from the didOpen going on the wire to its diagnostics: parse, graph and every check');
  for (const services of sizes.length ? sizes : [1000, 10000]) {
    for (const kind of ['save', 'listing'] as const) await benchOne(services, kind);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
