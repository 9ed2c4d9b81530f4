import type { Analysis, TextLines } from '../model/analysis';
import { lineSpan } from '../model/span';
import { tokenizeLine } from '../model/tokenize';
import type { Problem } from '../model/types';
import { LineIndex } from './rules';

export const PARAMETER_TOO_LONG = 'parameter-too-long';

/**
 * iptables-restore copies each word of a command line into a 1024-byte
 * buffer: a word of 1024 bytes or more (after quotes are removed) makes it
 * say "Parameter too long!" (measured: a 1023-byte comment loads, 1024 does not).
 */
export const MAX_PARAMETER_BYTES = 1023;

export function parameterTooLong(line: number, start: number, end: number, bytes: number): Problem {
  return {
    span: lineSpan(line, start, end), severity: 'error', code: PARAMETER_TOO_LONG,
    message: `This word is ${bytes} bytes long; iptables-restore takes at most ${MAX_PARAMETER_BYTES} and refuses the line ("Parameter too long!").`,
    data: { phase: 'parse' },
  };
}

export function checkParameterTooLong(analysis: Analysis, lines: TextLines = new LineIndex(analysis.text)): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (let ln = 0; ln < lines.count; ln++) {
    // A UTF-16 unit is at most 3 bytes of UTF-8: shorter lines cannot hold such a word.
    if (lines.length(ln) <= MAX_PARAMETER_BYTES / 3) continue;
    const text = lines.line(ln);
    if (Buffer.byteLength(text, 'utf8') <= MAX_PARAMETER_BYTES) continue;
    const first = text.trimStart()[0];
    if (first !== '-' && first !== '[') continue;
    for (const t of tokenizeLine(text).tokens) {
      if (t.text.length <= MAX_PARAMETER_BYTES / 3) continue;
      const bytes = Buffer.byteLength(t.text, 'utf8');
      if (bytes > MAX_PARAMETER_BYTES) out.push(parameterTooLong(ln, t.start, t.end, bytes));
    }
  }
  return out;
}
