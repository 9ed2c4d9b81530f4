/**
 * Navigation over the real protocol: spawns the bundled server
 * (`dist/server.js --stdio`) and exercises definition, references, highlight,
 * rename, outline, workspace symbols, call hierarchy, folding, CodeLens and
 * `iptables/graph` on the seed (both formats) and on generated kube-proxy
 * dumps. Expected figures are counted from the text with regular
 * expressions, independently of the parser. Request times are printed
 * (p50/p99), never asserted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { spawnSync } from 'child_process';
import { LspClient } from '../support/lspClient';
import { generateKubeProxy } from '../support/kubeProxy';

const ROOT = join(__dirname, '..', '..');
const fixture = (p: string) => readFileSync(join(ROOT, 'test', 'fixtures', p), 'utf8');

type Pos = { line: number; character: number };
type Range = { start: Pos; end: Pos };

/** Position of the n-th (0-based) match of `re` in `text`, pointing `offset` characters into the match's group 1 (or whole match). */
function positionOf(text: string, re: RegExp, n = 0, offset = 1): Pos {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = g.exec(text))) {
    if (i++ === n) {
      const at = m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0) + offset;
      const before = text.slice(0, at);
      const line = before.split('\n').length - 1;
      return { line, character: at - (before.lastIndexOf('\n') + 1) };
    }
  }
  throw new Error(`no match ${n} for ${re}`);
}

/** 0-based numbers of the lines matching a regex. */
function linesMatching(text: string, re: RegExp): number[] {
  const out: number[] = [];
  text.split('\n').forEach((l, i) => { if (re.test(l)) out.push(i); });
  return out;
}

function count(text: string, re: RegExp): number {
  return linesMatching(text, re).length;
}

function covered(text: string, r: Range): string {
  const lines = text.split('\n');
  assert.equal(r.start.line, r.end.line, 'single-line range');
  return lines[r.start.line].slice(r.start.character, r.end.character);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Times one kind of request over several positions and prints p50/p99. */
async function timed<T>(label: string, runs: (() => Promise<T>)[]): Promise<T[]> {
  const times: number[] = [];
  const out: T[] = [];
  for (const run of runs) {
    const t0 = performance.now();
    out.push(await run());
    times.push(performance.now() - t0);
  }
  console.log(`  [timing] ${label}: n=${times.length} p50=${percentile(times, 50).toFixed(1)}ms p99=${percentile(times, 99).toFixed(1)}ms`);
  return out;
}

const client = new LspClient(join(ROOT, 'dist', 'server.js'));
let init: any;

before(async () => {
  if (!existsSync(join(ROOT, 'dist', 'server.js'))) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(r.status, 0, 'build');
  }
  init = await client.start({
    capabilities: { textDocument: { definition: { linkSupport: true }, rename: { prepareSupport: true } } },
    workspaceFolders: [{ uri: `file://${join(ROOT, 'test', 'fixtures', 'seed')}`, name: 'seed' }],
  });
});
after(() => client.stop());

const td = (uri: string) => ({ textDocument: { uri } });

test('the server declares every navigation capability', () => {
  const c = init.capabilities;
  for (const k of ['definitionProvider', 'referencesProvider', 'documentHighlightProvider', 'documentSymbolProvider',
    'workspaceSymbolProvider', 'callHierarchyProvider', 'foldingRangeProvider']) assert.ok(c[k], k);
  assert.deepEqual(c.renameProvider, { prepareProvider: true });
  assert.deepEqual(c.codeLensProvider, { resolveProvider: true });
});

describe('seed, iptables-save', () => {
  const uri = 'file:///seed/heketi-nat.save';
  const text = fixture('seed/heketi-nat.save');
  before(() => client.open(uri, 'iptables-save', text));

  test('definition from -j KUBE-SVC-7RUAH544RSSBQYKK lands on its declaration line', async () => {
    const pos = positionOf(text, /-j (KUBE-SVC-7RUAH544RSSBQYKK)/);
    const links = await client.request('textDocument/definition', { ...td(uri), position: pos });
    assert.equal(links.length, 1);
    assert.equal(links[0].targetUri, uri);
    assert.equal(links[0].targetSelectionRange.start.line, linesMatching(text, /^:KUBE-SVC-7RUAH544RSSBQYKK /)[0]);
    assert.equal(covered(text, links[0].targetSelectionRange), 'KUBE-SVC-7RUAH544RSSBQYKK');
    assert.equal(covered(text, links[0].originSelectionRange), 'KUBE-SVC-7RUAH544RSSBQYKK');
    const none = await client.request('textDocument/definition', { ...td(uri), position: positionOf(text, /-j (DNAT)/) });
    assert.deepEqual(none, []);
  });

  test('references of KUBE-MARK-MASQ: every jumping rule, its own rule, its declaration', async () => {
    const pos = positionOf(text, /^:(KUBE-MARK-MASQ)/m);
    const refs: { range: Range }[] = await client.request('textDocument/references', { ...td(uri), position: pos, context: { includeDeclaration: true } });
    const jumps = count(text, /-j KUBE-MARK-MASQ(\s|$)/);
    const own = count(text, /^-A KUBE-MARK-MASQ /);
    assert.ok(jumps >= 6, 'the seed has several');
    assert.equal(refs.length, jumps + own + 1);
    for (const r of refs) assert.equal(covered(text, r.range), 'KUBE-MARK-MASQ');
    const noDecl = await client.request('textDocument/references', { ...td(uri), position: pos, context: { includeDeclaration: false } });
    assert.equal(noDecl.length, jumps + own);
    const hl = await client.request('textDocument/documentHighlight', { ...td(uri), position: pos });
    assert.equal(hl.length, jumps + own + 1);
  });

  test('rename KUBE-SEP-IWORYNCAYHBSQHXU edits exactly declaration + own rules + jumps', async () => {
    const name = 'KUBE-SEP-IWORYNCAYHBSQHXU';
    const pos = positionOf(text, new RegExp(`-j (${name})`));
    const prep = await client.request('textDocument/prepareRename', { ...td(uri), position: pos });
    assert.equal(covered(text, prep.range), name);
    const edit = await client.request('textDocument/rename', { ...td(uri), position: pos, newName: 'KUBE-SEP-HEKETI' });
    const edits: { range: Range; newText: string }[] = edit.changes[uri];
    const expected = new Set([
      ...linesMatching(text, new RegExp(`^:${name} `)),
      ...linesMatching(text, new RegExp(`^-A ${name} `)),
      ...linesMatching(text, new RegExp(`-[jg] ${name}(\\s|$)`)),
    ]);
    assert.deepEqual(edits.map((e) => e.range.start.line).sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
    for (const e of edits) {
      assert.equal(covered(text, e.range), name);
      assert.equal(e.newText, 'KUBE-SEP-HEKETI');
    }
  });

  test('rename refusals come back as errors with a reason', async () => {
    await assert.rejects(client.request('textDocument/prepareRename', { ...td(uri), position: positionOf(text, /^-A (PREROUTING)/m) }), /built-in chain/);
    await assert.rejects(client.request('textDocument/rename', { ...td(uri), position: positionOf(text, /-j (DNAT)/), newName: 'X' }), /DNAT is a target/);
    await assert.rejects(client.request('textDocument/rename', { ...td(uri), position: positionOf(text, /^:(KUBE-SERVICES)/m), newName: 'KUBE-MARK-MASQ' }), /already has a chain/);
  });

  test('outline: one table, every declared chain', async () => {
    const syms = await client.request('textDocument/documentSymbol', td(uri));
    assert.deepEqual(syms.map((s: any) => s.name), ['nat']);
    assert.equal(syms[0].children.length, count(text, /^:\S+ /));
  });

  test('call hierarchy: KUBE-SVC-7RUAH544RSSBQYKK is called from KUBE-SERVICES and calls its endpoint', async () => {
    const [item] = await client.request('textDocument/prepareCallHierarchy', { ...td(uri), position: positionOf(text, /^:(KUBE-SVC-7RUAH544RSSBQYKK)/m) });
    const incoming = await client.request('callHierarchy/incomingCalls', { item });
    assert.deepEqual(incoming.map((c: any) => c.from.name), ['KUBE-SERVICES']);
    const outgoing = await client.request('callHierarchy/outgoingCalls', { item });
    assert.deepEqual(outgoing.map((c: any) => c.to.name), ['KUBE-SEP-IWORYNCAYHBSQHXU']);
  });

  test('folding, CodeLens and the graph request', async () => {
    const folds = await client.request('textDocument/foldingRange', td(uri));
    assert.ok(folds.some((f: any) => f.startLine === linesMatching(text, /^\*nat/)[0] && f.endLine === linesMatching(text, /^COMMIT/)[0]));
    const lenses = await client.request('textDocument/codeLens', td(uri));
    assert.equal(lenses.length, count(text, /^:\S+ /));
    const masqLens = lenses.find((l: any) => l.range.start.line === linesMatching(text, /^:KUBE-MARK-MASQ /)[0]);
    const resolved = await client.request('codeLens/resolve', masqLens);
    assert.equal(resolved.command.title, `${count(text, /-j KUBE-MARK-MASQ(\s|$)/)} references · ${count(text, /^-A KUBE-MARK-MASQ /)} rule`);
    assert.equal(resolved.command.command, 'iptables.showReferences');
    const graph = await client.request('iptables/graph', { ...td(uri), position: positionOf(text, /^:(KUBE-SVC-7RUAH544RSSBQYKK)/m), depth: 1 });
    assert.deepEqual(graph.nodes.map((n: any) => n.chain).sort(), ['KUBE-SEP-IWORYNCAYHBSQHXU', 'KUBE-SERVICES', 'KUBE-SVC-7RUAH544RSSBQYKK']);
    assert.ok(graph.omitted > 0);
  });

  test('workspace symbols find the seed files in the workspace folder', async () => {
    const syms = await client.request('workspace/symbol', { query: 'KUBE-SEP-IWOR' });
    assert.ok(syms.some((s: any) => s.location.uri === uri), 'from the open document');
    assert.ok(syms.some((s: any) => s.location.uri.endsWith('/seed/heketi-nat.nvL')), 'from the listing file in the folder');
  });
});

describe('seed, iptables -nvL listing', () => {
  const uri = 'file:///seed/heketi-nat.nvL';
  const text = fixture('seed/heketi-nat.nvL');
  before(() => client.open(uri, 'iptables-listing', text));

  test('definition from the target column lands on the Chain header', async () => {
    const pos = positionOf(text, /^\s*\d+\s+\d+\s+(KUBE-SVC-7RUAH544RSSBQYKK)\s/m);
    const links = await client.request('textDocument/definition', { ...td(uri), position: pos });
    assert.equal(links.length, 1);
    assert.equal(links[0].targetSelectionRange.start.line, linesMatching(text, /^Chain KUBE-SVC-7RUAH544RSSBQYKK /)[0]);
  });

  test('references of KUBE-SEP-IWORYNCAYHBSQHXU: header and target columns', async () => {
    const pos = positionOf(text, /^Chain (KUBE-SEP-IWORYNCAYHBSQHXU)/m);
    const refs = await client.request('textDocument/references', { ...td(uri), position: pos, context: { includeDeclaration: true } });
    assert.equal(refs.length, 1 + count(text, /^\s*\d+\s+\S+\s+KUBE-SEP-IWORYNCAYHBSQHXU\s/));
    for (const r of refs) assert.equal(covered(text, r.range), 'KUBE-SEP-IWORYNCAYHBSQHXU');
  });

  test('outline chain count equals the Chain headers', async () => {
    const syms = await client.request('textDocument/documentSymbol', td(uri));
    const chains = syms.flatMap((s: any) => s.children);
    assert.equal(chains.length, count(text, /^Chain /));
  });

  test('rename in a listing: header and target columns', async () => {
    const name = 'KUBE-SVC-7RUAH544RSSBQYKK';
    const edit = await client.request('textDocument/rename', { ...td(uri), position: positionOf(text, /^Chain (KUBE-SVC-7RUAH544RSSBQYKK)/m), newName: 'SVC-HEKETI' });
    const lines = edit.changes[uri].map((e: any) => e.range.start.line).sort((a: number, b: number) => a - b);
    assert.deepEqual(lines, linesMatching(text, new RegExp(`(^Chain ${name} |^\\s*\\d+\\s+\\S+\\s+${name}\\s)`)));
  });
});

describe('generated kube-proxy dump (3000 services)', () => {
  const dump = generateKubeProxy({ services: 3000, endpointsPerService: 2, nodePortEvery: 5, noEndpointsEvery: 50 });
  const uri = 'file:///gen/kube-3000.save';
  const luri = 'file:///gen/kube-3000.nvL';
  const text = dump.save;
  before(() => {
    client.open(uri, 'iptables-save', text);
    client.open(luri, 'iptables-listing', dump.listing);
  });

  test('definition from -j KUBE-SVC-… lands on its declaration line', async () => {
    const lines = text.split('\n');
    const positions = Array.from({ length: 40 }, (_, i) => positionOf(text, /-j (KUBE-SVC-[A-Z0-9]{16})/, i * 37));
    const results = await timed('definition (3000 services, save)', positions.map((p) => () => client.request('textDocument/definition', { ...td(uri), position: p })));
    results.forEach((links: any, i) => {
      const p = positions[i];
      const name = /KUBE-SVC-[A-Z0-9]{16}/.exec(lines[p.line].slice(p.character - 1))![0];
      assert.equal(links.length, 1);
      assert.equal(lines[links[0].targetRange.start.line], `:${name} - [0:0]`);
    });
  });

  test('references of KUBE-MARK-MASQ count every jumping rule', async () => {
    const pos = positionOf(text, /^:(KUBE-MARK-MASQ)/m);
    const [refs] = await timed('references KUBE-MARK-MASQ (3000 services)', Array.from({ length: 10 }, () => () =>
      client.request('textDocument/references', { ...td(uri), position: pos, context: { includeDeclaration: false } })));
    const jumps = count(text, /-j KUBE-MARK-MASQ(\s|$)/);
    assert.ok(jumps > 3000);
    assert.equal(refs.length, jumps + count(text, /^-A KUBE-MARK-MASQ /));
  });

  test('rename a service chain edits exactly declaration + own rules + jumps', async () => {
    const pos = positionOf(text, /-j (KUBE-SVC-[A-Z0-9]{16})/, 1234);
    const name = /KUBE-SVC-[A-Z0-9]{16}/.exec(text.split('\n')[pos.line].slice(pos.character - 1))![0];
    const edit = await client.request('textDocument/rename', { ...td(uri), position: pos, newName: 'RENAMED-SVC' });
    const got = edit.changes[uri].map((e: any) => e.range.start.line).sort((a: number, b: number) => a - b);
    assert.deepEqual(got, linesMatching(text, new RegExp(`^:${name} |^-A ${name} |-[jg] ${name}(\\s|$)`)));
  });

  test('outline chain count equals the dump\'s chains, in both formats', async () => {
    const [syms] = await timed('documentSymbol (3000 services, save)', [() => client.request('textDocument/documentSymbol', td(uri))]);
    const chains = (syms as any[]).flatMap((s) => s.children);
    assert.equal(chains.length, count(text, /^:\S+ /));
    assert.equal(chains.length, dump.chainCount);
    const lsyms = await client.request('textDocument/documentSymbol', td(luri));
    assert.equal(lsyms.flatMap((s: any) => s.children).length, dump.chainCount);
  });

  test('graph, lenses, folding and call hierarchy answer on the large dump', async () => {
    const pos = positionOf(text, /^:(KUBE-MARK-MASQ)/m);
    const [graph] = await timed('iptables/graph depth 2 around KUBE-MARK-MASQ', Array.from({ length: 5 }, () => () =>
      client.request('iptables/graph', { ...td(uri), position: pos, depth: 2 })));
    assert.ok((graph as any).nodes.length <= 150);
    assert.ok((graph as any).omitted > 0);
    await timed('codeLens (3000 services)', [() => client.request('textDocument/codeLens', td(uri))]);
    await timed('foldingRange (3000 services)', [() => client.request('textDocument/foldingRange', td(uri))]);
    const [item] = await client.request('textDocument/prepareCallHierarchy', { ...td(uri), position: pos });
    const [incoming] = await timed('incomingCalls KUBE-MARK-MASQ', [() => client.request('callHierarchy/incomingCalls', { item })]);
    assert.equal((incoming as any[]).reduce((n, c) => n + c.fromRanges.length, 0), count(text, /-j KUBE-MARK-MASQ(\s|$)/));
  });
});

describe('generated kube-proxy dump (10000 services, ~30k chains)', () => {
  const dump = generateKubeProxy({ services: 10000, endpointsPerService: 2, nodePortEvery: 5, noEndpointsEvery: 50 });
  const uri = 'file:///gen/kube-10000.save';
  const text = dump.save;

  test('first answer (parse included), then definition/references/rename/highlight timings', async () => {
    console.log(`  [size] ${dump.chainCount} chains, ${dump.ruleCount} rules, ${(text.length / 1e6).toFixed(1)} MB`);
    client.open(uri, 'iptables-save', text);
    const first = positionOf(text, /-j (KUBE-SVC-[A-Z0-9]{16})/, 5000);
    await timed('first definition incl. parse (10000 services)', [() => client.request('textDocument/definition', { ...td(uri), position: first })]);
    const positions = Array.from({ length: 60 }, (_, i) => positionOf(text, /-j (KUBE-(?:SVC|SEP)-[A-Z0-9]{16})/, i * 331));
    await timed('definition (10000 services)', positions.map((p) => () => client.request('textDocument/definition', { ...td(uri), position: p })));
    await timed('references (10000 services)', positions.map((p) => () => client.request('textDocument/references', { ...td(uri), position: p, context: { includeDeclaration: true } })));
    await timed('documentHighlight (10000 services)', positions.map((p) => () => client.request('textDocument/documentHighlight', { ...td(uri), position: p })));
    await timed('prepareRename (10000 services)', positions.map((p) => () => client.request('textDocument/prepareRename', { ...td(uri), position: p })));
    const syms = (await timed('documentSymbol (10000 services)', [() => client.request('textDocument/documentSymbol', td(uri))]))[0] as any[];
    assert.equal(syms.flatMap((s) => s.children).length, dump.chainCount);
    await timed('iptables/graph (10000 services)', positions.slice(0, 10).map((p) => () => client.request('iptables/graph', { ...td(uri), position: p, depth: 3 })));
  });
});

describe('CLI graph', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'graph', ...args], { encoding: 'utf8' });
  const seed = join(ROOT, 'test', 'fixtures', 'seed', 'heketi-nat.save');

  test('dot by default: every chain of the seed and one edge per (from, to, kind)', () => {
    const r = cli(seed);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^digraph iptables \{\n  rankdir=LR;/);
    const text = readFileSync(seed, 'utf8');
    assert.equal(count(r.stdout, /^    "nat\/[^"]+" \[label=/), count(text, /^:\S+ /));
    const pairs = new Set(text.split('\n').flatMap((l) => {
      const m = /^-A (\S+) .*-([jg]) (\S+)\s*$/.exec(l);
      return m && text.includes(`\n:${m[3]} `) ? [`${m[1]} ${m[2]} ${m[3]}`] : [];
    }));
    assert.equal(count(r.stdout, / -> /), pairs.size);
  });

  test('mermaid and json around a chain, to a depth', () => {
    const m = cli(seed, '--format', 'mermaid', '--chain', 'KUBE-SVC-7RUAH544RSSBQYKK', '--depth', '1');
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /^flowchart LR\n/);
    assert.equal(count(m.stdout, /^  n\d+\["/), 3);
    const j = cli(seed, '--format=json', '--chain', 'KUBE-SVC-7RUAH544RSSBQYKK', '--depth', '1', '--table', 'nat');
    assert.equal(j.status, 0, j.stderr);
    const g = JSON.parse(j.stdout);
    assert.deepEqual(g.nodes.map((n: any) => n.chain).sort(), ['KUBE-SEP-IWORYNCAYHBSQHXU', 'KUBE-SERVICES', 'KUBE-SVC-7RUAH544RSSBQYKK']);
  });

  test('errors: unknown chain exits 1, bad options exit 2', () => {
    const r = cli(seed, '--chain', 'NOPE');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no chain NOPE/);
    assert.equal(cli(seed, '--format', 'png').status, 2);
    assert.equal(cli(seed, '--depth', 'two').status, 2);
    assert.equal(cli().status, 2);
  });
});
