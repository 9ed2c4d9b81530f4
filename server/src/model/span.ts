import type { Span } from './types';

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

/** Orders spans by their start. */
export function compareSpans(a: Span, b: Span): number {
  return a.line - b.line || a.start - b.start;
}
