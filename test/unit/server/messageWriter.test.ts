import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { PassThrough } from 'stream';
import type { Message } from 'vscode-languageserver/node';
import { documentSymbols } from '../../../server/src/features/documentSymbols';
import { findReferences } from '../../../server/src/features/references';
import { diagnostics } from '../../../server/src/features/diagnostics';
import { jsonGroups, PiecewiseMessageWriter } from '../../../server/src/messageWriter';
import { Analysis } from '../../../server/src/model/analysis';
import { trace } from '../../../server/src/trace';
import { generateKubeProxy } from '../../support/kubeProxy';

const SEED = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'heketi-nat.iptables-save'), 'utf8');
const URI = 'file:///x.iptables-save';

function joined(value: unknown): string {
  let out = '';
  for (const group of jsonGroups(value)) out += group;
  return out;
}

/** Replies the server sends, built by the features on a dump: outline, references of every jump target, diagnostics, a trace. */
function replies(text: string, languageId: string): unknown[] {
  const analysis = Analysis.of(text, languageId);
  const lines = text.split('\n');
  const out: unknown[] = [documentSymbols(analysis), diagnostics(analysis, {})];
  const targets = new Set<string>();
  lines.forEach((line, i) => {
    const m = / -j (\S+)/.exec(line);
    if (!m || targets.has(m[1])) return;
    targets.add(m[1]);
    out.push(findReferences(analysis, URI, i, line.indexOf(m[1], m.index) + 1, true));
  });
  const svc = /-A KUBE-SERVICES -d (\S+)\/32 -p (\w+) .*--dport (\d+)/.exec(text);
  if (svc) {
    const outcome = trace(analysis, `${svc[2]} 192.0.2.10:40000 -> ${svc[1]}:${svc[3]} in eth0`);
    assert.ok(outcome.result, 'the trace runs');
    out.push(outcome.result);
  }
  return out;
}

test('groups joined are JSON.stringify of the replies on the seed and a generated kube-proxy dump', () => {
  const kube = generateKubeProxy({ services: 300, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 50 });
  let split = 0;
  for (const [text, languageId] of [[SEED, 'iptables-save'], [kube.save, 'iptables-save'], [kube.listing, 'iptables-listing']]) {
    for (const [i, result] of replies(text, languageId).entries()) {
      const message = { jsonrpc: '2.0', id: i, result };
      const groups = [...jsonGroups(message)];
      if (groups.length > 1) split++;
      assert.equal(groups.join(''), JSON.stringify(message));
    }
  }
  // The long replies really were written in several groups.
  assert.ok(split >= 3, `${split} replies were split`);
});

test('groups joined are JSON.stringify of awkward values: holes, undefined, functions, toJSON, class instances, non-ASCII', () => {
  class Point {
    constructor(readonly x: number, readonly y: number) {}
  }
  const long = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
  const sparse: unknown[] = long(200, (i) => i);
  delete sparse[7];
  sparse[150] = undefined;
  sparse[151] = () => 1;
  sparse[152] = Symbol('s');
  const values: unknown[] = [
    null, 1, 'a', [], {}, [undefined], { a: undefined, b: () => 1, c: 2 },
    sparse,
    { before: 1, skip: undefined, list: long(100, (i) => ({ name: `KUBE-SVC-${i} · ${'→'.repeat(i % 3)}`, n: i })), after: [1, 2] },
    { date: new Date(0), list: long(500, (i) => new Point(i, -i)) },
    { withToJSON: { toJSON: () => long(100, String) }, list: long(70, (i) => (i % 2 ? { toJSON: () => `j${i}` } : [i])) },
    long(3, () => ({ deep: { deeper: { list: long(65, (i) => ({ i, s: '"quoted"\n\u2028' })) } } })),
    { [Symbol('hidden')]: 1, 'key "with" quotes': long(65, (i) => i / 3) },
    long(100_000, (i) => ({ uri: URI, range: { start: { line: i, character: 3 }, end: { line: i, character: 9 } } })),
  ];
  for (const value of values) assert.equal(joined(value), JSON.stringify(value));
});

/** The messages a stream carries, read back by their Content-Length headers (bytes, not characters). */
function framed(bytes: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    const m = /^Content-Length: (\d+)$/.exec(bytes.subarray(at, headerEnd).toString('ascii'));
    assert.ok(m, `a Content-Length header at byte ${at}`);
    const start = headerEnd + 4;
    out.push(bytes.subarray(start, start + Number(m[1])).toString('utf8'));
    at = start + Number(m[1]);
  }
  return out;
}

test('the writer frames each message with its UTF-8 byte length and keeps messages whole and in order, waiting for a slow reader', async () => {
  // A tiny buffer: every long message has to wait for the reader between groups.
  const stream = new PassThrough({ highWaterMark: 1024 });
  const chunks: Buffer[] = [];
  const writer = new PiecewiseMessageWriter(stream);
  const messages: Message[] = [
    { jsonrpc: '2.0', id: 1, result: { detail: '3 references · 1 rule → DNAT' } } as Message,
    { jsonrpc: '2.0', id: 2, result: Array.from({ length: 20_000 }, (_, i) => ({ name: `C${i}`, detail: `${i} · rules` })) } as Message,
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: URI, diagnostics: Array.from({ length: 5000 }, (_, i) => ({ message: `é${i}` })) } } as Message,
    { jsonrpc: '2.0', id: 3, result: null } as Message,
  ];
  // All written at once, as the connection does; the reader starts late and reads slowly.
  const written = Promise.all(messages.map((m) => writer.write(m)));
  await new Promise((resolve) => setTimeout(resolve, 20));
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await written;
  assert.deepEqual(framed(Buffer.concat(chunks)), messages.map((m) => JSON.stringify(m)));
});

test('a write to a failed stream rejects and reports the error', async () => {
  const stream = new PassThrough();
  const writer = new PiecewiseMessageWriter(stream);
  const errors: unknown[] = [];
  writer.onError((e) => errors.push(e));
  stream.destroy();
  await assert.rejects(writer.write({ jsonrpc: '2.0', id: 1, result: Array.from({ length: 1000 }, (_, i) => i) } as Message));
  assert.ok(errors.length >= 1);
});
