import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldingRanges } from '../../../server/src/features/folding';
import { Analysis } from '../../../server/src/model/analysis';
import { dump, type Lang } from './navKit';

/** Each folding range as "first line … last line". */
function folds(text: string, lang: Lang = 'iptables-save'): string[] {
  const lines = text.split('\n');
  return foldingRanges(Analysis.of(text, lang)).map((f) => `${lines[f.startLine]} … ${lines[f.endLine]}`);
}

test('folding (save): tables, and each run of one chain\'s rules', () => {
  assert.deepEqual(folds(dump(
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':SVC - [0:0]',
    '-A PREROUTING -j SVC',
    '-A PREROUTING -j ACCEPT',
    '-A SVC -j RETURN',
    '-A SVC -j DROP',
    '-A SVC -j ACCEPT',
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    'COMMIT',
  )), [
    '*nat … COMMIT',
    '-A PREROUTING -j SVC … -A PREROUTING -j ACCEPT',
    '-A SVC -j RETURN … -A SVC -j ACCEPT',
    '*filter … COMMIT',
  ]);
});

test('folding (-S style): a -N line with the rules right after it', () => {
  assert.deepEqual(folds(dump('-P INPUT ACCEPT', '-N WEB', '-A WEB -j ACCEPT', '-A WEB -j DROP', '-A INPUT -j WEB')), [
    '-P INPUT ACCEPT … ',
    '-N WEB … -A WEB -j DROP',
    '-A WEB -j ACCEPT … -A WEB -j DROP',
  ]);
});

test('folding (listing): each chain from header to last row', () => {
  const text = [
    'Chain INPUT (policy DROP)',
    'target     prot opt source               destination         ',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80',
    '',
    'Chain WEB (1 references)',
    'target     prot opt source               destination         ',
    'ACCEPT     all  --  10.0.0.0/8           0.0.0.0/0           ',
  ].join('\n');
  const got = folds(text, 'iptables-listing');
  assert.ok(got.includes('Chain INPUT (policy DROP) … WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80'), got.join('\n'));
  assert.ok(got.includes('Chain WEB (1 references) … ACCEPT     all  --  10.0.0.0/8           0.0.0.0/0           '), got.join('\n'));
});
