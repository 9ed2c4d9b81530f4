import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient } from '../support/lspClient';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
const SEED = join(__dirname, '..', 'fixtures', 'seed');

let client: LspClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is missing: run `npm run build` first');
  client = new LspClient(SERVER);
  const init = await client.start();
  assert.equal(init.capabilities.hoverProvider, true);
});

after(async () => {
  await client?.stop();
});

/** Position of `needle` on the first line that contains `lineHas`. */
function at(text: string, lineHas: string, needle: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(lineHas));
  return { line, character: lines[line].indexOf(needle) + 1 };
}

test('hover over stdio on the seed save file names the Service and its endpoint', async () => {
  const text = readFileSync(join(SEED, 'heketi-nat.save'), 'utf8');
  const uri = 'file:///seed/heketi-nat.save';
  client.open(uri, 'iptables-save', text);
  const h = await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, ':KUBE-SVC-7RUAH544RSSBQYKK', 'KUBE-SVC') });
  assert.equal(h.contents.kind, 'markdown');
  assert.match(h.contents.value, /Service \*\*default\/heketi\*\*/);
  assert.match(h.contents.value, /10\.254\.20\.8:8080\*\* — 100%/);
  const pos = at(text, ':KUBE-SVC-7RUAH544RSSBQYKK', 'KUBE-SVC');
  assert.deepEqual(h.range, { start: { line: pos.line, character: 1 }, end: { line: pos.line, character: 1 + 'KUBE-SVC-7RUAH544RSSBQYKK'.length } });
});

test('hover over stdio on the seed listing explains the MASQUERADE rule\'s mark', async () => {
  const text = readFileSync(join(SEED, 'heketi-nat.nvL'), 'utf8');
  const uri = 'file:///seed/heketi-nat.nvL';
  client.open(uri, 'iptables-listing', text);
  const h = await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, 'MASQUERADE  all', 'MASQUERADE') });
  assert.match(h.contents.value, /mark bit 0x4000 is set/);
});

test('hover on a blank line answers null', async () => {
  const uri = 'file:///blank.save';
  client.open(uri, 'iptables-save', '*filter\n\nCOMMIT\n');
  assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 0 } }), null);
});
