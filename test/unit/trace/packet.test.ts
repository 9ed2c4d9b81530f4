import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPacket, packetToJson, parsePacket } from '../../../server/src/trace/packet';

/** Parses and returns the JSON form, or fails. */
function ok(text: string): Record<string, unknown> {
  const r = parsePacket(text);
  assert.equal(r.error, undefined, `unexpected error for "${text}": ${r.error?.message}`);
  return packetToJson(r.packet!);
}

/** The error's word, by the text it covers, and a piece of its message. */
function bad(text: string, word: string, says: RegExp): void {
  const r = parsePacket(text);
  assert.ok(r.error, `expected an error for "${text}"`);
  assert.equal(text.slice(r.error.start, r.error.end), word, `error span for "${text}": ${r.error.message}`);
  assert.match(r.error.message, says);
}

test('the issue example reads with its defaults', () => {
  assert.deepEqual(ok('tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0 out eth1'), {
    family: 'ipv4', protocol: 'tcp', src: '10.1.2.3', dst: '10.96.125.27', sport: 40000, dport: 8080,
    in: 'eth0', out: 'eth1', fromLocal: false, state: 'NEW', mark: '0x0', ctmark: '0x0', flags: 'SYN',
  });
});

test('every optional word is read', () => {
  const p = ok('udp 10.0.0.1:53 -> 10.0.0.2:5353 from local local 10.0.0.1,10.0.0.9 state established mark 0x10 ctmark 7 len 80 ttl 9 tos 0x10 uid 1000 gid 100 set a,b mac AA:bb:cc:dd:ee:ff');
  assert.equal(p.fromLocal, true);
  assert.deepEqual(p.local, ['10.0.0.1', '10.0.0.9']);
  assert.equal(p.state, 'ESTABLISHED');
  assert.equal(p.mark, '0x10');
  assert.equal(p.ctmark, '0x7');
  assert.deepEqual([p.len, p.ttl, p.tos, p.uid, p.gid], [80, 9, 16, 1000, 100]);
  assert.deepEqual(p.sets, ['a', 'b']);
  assert.equal(p.mac, 'aa:bb:cc:dd:ee:ff');
});

test('IPv6 in brackets with a port, bare without; ICMP types by name and number', () => {
  const a = ok('tcp [2001:db8::1]:443 -> [2001:db8:0:0::2]:80');
  assert.deepEqual([a.family, a.src, a.dst, a.sport, a.dport], ['ipv6', '2001:db8::1', '2001:db8::2', 443, 80]);
  const b = ok('icmpv6 fe80::1 -> ff02::1 type echo-reply');
  assert.deepEqual([b.icmpType, b.icmpCode], [129, 0]);
  const c = ok('icmp 10.0.0.1 -> 10.0.0.2 type 3/3');
  assert.deepEqual([c.icmpType, c.icmpCode], [3, 3]);
  assert.equal(ok('icmp 10.0.0.1 -> 10.0.0.2').icmpType, 8, 'an ICMP packet is an echo request unless told');
  assert.equal(ok('tcp 10.0.0.1:1 -> 10.0.0.2:2 state ESTABLISHED').flags, 'ACK', 'a packet of an established connection carries ACK');
  assert.equal(ok('47 10.0.0.1 -> 10.0.0.2').protocol, 'gre');
});

test('errors point at the bad word', () => {
  bad('tcpp 10.0.0.1 -> 10.0.0.2', 'tcpp', /not a protocol/);
  bad('tcp 10.0.0.256:80 -> 10.0.0.2', '10.0.0.256', /not an IPv4 or IPv6 address/);
  bad('tcp 10.0.0.1:80 -> 10.0.0.2:70000', '70000', /not a port/);
  bad('tcp 10.0.0.1 => 10.0.0.2', '=>', /Expected "->"/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 inn eth0', 'inn', /Unknown word/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 state FRESH', 'FRESH', /not a connection state/);
  bad('udp 10.0.0.1 -> 10.0.0.2 flags SYN', 'flags', /Only TCP/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 flags SYN,FOO', 'SYN,FOO', /TCP flags/);
  bad('tcp 10.0.0.1 -> 2001:db8::1', '2001:db8::1', /one family/);
  bad('icmp 10.0.0.1:5 -> 10.0.0.2', '10.0.0.1:5', /no ports/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 local 10.0.0.1,nope', 'nope', /not an address/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 from here', 'here', /"from" is followed by "local"/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 in eth0 in eth1', 'in', /twice/);
  bad('tcp 10.0.0.1 -> 10.0.0.2 mark', 'mark', /needs a value/);
  bad('tcp [2001:db8::1]:80 -> [2001:db8::zz]:80', '2001:db8::zz', /not an IPv4 or IPv6 address/);
});

test('an empty description says what to write', () => {
  const r = parsePacket('   ');
  assert.ok(r.error);
  assert.match(r.error.message, /PROTO SRC/);
});

test('a packet written back reads the same', () => {
  const text = 'tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0 out eth1 state NEW mark 0x4000 flags SYN,ACK';
  const p = parsePacket(text).packet!;
  assert.deepEqual(packetToJson(parsePacket(formatPacket(p)).packet!), packetToJson(p));
});
