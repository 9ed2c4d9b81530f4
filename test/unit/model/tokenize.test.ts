import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tokenizeLine, type TokenizedLine } from '../../../server/src/model/tokenize';

/**
 * iptables-restore's word splitting, one character at a time, as plainly as
 * it can be written: blanks (space, tab, CR, VT, FF) end a word outside
 * quotes; a double quote opens or closes a quoted part of the word; inside
 * quotes a backslash makes the next character literal. The tokenizer's fast
 * paths must give exactly this.
 */
function reference(line: string): TokenizedLine {
  const tokens: TokenizedLine['tokens'] = [];
  const blank = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f';
  let unterminatedQuote = -1;
  let i = 0;
  while (i < line.length) {
    if (blank(line[i])) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let quoted = false;
    let open = -1;
    while (i < line.length && (open >= 0 || !blank(line[i]))) {
      const c = line[i];
      if (open >= 0 && c === '\\' && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
      } else if (c === '"') {
        open = open >= 0 ? -1 : i;
        quoted = true;
        i++;
      } else {
        text += c;
        i++;
      }
    }
    if (open >= 0) unterminatedQuote = open;
    tokens.push({ text, start, end: i, quoted });
  }
  return { tokens, unterminatedQuote };
}

test('tokenizer: random lines of quotes, escapes and blanks split as the plain reading splits them', () => {
  const piece = fc.constantFrom(' ', '  ', '\t', '\r', '\v', '"', '\\', '\\"', '""', 'a', 'bc', '-j', '"x y"', '"ns/svc:http"', "'", '-');
  fc.assert(fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
    const line = pieces.join('');
    assert.deepEqual(tokenizeLine(line), reference(line));
  }), { numRuns: 20000 });
});

test('tokenizer: a quoted word ends at a blank after its closing quote, and goes on when other characters follow', () => {
  const words = (line: string) => tokenizeLine(line).tokens.map((t) => [t.text, t.start, t.end, t.quoted]);
  assert.deepEqual(words('--comment "a b" -j X'), [['--comment', 0, 9, false], ['a b', 10, 15, true], ['-j', 16, 18, false], ['X', 19, 20, false]]);
  assert.deepEqual(words('"a b"c d'), [['a bc', 0, 6, true], ['d', 7, 8, false]]);
  assert.deepEqual(words('"a\\"b" c'), [['a"b', 0, 6, true], ['c', 7, 8, false]]);
  assert.deepEqual(words('"x"\r'), [['x', 0, 3, true]]);
  assert.deepEqual(tokenizeLine('a "open b').unterminatedQuote, 2);
});
