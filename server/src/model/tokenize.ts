/**
 * Splits one line of iptables-restore input into words the way iptables-restore
 * does: runs of blanks separate words, double quotes group words, and inside
 * double quotes a backslash makes the next character literal. Outside quotes a
 * backslash and single quotes are ordinary characters.
 */

export interface Token {
  /** The word with quotes removed and escapes applied. */
  text: string;
  /** Character offsets in the line: first character and one past the last (quotes included). */
  start: number;
  end: number;
  /** True when any part of the word was quoted: a quoted word is always a value. */
  quoted: boolean;
}

export interface TokenizedLine {
  tokens: Token[];
  /** Offset of an opening quote that was never closed, or -1. */
  unterminatedQuote: number;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** Where the first blank other than the space (tab, CR, VT, FF) is, or the line's length. */
export function firstOddBlank(line: string): number {
  let at = line.length;
  for (const c of ODD_BLANKS) {
    const k = line.indexOf(c);
    if (k >= 0 && k < at) at = k;
  }
  return at;
}

const ODD_BLANKS = ['\t', '\r', '\v', '\f'];

/**
 * The words of a line, from offset `from` on (0: the whole line). `from`
 * must be where a word starts or a blank outside quotes, as a rule's
 * arguments start after `-A CHAIN`.
 */
export function tokenizeLine(line: string, from = 0): TokenizedLine {
  const tokens: Token[] = [];
  let unterminatedQuote = -1;
  const n = line.length;
  // Before `plain` the only blank is the space, so words are found with indexOf (most lines; a CRLF line up to its \r).
  const plain = firstOddBlank(line);
  let quote = line.indexOf('"', from);
  // The next backslash at or after a quote looked at (-2: not looked for yet, -1: none).
  let backslash = -2;
  let i = from;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let quoted = false;
    // Fast path: an unquoted word is a plain slice.
    let j: number;
    if (i < plain) {
      if (quote >= 0 && quote < i) quote = line.indexOf('"', i);
      j = line.indexOf(' ', i);
      if (j < 0 || j > plain) j = plain;
      if (quote >= 0 && quote < j) j = quote;
    } else {
      j = i;
      while (j < n) {
        const c = line.charCodeAt(j);
        if (isBlank(c) || c === 34) break;
        j++;
      }
    }
    if (j >= n || line.charCodeAt(j) !== 34) {
      tokens.push({ text: line.slice(i, j), start, end: j, quoted });
      i = j;
      continue;
    }
    if (i === j) {
      // A word that is one quoted string without escapes (`"ns/svc:http"`): the text between the quotes.
      const close = line.indexOf('"', j + 1);
      if (backslash === -2 || (backslash >= 0 && backslash <= j)) backslash = line.indexOf('\\', j + 1);
      if (close > j && (backslash < 0 || backslash > close) && (close + 1 === n || isBlank(line.charCodeAt(close + 1)))) {
        tokens.push({ text: line.slice(j + 1, close), start, end: close + 1, quoted: true });
        i = close + 1;
        continue;
      }
    }
    // Slow path: quotes and escapes. Pieces are collected and joined once, so the
    // word is one flat string rather than a chain of one-character concatenations.
    const parts: string[] = [line.slice(i, j)];
    i = j;
    let inQuote = false;
    let quoteStart = -1;
    let segStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (inQuote) {
        if (c === 92 && i + 1 < n) {
          parts.push(line.slice(segStart, i));
          segStart = i + 1;
          i += 2;
          continue;
        }
        if (c === 34) {
          parts.push(line.slice(segStart, i));
          inQuote = false;
          i++;
          segStart = i;
          continue;
        }
        i++;
      } else {
        if (isBlank(c)) break;
        if (c === 34) {
          parts.push(line.slice(segStart, i));
          inQuote = true;
          quoted = true;
          quoteStart = i;
          i++;
          segStart = i;
          continue;
        }
        i++;
      }
    }
    parts.push(line.slice(segStart, i));
    const text = parts.join('');
    if (inQuote) unterminatedQuote = quoteStart;
    tokens.push({ text, start, end: i, quoted });
  }
  return { tokens, unterminatedQuote };
}
