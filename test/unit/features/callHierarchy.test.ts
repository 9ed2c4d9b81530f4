import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incomingCalls, outgoingCalls, prepareCallHierarchy } from '../../../server/src/features/callHierarchy';
import { at, covered, dump, lineOf, URI } from './navKit';

const TEXT = dump(
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':KUBE-SERVICES - [0:0]',
  ':KUBE-SVC-A - [0:0]',
  ':KUBE-SEP-1 - [0:0]',
  ':KUBE-MARK-MASQ - [0:0]',
  '-A PREROUTING -j KUBE-SERVICES',
  '-A OUTPUT -j KUBE-SERVICES',
  '-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-MARK-MASQ',
  '-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-A',
  '-A KUBE-SVC-A -g KUBE-SEP-1',
  '-A KUBE-SEP-1 -s 10.244.0.5/32 -j KUBE-MARK-MASQ',
  '-A KUBE-SEP-1 -p tcp -j DNAT --to-destination 10.244.0.5:80',
  'COMMIT',
);

function prepare(marked: string) {
  const a = at(marked);
  const items = prepareCallHierarchy(a.analysis, URI, a.line, a.character);
  return { a, items };
}

test('prepare: the chain under the cursor, selecting its declared name', () => {
  const { a, items } = prepare(TEXT.replace('-j KUBE-SVC-A', '-j KUBE-S$0VC-A'));
  assert.equal(items.length, 1);
  assert.equal(items[0].name, 'KUBE-SVC-A');
  assert.equal(covered(a.text, items[0].selectionRange), 'KUBE-SVC-A');
  assert.equal(lineOf(a.text, items[0].selectionRange), ':KUBE-SVC-A - [0:0]');
  assert.deepEqual(prepare(TEXT.replace('-j DNAT', '-j DN$0AT')).items, []);
});

test('incoming calls: the chains whose rules jump or go here, with those rules', () => {
  const { a, items } = prepare(TEXT.replace(':KUBE-MARK-MASQ', ':KUBE-$0MARK-MASQ'));
  const calls = incomingCalls(a.analysis, items[0]);
  assert.deepEqual(calls.map((c) => [c.from.name, c.fromRanges.map((r) => covered(a.text, r))]), [
    ['KUBE-SERVICES', ['-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-MARK-MASQ']],
    ['KUBE-SEP-1', ['-A KUBE-SEP-1 -s 10.244.0.5/32 -j KUBE-MARK-MASQ']],
  ]);
  const svc = prepare(TEXT.replace(':KUBE-SERVICES', ':KUBE-$0SERVICES'));
  assert.deepEqual(incomingCalls(svc.a.analysis, svc.items[0]).map((c) => c.from.name), ['PREROUTING', 'OUTPUT']);
});

test('outgoing calls: the chains this one jumps or goes to, from its own rules', () => {
  const { a, items } = prepare(TEXT.replace(':KUBE-SERVICES', ':KUBE-$0SERVICES'));
  const calls = outgoingCalls(a.analysis, items[0]);
  assert.deepEqual(calls.map((c) => [c.to.name, c.fromRanges.map((r) => covered(a.text, r))]), [
    ['KUBE-MARK-MASQ', ['-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-MARK-MASQ']],
    ['KUBE-SVC-A', ['-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-A']],
  ]);
  const svcA = prepare(TEXT.replace(':KUBE-SVC-A', ':KUBE-$0SVC-A'));
  assert.deepEqual(outgoingCalls(svcA.a.analysis, svcA.items[0]).map((c) => c.to.name), ['KUBE-SEP-1'], 'a goto is a call too');
  const sep = prepare(TEXT.replace(':KUBE-MARK-MASQ', ':KUBE-$0MARK-MASQ'));
  assert.deepEqual(outgoingCalls(sep.a.analysis, sep.items[0]), [], 'MARK is a target, not a chain');
});
