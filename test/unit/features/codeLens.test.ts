import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses, resolveCodeLens, SHOW_REFERENCES_COMMAND } from '../../../server/src/features/codeLens';
import { Analysis } from '../../../server/src/model/analysis';
import { covered, dump, lineOf, URI } from './navKit';

const TEXT = dump(
  '*filter',
  ':INPUT DROP [0:0]',
  ':WEB - [0:0]',
  ':UNUSED - [0:0]',
  '-A INPUT -p tcp --dport 80 -j WEB',
  '-A INPUT -p tcp --dport 8080 -g WEB',
  '-A WEB -j ACCEPT',
  'COMMIT',
);

test('one lens per chain on its name; resolved to "N references · M rules"', () => {
  const analysis = Analysis.of(TEXT, 'iptables-save');
  const lenses = codeLenses(analysis, URI);
  assert.deepEqual(lenses.map((l) => covered(TEXT, l.range)), ['INPUT', 'WEB', 'UNUSED']);
  assert.ok(lenses.every((l) => !l.command), 'titles are filled in on resolve');
  const titles = lenses.map((l) => resolveCodeLens(analysis, l).command!.title);
  assert.deepEqual(titles, ['0 references · 2 rules', '2 references · 1 rule', '0 references · 0 rules']);
});

test('a resolved lens opens the references peek with the jumping rules', () => {
  const analysis = Analysis.of(TEXT, 'iptables-save');
  const web = resolveCodeLens(analysis, codeLenses(analysis, URI)[1]);
  assert.equal(web.command!.command, SHOW_REFERENCES_COMMAND);
  const [uri, position, locations] = web.command!.arguments as [string, { line: number }, { uri: string; range: any }[]];
  assert.equal(uri, URI);
  assert.equal(position.line, 2);
  assert.deepEqual(locations.map((l) => lineOf(TEXT, l.range)), ['-A INPUT -p tcp --dport 80 -j WEB', '-A INPUT -p tcp --dport 8080 -g WEB']);
  const unused = resolveCodeLens(analysis, codeLenses(analysis, URI)[2]);
  assert.equal(unused.command!.command, '', 'nothing to show: the lens is a plain label');
});

test('a lens whose chain is gone resolves to a harmless label', () => {
  const analysis = Analysis.of(TEXT, 'iptables-save');
  const lens = resolveCodeLens(analysis, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, data: { uri: URI, table: 0, chain: 'GONE' } });
  assert.equal(lens.command!.command, '');
});
