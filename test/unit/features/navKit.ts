/**
 * Helpers for the navigation feature tests: parse an inline dump with a `$0`
 * cursor, and read back what a range covers so tests assert ranges by text.
 */
import { Analysis } from '../../../server/src/model/analysis';
import { cursor, textOf } from '../../support/cursor';

export type Lang = 'iptables-save' | 'iptables-listing';

export const URI = 'file:///test/dump';

export interface At {
  analysis: Analysis;
  text: string;
  line: number;
  character: number;
}

/** Parses a marked dump; the cursor is where `$0` stood. */
export function at(marked: string, lang: Lang = 'iptables-save'): At {
  const c = cursor(marked);
  return { analysis: Analysis.of(c.text, lang), text: c.text, line: c.line, character: c.character };
}

type R = { start: { line: number; character: number }; end: { line: number; character: number } };

/** The text a range covers. */
export function covered(text: string, range: R): string {
  return textOf(text, range);
}

/** The whole line a range starts on, for "lands on this line" assertions. */
export function lineOf(text: string, range: R): string {
  return text.split('\n')[range.start.line];
}

/** Joins dump lines (tests write one array element per line). */
export function dump(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
