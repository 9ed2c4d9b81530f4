import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../../server/src/model/analysis';
import { runChecks } from '../../../server/src/checks';

// Measured with iptables-restore 1.8.9 (nf_tables) in a namespace: a 1023-byte
// comment loads; 1024 bytes gives "Parameter too long!" / "Error occurred at line: 3".
const dump = (n: number, ch = 'x') => `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "${ch.repeat(n)}" -j ACCEPT\nCOMMIT\n`;
const errors = (text: string) => runChecks(Analysis.of(text)).filter((p) => p.severity === 'error');

test('a 1023-byte word loads; a 1024-byte word is refused on its line', () => {
  assert.deepEqual(errors(dump(1023)), []);
  const found = errors(dump(1024));
  assert.deepEqual(found.map((p) => [p.code, p.span.line]), [['parameter-too-long', 2]]);
  const line = dump(1024).split('\n')[2];
  assert.equal(line.slice(found[0].span.start, found[0].span.end), `"${'x'.repeat(1024)}"`);
});

test('the limit is in bytes: 512 two-byte characters are 1024 bytes', () => {
  assert.deepEqual(errors(dump(511, 'é')), []);
  assert.deepEqual(errors(dump(512, 'é')).map((p) => p.code), ['parameter-too-long']);
});
