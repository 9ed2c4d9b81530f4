import type { Rule, Span } from './types';

/** A span on one line. */
export function lineSpan(line: number, start: number, end: number): Span {
  return { line, start, endLine: line, end };
}

/** A span from the start of one span to the end of another. */
export function joinSpans(a: Span, b: Span): Span {
  return { line: a.line, start: a.start, endLine: b.endLine, end: b.end };
}

/**
 * Whether a position lies inside a span (end inclusive, so a cursor just after
 * a name still counts). Lines are compared before characters, so multi-line
 * spans work.
 */
export function contains(span: Span, line: number, character: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && character < span.start) return false;
  if (line === span.endLine && character > span.end) return false;
  return true;
}

/**
 * A rule's 0-based line. Rules read from save syntax (and listing rows) carry
 * it as a number; asking them for `span` would build and keep a span object
 * per rule.
 */
export function ruleLine(rule: Rule): number {
  const line = (rule as { line?: unknown }).line;
  return typeof line === 'number' ? line : rule.span.line;
}

/** Where the content of s[from, to) ends, leaving out trailing blanks and a \r, as the parsers read lines. */
export function trimmedEnd(s: string, from: number, to: number): number {
  let end = to;
  while (end > from) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13) break;
    end--;
  }
  return end;
}

/** Orders spans by their start. */
export function compareSpans(a: Span, b: Span): number {
  return a.line - b.line || a.start - b.start;
}
