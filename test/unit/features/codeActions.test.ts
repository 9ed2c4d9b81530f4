/**
 * Quick fixes on minimal dumps: the title offered for the problem under the
 * cursor and the text after applying it. The fixed files were loaded with
 * iptables-restore by hand (and by test/kernel/quickFixes.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeActions } from '../../../server/src/features/codeActions';
import { Analysis } from '../../../server/src/model/analysis';
import { cursor } from '../../support/cursor';
import { applyEdits } from '../../support/applyEdits';

const URI = 'file:///x.rules';

function check(marked: string, title: string, expected: string): void {
  const c = cursor(marked);
  const analysis = Analysis.of(c.text, 'iptables-save');
  const pos = { line: c.line, character: c.character };
  const actions = codeActions(analysis, URI, { start: pos, end: pos });
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no "${title}"; offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(applyEdits(c.text, action.edit!.changes![URI]), expected);
}

test('declare a missing chain after the last chain line', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -j NEW$0CHAIN\nCOMMIT\n', 'Declare chain NEWCHAIN in table filter',
    '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:NEWCHAIN - [0:0]\n-A INPUT -j NEWCHAIN\nCOMMIT\n');
});

test('declare the chain of a rule that appends to an undeclared one', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n-A LO$0GS -j DROP\nCOMMIT\n', 'Declare chain LOGS in table filter',
    '*filter\n:INPUT ACCEPT [0:0]\n:LOGS - [0:0]\n-A LOGS -j DROP\nCOMMIT\n');
});

test('change a misspelled target to the closest chain', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j W$0BE\nCOMMIT\n', 'Change to WEB',
    '*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j WEB\nCOMMIT\n');
});

test('move a chain declared after its first use', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LA$0TE\n:LATE - [0:0]\nCOMMIT\n', 'Move the declaration of LATE up',
    '*filter\n:INPUT ACCEPT [0:0]\n:LATE - [0:0]\n-A INPUT -j LATE\nCOMMIT\n');
});

test('remove an unreferenced chain with its rules', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n:ID$0LE - [0:0]\n-A INPUT -j ACCEPT\n-A IDLE -j DROP\n-A IDLE -j ACCEPT\nCOMMIT\n', 'Remove chain IDLE and its 2 rules',
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
});

test('add COMMIT at the end of the file', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n$0', 'Add the missing COMMIT of table filter',
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
});

test('add COMMIT before the next table', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n*n$0at\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', 'Add the missing COMMIT of table filter',
    '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n');
});

test('delete an unreachable rule', () => {
  check('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\n-A INPUT -p tcp $0--dport 22 -j ACCEPT\nCOMMIT\n', 'Delete this rule (no packet reaches it)',
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n');
});

test('nothing is offered where there is no problem', () => {
  const c = cursor('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j $0ACCEPT\nCOMMIT\n');
  const pos = { line: c.line, character: c.character };
  assert.deepEqual(codeActions(Analysis.of(c.text, 'iptables-save'), URI, { start: pos, end: pos }), []);
});
