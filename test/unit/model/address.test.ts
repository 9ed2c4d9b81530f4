/**
 * Reading dotted quads in place (server/src/model/address.ts): the shapes of
 * rules and the checks read an address inside a rule's line without cutting
 * it out, and the shapes take only the spelling iptables-save writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Number, ipv4NumberAt } from '../../../server/src/model/address';

test('a dotted quad read in place is the number of its four parts', () => {
  const line = '-s 10.244.1.5/32 -d 192.168.0.255 -j ACCEPT';
  // 10 * 2^24 + 244 * 2^16 + 1 * 2^8 + 5, by hand.
  assert.equal(ipv4NumberAt(line, 3, 13, false), 183_763_205);
  assert.equal(ipv4NumberAt(line, 20, 33, true), 3_232_235_775);
  // Only the range is read: the prefix after it, or a word cut short, is not an address.
  assert.equal(ipv4NumberAt(line, 3, 16, false), -1);
  assert.equal(ipv4NumberAt(line, 3, 12, false), -1);
  assert.equal(ipv4Number('0.0.0.0'), 0);
  assert.equal(ipv4Number('255.255.255.255'), 4_294_967_295);
  for (const bad of ['256.1.2.3', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.', '1234.1.2.3', ' 1.2.3.4', '1.2.3.4 ']) {
    assert.equal(ipv4Number(bad), -1, bad);
  }
});

test('the canonical reading refuses leading zeros, which iptables-save never writes, and nothing else', () => {
  for (const spelling of ['010.1.2.3', '10.01.2.3', '10.1.002.3', '10.1.2.00']) {
    assert.equal(ipv4NumberAt(spelling, 0, spelling.length, true), -1, spelling);
    assert.ok(ipv4NumberAt(spelling, 0, spelling.length, false) >= 0, spelling);
  }
  for (const spelling of ['0.0.0.0', '10.0.0.1', '100.200.0.9', '1.10.100.0']) {
    assert.equal(ipv4NumberAt(spelling, 0, spelling.length, true), ipv4Number(spelling), spelling);
  }
});
