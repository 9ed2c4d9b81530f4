/**
 * Inline dumps with a cursor marker: `$0` marks the position a test points at.
 * The marker is removed from the text; its line and character are returned
 * 0-based, as LSP and the model count them.
 */
export interface Cursor {
  text: string;
  line: number;
  character: number;
}

export function cursor(marked: string): Cursor {
  const at = marked.indexOf('$0');
  if (at < 0) throw new Error('cursor(): the text has no $0 marker');
  if (marked.indexOf('$0', at + 2) >= 0) throw new Error('cursor(): the text has more than one $0 marker');
  const before = marked.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - (before.lastIndexOf('\n') + 1);
  return { text: before + marked.slice(at + 2), line, character };
}

/** The text a 0-based range covers, so tests can assert ranges by their text. */
export function textOf(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  const parts = [lines[range.start.line].slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l]);
  parts.push(lines[range.end.line].slice(0, range.end.character));
  return parts.join('\n');
}
