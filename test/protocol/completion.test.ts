import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient } from '../support/lspClient';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

let client: LspClient;

before(async () => {
  assert.ok(existsSync(SERVER), 'dist/server.js is missing: run `npm run build` first');
  client = new LspClient(SERVER);
  const init = await client.start();
  assert.ok(init.capabilities.completionProvider, 'completionProvider declared');
});

after(async () => {
  await client?.stop();
});

function itemsOf(result: any): any[] {
  return Array.isArray(result) ? result : result?.items ?? [];
}

test('completion over stdio after -j in nat POSTROUTING offers MASQUERADE with its explanation', async () => {
  const uri = 'file:///c1.save';
  const text = '*nat\n:POSTROUTING ACCEPT [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A POSTROUTING -j \nCOMMIT\n';
  client.open(uri, 'iptables-save', text);
  const items = itemsOf(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 18 } }));
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('KUBE-POSTROUTING'));
  assert.ok(labels.includes('MASQUERADE'));
  assert.ok(!labels.includes('DNAT'), 'DNAT is not valid in POSTROUTING');
  const masq = items.find((i) => i.label === 'MASQUERADE');
  assert.match(masq.documentation.value, /source address/);
});

test('completion over stdio of ctstate values after a comma', async () => {
  const uri = 'file:///c2.save';
  const line = '-A INPUT -m conntrack --ctstate RELATED,';
  client.open(uri, 'iptables-save', `*filter\n:INPUT ACCEPT [0:0]\n${line}\nCOMMIT\n`);
  const items = itemsOf(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: line.length } }));
  const est = items.find((i) => i.label === 'ESTABLISHED');
  assert.ok(est);
  assert.deepEqual(est.textEdit.range, { start: { line: 2, character: line.length }, end: { line: 2, character: line.length } });
});
