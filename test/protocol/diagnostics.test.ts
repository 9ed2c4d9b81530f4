/**
 * The server publishes every check (not only parse problems), answers code
 * actions with quick fixes, and applies iptablesLens.diagnostics settings
 * pushed with workspace/didChangeConfiguration. Needs `npm run build`.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../support/lspClient';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
const URI = 'file:///broken.rules';
const TEXT = '*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n:IDLE - [0:0]\n-A INPUT -j WBE\n-A INPUT -j WEB\nCOMMIT\n';

interface Published { uri: string; version?: number; diagnostics: { code: string; severity: number; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[] }

test('diagnostics, quick fixes and settings over LSP', async (t) => {
  if (!existsSync(SERVER)) {
    t.skip('dist/server.js missing: run npm run build');
    return;
  }
  const client = new LspClient(SERVER);
  try {
    const init = await client.start();
    assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    client.open(URI, 'iptables-save', TEXT);
    const first = await client.waitForNotification<Published>('textDocument/publishDiagnostics', (p) => p.uri === URI && p.diagnostics.length > 0);
    const undefinedChain = first.diagnostics.find((d) => d.code === 'undefined-chain')!;
    assert.ok(undefinedChain, JSON.stringify(first.diagnostics));
    assert.equal(undefinedChain.severity, 1);
    assert.deepEqual(undefinedChain.range, { start: { line: 4, character: 12 }, end: { line: 4, character: 15 } });
    assert.ok(first.diagnostics.some((d) => d.code === 'unreferenced-chain'));

    const actions = await client.request<{ title: string; edit: { changes: Record<string, { newText: string }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri: URI }, range: undefinedChain.range, context: { diagnostics: [undefinedChain] },
    });
    const change = actions.find((a) => a.title === 'Change to WEB');
    assert.ok(change, actions.map((a) => a.title).join(' | '));
    assert.equal(change.edit.changes[URI][0].newText, 'WEB');

    const before = client.notifications.length;
    client.notify('workspace/didChangeConfiguration', { settings: { iptablesLens: { diagnostics: { disable: ['unreferenced-chain'], severity: { 'undefined-chain': 'warning' } } } } });
    const after = await client.waitForNotification<Published>('textDocument/publishDiagnostics', (p) => p.uri === URI && client.notifications.indexOf(client.notifications.find((n) => n.params === p)!) >= before);
    assert.ok(!after.diagnostics.some((d) => d.code === 'unreferenced-chain'));
    assert.equal(after.diagnostics.find((d) => d.code === 'undefined-chain')?.severity, 2);
  } finally {
    await client.stop();
  }
});
