/**
 * LineDocument hands out lines edited in place only when the parsers' lines
 * (split at \n) are its own lines: never while the text has a lone \r, nor
 * right after it had one. Random edits, some adding or removing line breaks
 * of every kind, are checked against the flat text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDocument } from '../../server/src/documents';
import { LineIndex } from '../../server/src/checks/rules';
import { random } from '../support/lineEdits';

const hasLoneCR = (text: string) => /\r(?!\n)/.test(text);

/** The offset of an LSP position in a text whose breaks are \n, \r\n or \r. */
function offsetOf(text: string, line: number, character: number): number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\r' || c === '\n') starts.push(i + 1);
  }
  const at = Math.min(line, starts.length - 1);
  const end = at + 1 < starts.length ? starts[at + 1] : text.length;
  let content = end;
  while (content > starts[at] && (text[content - 1] === '\n' || text[content - 1] === '\r')) content--;
  return Math.min(starts[at] + character, content);
}

test('edited lines are handed out exactly when no lone CR stands in the way', () => {
  const r = random(2024);
  const pieces = ['x', 'ab', '', ' ', '\n', '\r\n', '\r', 'y\r', '\rz'];
  let text = Array.from({ length: 12 }, (_, i) => `-A C${i} -j ACCEPT`).join('\n') + '\n';
  const doc = LineDocument.of('file:///lines', 'iptables-save', 1, text);
  let before = text;
  let handed = 0;
  let refused = 0;
  for (let v = 2; v < 3000; v++) {
    const lines = text.split(/\r\n|\r|\n/).length;
    const line = Math.floor(r() * lines);
    const character = Math.floor(r() * 20);
    const endLine = r() < 0.8 ? line : Math.min(lines - 1, line + 1);
    const endCharacter = endLine === line ? character + Math.floor(r() * 4) : Math.floor(r() * 20);
    // Mostly text without breaks, as typing in a line is.
    const insert = r() < 0.85 ? pieces[Math.floor(r() * 4)] : pieces[4 + Math.floor(r() * 5)];
    const from = offsetOf(text, line, character);
    const to = Math.max(from, offsetOf(text, endLine, endCharacter));
    doc.apply([{ range: { start: { line, character }, end: { line: endLine, character: endCharacter } }, text: insert }], v);
    text = text.slice(0, from) + insert + text.slice(to);
    assert.equal(doc.getText(), text, `version ${v}`);
    if (r() < 0.5) continue;
    const edited = doc.takeEditedLines();
    if (edited && edited.size) {
      handed++;
      assert.ok(!hasLoneCR(text) && !hasLoneCR(before), `version ${v}: lines handed out with a lone CR`);
      const parsers = text.split('\n');
      for (const [ln, content] of edited) assert.equal(content, parsers[ln], `version ${v}, line ${ln}`);
    } else if (edited === null) refused++;
    before = text;
  }
  assert.ok(handed >= 100 && refused >= 100, `${handed} handed out, ${refused} refused`);
});

test("a line's key is its text with its break, the same from the document's lines as from an index of its text", () => {
  for (const text of ['-A INPUT -j ACCEPT\n-A INPUT -j DROP', '-A INPUT -j ACCEPT\r\n-A INPUT -j DROP\r\n', '\n\nx\n', 'one line', '']) {
    // The document's lines are split from its text when first asked for.
    const ofDoc = LineDocument.of('file:///key', 'iptables-save', 1, text).textLines();
    const ofText = new LineIndex(text);
    const expected = text.split(/(?<=\n)/);
    if (text.endsWith('\n')) expected.push('');
    assert.equal(ofDoc.count, expected.length, JSON.stringify(text));
    assert.equal(ofText.count, expected.length, JSON.stringify(text));
    for (let n = 0; n < expected.length; n++) {
      assert.equal(ofDoc.key(n), expected[n], `${JSON.stringify(text)} line ${n}`);
      assert.equal(ofText.key(n), expected[n], `${JSON.stringify(text)} line ${n}`);
    }
  }
});
