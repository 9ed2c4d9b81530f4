/**
 * The server under abuse, over stdio: a burst of 10,000 edits on a 16 MB
 * kube-proxy dump with requests and cancellations mixed in (every answer
 * must fit the version it was asked at), and a feature that throws (logged,
 * answered empty, the server keeps going). Also the server's line-array
 * documents against the reference text-document library on random edits.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../support/lspClient';
import { generateKubeProxy } from '../support/kubeProxy';
import { LineDocument } from '../../server/src/documents';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
const EDITS = 10_000;
const REQUEST_EVERY = 20;
const CANCEL_EVERY = 5;
const PAUSE_EVERY = 4040;

let client: LspClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is missing: run `npm run build` first');
  process.env.IPTABLES_LENS_TEST_HOOKS = '1';
  client = new LspClient(SERVER);
  await client.start();
});

after(async () => {
  await client?.stop();
});

/** The error code of a rejected request (the client puts it first in the message). */
function codeOf(e: unknown): number {
  return Number.parseInt(String((e as Error).message), 10);
}

/** The id the client will give its next request, so it can be cancelled. */
function nextId(c: LspClient): number {
  return (c as unknown as { nextId: number }).nextId;
}

test('LineDocument applies random edits exactly as the reference text document does', () => {
  const position = fc.record({ line: fc.nat(6), character: fc.nat(12) });
  const change = fc.record({ a: position, b: position, text: fc.stringMatching(/^[ab\r\n]{0,6}$/) });
  let inPlace = 0;
  fc.assert(fc.property(fc.stringMatching(/^[ab\r\n]{0,30}$/), fc.array(change, { maxLength: 8 }), (start, changes) => {
    const ours = LineDocument.of('file:///x', 'iptables-save', 1, start);
    const theirs = TextDocument.create('file:///x', 'iptables-save', 1, start);
    changes.forEach(({ a, b, text }, i) => {
      // Positions are clamped the way the reference clamps them, then ordered.
      const [s, e] = [theirs.positionAt(theirs.offsetAt(a)), theirs.positionAt(theirs.offsetAt(b))]
        .sort((x, y) => x.line - y.line || x.character - y.character);
      const edit = [{ range: { start: s, end: e }, text }];
      const before = ours.getText();
      ours.apply(edit, i + 2);
      TextDocument.update(theirs, edit, i + 2);
      assert.equal(ours.getText(), theirs.getText());
      assert.equal(ours.lineCount, theirs.lineCount);
      // The lines it reports as edited in place are exactly the parser's lines that changed.
      const edited = ours.takeEditedLines();
      if (edited) {
        inPlace += edited.size;
        const [was, now] = [before.split('\n'), ours.getText().split('\n')];
        assert.equal(now.length, was.length);
        now.forEach((line, ln) => {
          if (line !== was[ln]) assert.ok(edited.has(ln), `line ${ln} changed unreported`);
        });
        for (const [ln, line] of edited) assert.equal(line, now[ln]);
      }
    });
  }), { numRuns: 2000 });
  assert.ok(inPlace > 200, `only ${inPlace} in-place edits seen`);
});

test('LineDocument reports typing inside a line as an in-place edit, and a new line as none', () => {
  const doc = LineDocument.of('file:///x', 'iptables-save', 1, '-A A -j B\r\n-A A -j C\n-A A -j D\n');
  assert.deepEqual(doc.takeEditedLines(), new Map());
  const at = (line: number, character: number) => ({ line, character });
  doc.apply([{ range: { start: at(1, 9), end: at(1, 9) }, text: 'X' }], 2);
  doc.apply([{ range: { start: at(0, 0), end: at(0, 2) }, text: '-I' }], 3);
  assert.deepEqual(doc.takeEditedLines(), new Map([[0, '-I A -j B\r'], [1, '-A A -j CX']]));
  assert.deepEqual(doc.takeEditedLines(), new Map());
  doc.apply([{ range: { start: at(2, 0), end: at(2, 0) }, text: '-A A -j E\n' }], 4);
  assert.equal(doc.takeEditedLines(), null);
});

test('10,000 rapid edits of the 16 MB dump: every answer fits the version it was asked at', async () => {
  const { save } = generateKubeProxy({ services: 10000, endpointsPerService: 3 });
  const lines = save.split('\n');
  // A jump into a Service chain, and that chain's declaration (both below line 1, where edits go).
  const jumpLine = lines.findIndex((l) => l.startsWith('-A KUBE-SERVICES ') && l.includes(' -j KUBE-SVC-'));
  const chain = /-j (KUBE-SVC-\S+)/.exec(lines[jumpLine])![1];
  const declLine = lines.indexOf(`:${chain} - [0:0]`);
  const column = lines[jumpLine].indexOf(`-j ${chain}`) + 4;
  assert.ok(jumpLine > 1 && declLine > 1, 'the generated dump has a Service jump and its declaration');
  console.log(`# dump: ${(save.length / 1e6).toFixed(1)} MB, ${lines.length} lines; ${chain} jumped to on line ${jumpLine + 1}, declared on line ${declLine + 1}`);

  const uri = 'file:///burst/kube-10k.save';
  client.open(uri, 'iptables-save', save, 1);
  type Asked = { version: number; kind: 'definition' | 'hover'; cancelled: boolean; outcome: Promise<unknown> };
  const asked: Asked[] = [];
  const started = Date.now();
  for (let version = 2; version <= EDITS + 1; version++) {
    // Each edit adds one line at line 1: at version v everything below has moved down v - 1 lines.
    client.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: `# edit ${version}\n` }],
    });
    if (version % REQUEST_EVERY !== 0) continue;
    const position = { line: jumpLine + version - 1, character: column };
    for (const kind of ['definition', 'hover'] as const) {
      const id = nextId(client);
      const outcome = client.request(`textDocument/${kind}`, { textDocument: { uri }, position });
      outcome.catch(() => undefined);
      const cancelled = (version / REQUEST_EVERY) % CANCEL_EVERY === 0;
      if (cancelled) client.notify('$/cancelRequest', { id });
      asked.push({ version, kind, cancelled, outcome });
      // Now and then the burst waits for an answer, so some requests are answered mid-burst.
      if (version % PAUSE_EVERY === 0 && !cancelled) await outcome.catch(() => undefined);
    }
  }
  const final = EDITS + 1;
  const settled = await Promise.allSettled(asked.map((a) => a.outcome));
  const burstMs = Date.now() - started;
  const diagnostics = await client.waitForNotification<{ uri: string; version?: number }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === final);
  const allMs = Date.now() - started;

  const tally = { answered: 0, cancelled: 0, contentModified: 0 };
  settled.forEach((s, i) => {
    const a = asked[i];
    if (s.status === 'rejected') {
      const code = codeOf(s.reason);
      if (code === -32800) {
        assert.ok(a.cancelled, `${a.kind} at version ${a.version} answered RequestCancelled but was never cancelled`);
        tally.cancelled++;
      } else {
        assert.equal(code, -32801, `${a.kind} at version ${a.version} failed: ${String(s.reason)}`);
        tally.contentModified++;
      }
      return;
    }
    tally.answered++;
    const shift = a.version - 1;
    if (a.kind === 'definition') {
      const found = s.value as { range: { start: { line: number } } }[];
      assert.equal(found.length, 1, `definition at version ${a.version}`);
      assert.equal(found[0].range.start.line, declLine + shift, `definition at version ${a.version} points at that version's declaration`);
    } else {
      const hover = s.value as { range?: { start: { line: number } } } | null;
      assert.ok(hover?.range, `hover at version ${a.version} has a range`);
      assert.equal(hover.range.start.line, jumpLine + shift, `hover at version ${a.version} covers that version's line`);
    }
  });
  const published = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
  console.log(`# ${EDITS} edits + ${asked.length} requests answered in ${burstMs} ms; final diagnostics after ${allMs} ms`);
  console.log(`# requests: ${tally.answered} answered, ${tally.contentModified} ContentModified, ${tally.cancelled} RequestCancelled; diagnostics published ${published.length} time(s), versions ${published.map((n) => (n.params as { version?: number }).version).join(', ')}`);
  assert.equal(diagnostics.version, final);
  assert.ok(published.every((n) => (n.params as { version?: number }).version !== undefined), 'every publish names its version');

  // The final version answers, with the final text's positions.
  const defs = await client.request<{ range: { start: { line: number } } }[]>('textDocument/definition', { textDocument: { uri }, position: { line: jumpLine + EDITS, character: column } });
  assert.equal(defs[0].range.start.line, declLine + EDITS);
  const hover = await client.request<{ range: { start: { line: number } } }>('textDocument/hover', { textDocument: { uri }, position: { line: jumpLine + EDITS, character: column } });
  assert.equal(hover.range.start.line, jumpLine + EDITS);
  client.notify('textDocument/didClose', { textDocument: { uri } });
});

test('a feature that throws is logged with its stack, answered empty, and the server keeps answering', async () => {
  const uri = 'file:///crash/small.save';
  const text = '*filter\n:INPUT ACCEPT [0:0]\n:MINE - [0:0]\n-A INPUT -j MINE\nCOMMIT\n';
  client.open(uri, 'iptables-save', text);
  const logs = () => client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { type: number; message: string }));

  assert.equal(await client.request('iptables/_crash', {}), null);
  const crash = await client.waitForNotification<{ type: number; message: string }>('window/logMessage', (p) => p.message.includes('test hook: a feature crashed'));
  assert.equal(crash.type, 1, 'logged as an error');
  assert.match(crash.message, /^_crash failed: Error: test hook: a feature crashed\n\s+at /, 'the log carries the stack');

  // Exceptions outside any request: an uncaught throw and an unhandled rejection.
  await client.request('iptables/_crash', { kind: 'uncaught' });
  await client.request('iptables/_crash', { kind: 'rejection' });
  await client.waitForNotification<{ message: string }>('window/logMessage', (p) => p.message.startsWith('uncaught exception: Error: test hook: uncaught exception'));
  await client.waitForNotification<{ message: string }>('window/logMessage', (p) => p.message.startsWith('unhandled rejection: Error: test hook: unhandled rejection'));

  const defs = await client.request<{ range: { start: { line: number; character: number } } }[]>('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 13 } });
  assert.deepEqual(defs.map((d) => d.range.start), [{ line: 2, character: 1 }]);
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 13 } });
  assert.ok(hover && hover.contents.value.includes('MINE'), 'hover still answers');
  assert.ok(logs().every((l) => !/definition|hover/.test(l.message)), 'the later requests logged nothing');
});

test('a file the editor cannot sync is read from disk: diagnostics, graph and trace on its URI, cleared on close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iptables-lens-large-'));
  try {
    const file = join(dir, 'big.iptables-save');
    writeFileSync(file, '*filter\n:INPUT DROP [0:0]\n:MINE - [0:0]\n-A INPUT -p tcp --dport 22 -j MINE\n-A MINE -j NOPE\nCOMMIT\n');
    const uri = pathToFileURL(file).toString();
    client.notify('iptables/openLargeFile', { uri, languageId: 'iptables-save' });
    const published = await client.waitForNotification<{ uri: string; diagnostics: { code: string; range: { start: { line: number } } }[] }>(
      'textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    assert.ok(published.diagnostics.some((d) => d.code === 'undefined-chain' && d.range.start.line === 4), JSON.stringify(published.diagnostics));

    const graph = await client.request<{ nodes: { chain: string }[] }>('iptables/graph', { textDocument: { uri }, position: { line: 2, character: 2 }, depth: 1 });
    assert.deepEqual(graph.nodes.map((n) => n.chain).sort(), ['INPUT', 'MINE']);
    const traced = await client.request<{ branches: { verdict: string; steps: { chain: string }[] }[] }>('iptables/trace', { textDocument: { uri }, packet: 'tcp 10.0.0.1:40000 -> 10.0.0.2:80 in eth0 local 10.0.0.2' });
    // Port 80 does not match the port-22 jump: INPUT's policy drops it.
    assert.deepEqual(traced.branches.map((b) => b.verdict), ['DROP']);

    client.notify('iptables/closeLargeFile', { uri });
    await client.waitForNotification<{ uri: string; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length === 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
