/**
 * The shape of a save rule: its arguments with the words no rule-local check
 * tells apart put in place by a mark. A 10k-Service kube-proxy dump has
 * 115k rules but a few dozen shapes: `-s 10.244.1.5/32 -m comment --comment
 * "ns/a:http" -j KUBE-MARK-MASQ` and the same rule for another endpoint are
 * one shape. When the first rule of a shape has no rule-local problem, the
 * others of that shape in the same scope have none either, so the walk does
 * not parse them (see walk.ts).
 *
 * What becomes a mark, and the promise every RuleCheck keeps about it:
 * - a canonical dotted-quad IPv4 address other than 0.0.0.0 at the start of
 *   a word (`10.1.2.3`, `10.1.2.3/32`, `10.1.2.3:8080`; what follows the
 *   address stays as written), and an IPv6 address other than :: at the
 *   start of a word or just inside its opening bracket (`fd00::5/128`,
 *   `[fd00::5]:8080`): a check gives the same verdict for any two addresses
 *   of one family;
 * - the quoted word after `--comment`, up to 255 bytes without a backslash:
 *   a check does not read a comment's words;
 * - the target's name when it names a user chain of the table (a jump or a
 *   goto to a chain that is neither built in nor also an extension's name):
 *   a check reads only the target's kind there, not which chain it is.
 * Everything else, option names, module and protocol names, numbers and
 * ports, stays word for word. shape.test.ts swaps marked words for others of
 * their kind over the corpus and checks that no finding changes.
 */
import { findTarget } from '../knowledge';
import { ipv4NumberAt, isHexDigit } from '../model/address';
import type { SaveRule } from '../model/saveRule';
import { ALL_BUILTIN_CHAIN_NAMES } from '../model/types';

const ADDRESS = '\u0001';
const COMMENT = '\u0002';
const CHAIN = '\u0003';
const ADDRESS6 = '\u0004';
const MARKS = [ADDRESS, COMMENT, CHAIN, ADDRESS6];

/** Most bytes a comment may hold to become a mark (iptables keeps 255). */
const COMMENT_BYTES = 255;
/** A UTF-16 unit is at most three bytes of UTF-8: a comment this short fits whatever it holds. */
const SHORT_COMMENT = Math.floor(COMMENT_BYTES / 3);

/** Whether text[start, end) is a canonical dotted quad other than 0.0.0.0 (leading zeros are another spelling, never written by iptables-save). */
function isAddressMark(text: string, start: number, end: number): boolean {
  return ipv4NumberAt(text, start, end, true) > 0;
}

/**
 * Whether text[start, end) is an IPv6 address other than :: (eight groups
 * of one to four hex digits, or fewer with one `::`, the last two groups
 * possibly a dotted quad), read without making any string.
 */
function isAddress6Mark(text: string, start: number, end: number): boolean {
  let groups = 0;
  let compressed = false;
  let nonzero = false;
  let i = start;
  if (end - start >= 2 && text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 58) {
    compressed = true;
    i += 2;
  }
  while (i < end) {
    const from = i;
    while (i < end && i - from < 5 && isHexDigit(text.charCodeAt(i))) {
      if (text.charCodeAt(i) !== 48) nonzero = true;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // A dotted quad ends the address and stands for two groups.
      const v4 = ipv4NumberAt(text, from, end, false);
      if (v4 < 0) return false;
      if (v4 > 0) nonzero = true;
      groups += 2;
      i = end;
      break;
    }
    if (i === from || i - from > 4) return false;
    groups++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (compressed) return false;
      compressed = true;
      i++;
    } else if (i === end) return false;
  }
  return nonzero && (compressed ? groups <= 7 : groups === 8);
}

/** Whether a quoted comment text[from, to) is short enough to be a mark, counted in UTF-8 bytes. */
function commentFits(text: string, from: number, to: number): boolean {
  if (to - from <= SHORT_COMMENT) return true;
  if (to - from > COMMENT_BYTES) return false;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** Whether the rule's target name stands for any user chain (see the file's comment). */
function chainMark(rule: SaveRule): boolean {
  const kind = rule.targetKind;
  if (kind !== 'jump' && kind !== 'goto') return false;
  const name = rule.targetName;
  return name !== null && !ALL_BUILTIN_CHAIN_NAMES.has(name) && findTarget(name) === undefined;
}

/** Past the end of any string (V8's are shorter than 2^29), and a small integer, as the places are. */
const NEVER_LOOKED = 0x7fffffff;

/**
 * Where the next of some characters is in a text, remembered from one look
 * to the next: a look at or after the place last found searches again only
 * when it has passed that place (the walk goes through a text's rules
 * mostly in order, so a text without them is not searched to its end for
 * every rule).
 */
class NextOf {
  /** Where it last looked from (past any text's end until it has), and what it found there (-1: none after it). */
  private from = NEVER_LOOKED;
  private at = -1;

  constructor(private readonly chars: readonly string[]) {}

  /** Forgets what it found: the next look searches, whatever its place. */
  reset(): void {
    this.from = NEVER_LOOKED;
  }

  /** The first of the characters in `text` at or after `from`, or -1. */
  find(text: string, from: number): number {
    // Small, so that the reader's loop over words takes it in; the search is apart.
    return from < this.from || (this.at >= 0 && this.at < from) ? this.search(text, from) : this.at;
  }

  private search(text: string, from: number): number {
    this.from = from;
    let at = -1;
    for (let i = 0; i < this.chars.length; i++) {
      const k = text.indexOf(this.chars[i], from);
      if (k >= 0 && (at < 0 || k < at)) at = k;
    }
    return (this.at = at);
  }
}

/**
 * Reads the shapes of the rules of one walk. Words are found with indexOf;
 * where the next quote, backslash and mark's character are is remembered
 * from one rule to the next (see NextOf).
 */
export class ShapeReader {
  private text = '';
  private readonly quotes = new NextOf(['"']);
  private readonly backslashes = new NextOf(['\\']);
  /** The characters a mark is written as: garbage in a dump can hold them. */
  private readonly markLike = new NextOf(MARKS);

  /**
   * The rule's shape as a string (the target's kind is not in it: the caller
   * keys by it), or null for a line read another way than word by word at
   * spaces (tabs, backslashes in quotes, quotes inside words) or holding a
   * mark's character, which the walk reads in full.
   */
  shapeOf(rule: SaveRule): string | null {
    if (!rule.spaceSeparated) return null;
    const text = rule.source;
    if (text !== this.text) {
      this.text = text;
      this.quotes.reset();
      this.backslashes.reset();
      this.markLike.reset();
    }
    const lineAt = rule.lineStart;
    let i = lineAt + rule.argOffset;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    // A mark's character written in the line would read as that mark: such a line is read in full.
    const markLike = this.markLike.find(text, i);
    if (markLike >= 0 && markLike < end) return null;
    const nameAt = chainMark(rule) ? lineAt + rule.targetNameStart : -1;
    let shape = '';
    // Where the words not yet copied into the shape start.
    let copied = i;
    let afterComment = false;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 32) {
        i++;
        continue;
      }
      const start = i;
      const quote = this.quotes.find(text, start);
      if (c === 34) {
        // A quoted word: a backslash inside, or text joined after the closing quote, is read in full.
        const close = text.indexOf('"', start + 1);
        if (close < 0 || close >= end) return null;
        const backslash = this.backslashes.find(text, start);
        if (backslash >= 0 && backslash < close) return null;
        i = close + 1;
        if (i < end && text.charCodeAt(i) !== 32) return null;
        if (afterComment && commentFits(text, start + 1, close)) {
          shape += text.slice(copied, start) + COMMENT;
          copied = i;
        }
        afterComment = false;
        continue;
      }
      let j = text.indexOf(' ', start);
      if (j < 0 || j > end) j = end;
      // A quote inside a word joins what follows to it.
      if (quote >= 0 && quote < j) return null;
      if (start === nameAt) {
        shape += text.slice(copied, start) + CHAIN;
        copied = j;
      } else if (isHexDigit(c) || c === 58 || c === 91) {
        // An IPv4 address: digits and dots.
        let k = start;
        if (c !== 91) while (k < j && (text.charCodeAt(k) === 46 || (text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57))) k++;
        if (k > start && isAddressMark(text, start, k)) {
          shape += text.slice(copied, start) + ADDRESS;
          copied = k;
        } else {
          // An IPv6 address: hex digits, colons and a dotted tail, from the word's start or inside its bracket.
          const from = c === 91 ? start + 1 : start;
          let colon = false;
          for (k = from; k < j; k++) {
            const d = text.charCodeAt(k);
            if (d === 58) colon = true;
            else if (d !== 46 && !isHexDigit(d)) break;
          }
          if (colon && isAddress6Mark(text, from, k)) {
            shape += text.slice(copied, from) + ADDRESS6;
            copied = k;
          }
        }
      }
      afterComment = j - start === 9 && text.startsWith('--comment', start);
      i = j;
    }
    return shape + text.slice(copied, end);
  }
}

/** The shape of one rule (see ShapeReader.shapeOf). */
export function shapeOf(rule: SaveRule): string | null {
  return new ShapeReader().shapeOf(rule);
}
