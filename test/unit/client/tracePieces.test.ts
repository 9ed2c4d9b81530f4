import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { builtinChainLines } from '../../../client/src/trace/builtinChainLines';
import { rememberPacket } from '../../../client/src/trace/recentPackets';
import { validationMessage } from '../../../client/src/trace/validationMessage';

test('recent packets: most recent first, no repeats, spaces collapsed, capped', () => {
  let list: string[] = [];
  for (const p of ['tcp a -> b', 'udp c -> d', ' tcp  a ->  b ', '']) list = rememberPacket(list, p);
  assert.deepEqual(list, ['tcp a -> b', 'udp c -> d']);
  assert.deepEqual(rememberPacket(['1', '2', '3'], '4', 3), ['4', '1', '2']);
});

test('validation message names the bad word, quoted as typed, with its position in words', () => {
  assert.equal(validationMessage('tcpp 1.2.3.4 -> 5.6.7.8', { message: 'unknown protocol; use tcp, udp, icmp, icmpv6, sctp or a number', start: 0, end: 4 }),
    '"tcpp" (word 1): unknown protocol; use tcp, udp, icmp, icmpv6, sctp or a number');
  assert.equal(validationMessage('tcp 1.2.3.4 -> 5.6.7.8 stat NEW', { message: 'unknown word "stat"', start: 23, end: 27 }), 'unknown word "stat"');
  assert.equal(validationMessage('tcp 1.2.3.4 ->', { message: 'The destination address is missing after "->".', start: 14, end: 14 }), 'The destination address is missing after "->".');
  // Offsets past the end (the text changed while the server answered) are clamped, not trusted.
  assert.equal(validationMessage('tcp', { message: 'bad', start: 10, end: 20 }), 'bad');
  assert.equal(validationMessage('tcp 1.2.3.4 -> 5.6.7.8', undefined), undefined);
});

test('the lens goes on each built-in chain declaration, save and listing forms, with its table', () => {
  const save = readFileSync(join(__dirname, '../../fixtures/seed/heketi-nat.save'), 'utf8');
  assert.deepEqual(builtinChainLines(save).map((c) => [c.line + 1, c.table, c.chain]), [
    [3, 'nat', 'PREROUTING'], [4, 'nat', 'INPUT'], [5, 'nat', 'OUTPUT'], [6, 'nat', 'POSTROUTING'],
  ]);
  const listing = readFileSync(join(__dirname, '../../fixtures/seed/heketi-nat.as-pasted.txt'), 'utf8');
  const found = builtinChainLines(listing);
  const lines = listing.split('\n');
  assert.ok(found.length >= 2, 'the paste shows at least PREROUTING and POSTROUTING');
  for (const c of found) assert.ok(lines[c.line].startsWith(`Chain ${c.chain} (policy`), lines[c.line]);
  assert.ok(found.every((c) => c.table === 'nat'), JSON.stringify(found));
  assert.deepEqual(builtinChainLines('-P INPUT DROP\n-N KUBE-X\n:KUBE-Y - [0:0]\nChain KUBE-Z (2 references)\n').map((c) => c.chain), ['INPUT']);
});
