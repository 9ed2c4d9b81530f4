/**
 * Property-based robustness: random mutations of real dumps, random positions,
 * every feature run on them. The only property is the one a user needs: no
 * exception escapes (a ResponseError — an answer the user can act on — is
 * fine), and every call returns. Shared by the short run in `npm test` and
 * the long run of `npm run fuzz`.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { ResponseError } from 'vscode-languageserver';
import { Analysis } from '../../server/src/model/analysis';
import { toJson } from '../../server/src/model/toJson';
import { findDefinition } from '../../server/src/features/definition';
import { documentHighlights, findReferences } from '../../server/src/features/references';
import { prepareRename, renameChain } from '../../server/src/features/rename';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import { foldingRanges } from '../../server/src/features/folding';
import { codeLenses } from '../../server/src/features/codeLens';
import { hover } from '../../server/src/features/hover';
import { completion } from '../../server/src/features/completion';
import { graphAt } from '../../server/src/features/graph';
import { prepareCallHierarchy, incomingCalls, outgoingCalls } from '../../server/src/features/callHierarchy';
import { packetSuggestions } from '../../server/src/features/packetSuggestions';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Every dump in the fixtures (save and listing forms), as seeds for mutation. */
export function seedDumps(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(save|nvL|txt|rules|S)$/.test(e) && !/README|SOURCES|stderr/.test(e) && statSync(p).size < 200_000) {
        out.push({ name: p.slice(FIXTURES.length + 1), text: readFileSync(p, 'latin1') });
      }
    }
  };
  walk(FIXTURES);
  return out;
}

/** One edit to a dump. Positions are fractions so they fit any text. */
export type Mutation =
  | { kind: 'deleteLine'; at: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'swapLines'; at: number; with: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'crlf'; at: number }
  | { kind: 'deleteWord'; at: number }
  | { kind: 'replaceWord'; at: number; word: string };

/** Words people (and bad pastes) put in dumps, including the awkward ones. */
const WORDS = [
  '-A', '-I', '-N', '-P', '-j', '-g', '-m', '!', '--dport', '-s', '-p', 'tcp', 'COMMIT', '*nat', '*filter', ':X - [0:0]',
  'Chain', '(policy', 'references)', '"', '\\"', '[0:0]', '[1:', '-c', '0x4000/0x4000', '10.0.0.0/8', '::1', '[goto]',
  '/*', '*/', 'KUBE-SVC-7RUAH544RSSBQYKK', 'RETURN', 'DNAT', '--to-destination', '\u0000', '\u0001', '\u0003', '\ufffd', '\t', '\r', 'pkts',
  '2001:db8::/32', '-------', '99999999999999999999', '1K', 'statistic', '--probability', '2', 'NaN',
  // Names every JavaScript object has: a lookup table that is a plain object answers them.
  'constructor', '__proto__', 'toString', '--hasOwnProperty', 'valueOf',
];

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('deleteLine' as const), at: fraction }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fraction }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fraction, with: fraction }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, text: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('crlf' as const), at: fraction }),
  fc.record({ kind: fc.constant('deleteWord' as const), at: fraction }),
  fc.record({ kind: fc.constant('replaceWord' as const), at: fraction, word: fc.constantFrom(...WORDS) }),
);

export function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = Math.floor(m.at * lines.length);
  switch (m.kind) {
    case 'deleteLine': lines.splice(li, 1); return lines.join('\n');
    case 'duplicateLine': lines.splice(li, 0, lines[li] ?? ''); return lines.join('\n');
    case 'swapLines': {
      const lj = Math.floor(m.with * lines.length);
      [lines[li], lines[lj]] = [lines[lj], lines[li]];
      return lines.join('\n');
    }
    case 'insert': {
      const at = Math.floor(m.at * (text.length + 1));
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'truncate': return text.slice(0, Math.floor(m.at * text.length));
    case 'crlf': lines[li] = (lines[li] ?? '') + '\r'; return lines.join('\n');
    case 'deleteWord':
    case 'replaceWord': {
      const line = lines[li] ?? '';
      const words = line.split(' ');
      const wi = Math.floor(m.at * 7919) % Math.max(words.length, 1);
      if (m.kind === 'deleteWord') words.splice(wi, 1);
      else words[wi] = m.word;
      lines[li] = words.join(' ');
      return lines.join('\n');
    }
  }
}

/** A cursor as fractions of the line count and line length. */
export const positionArb = fc.record({ line: fraction, character: fraction });

export interface CaseResult {
  /** Operations run. */
  calls: number;
  /** Slowest single operation, in milliseconds. */
  slowestMs: number;
  slowest: string;
}

/** Extra operations that later work adds (checks, trace); registered by the test files that have them. */
export const extraOperations: {
  name: string;
  /** Once per document, or at every fuzzed position. */
  scope: 'document' | 'position';
  run(analysis: Analysis, text: string, line: number, character: number): unknown;
}[] = [];

/**
 * Runs every feature on one text at the given positions. Throws (failing the
 * property) on any exception other than a ResponseError.
 */
export function exercise(text: string, languageId: string | undefined, positions: { line: number; character: number }[]): CaseResult {
  const result: CaseResult = { calls: 0, slowestMs: 0, slowest: '' };
  const timed = (name: string, f: () => unknown) => {
    const t = performance.now();
    try {
      f();
    } catch (e) {
      if (!(e instanceof ResponseError)) {
        const err = e instanceof Error ? e : new Error(String(e));
        err.message = `${name}: ${err.message}`;
        throw err;
      }
    }
    const ms = performance.now() - t;
    result.calls++;
    if (ms > result.slowestMs) {
      result.slowestMs = ms;
      result.slowest = name;
    }
  };
  let analysis: Analysis | undefined;
  timed('parse', () => { analysis = Analysis.of(text, languageId); });
  if (!analysis) return result;
  const a = analysis;
  const uri = 'file:///fuzz.dump';
  timed('problems', () => a.ruleset.problems.length);
  timed('toJson', () => JSON.stringify(toJson(a.ruleset)));
  timed('documentSymbols', () => documentSymbols(a));
  timed('folding', () => foldingRanges(a));
  timed('codeLens', () => codeLenses(a, uri));
  timed('packetSuggestions', () => packetSuggestions(a.ruleset));
  for (const op of extraOperations) if (op.scope === 'document') timed(op.name, () => op.run(a, text, 0, 0));
  const lines = text.split('\n');
  for (const p of positions) {
    const line = Math.floor(p.line * lines.length);
    const character = Math.floor(p.character * ((lines[line]?.length ?? 0) + 1));
    timed('hitAt', () => a.hitAt(line, character));
    timed('definition', () => findDefinition(a, uri, line, character));
    timed('references', () => findReferences(a, uri, line, character, true));
    timed('highlights', () => documentHighlights(a, line, character));
    timed('hover', () => hover(a, line, character));
    timed('completion', () => completion(a, line, character));
    timed('graph', () => graphAt(a, line, character, 2));
    timed('prepareRename', () => prepareRename(a, line, character));
    timed('rename', () => renameChain(a, uri, line, character, 'NEW-NAME'));
    timed('callHierarchy', () => {
      for (const item of prepareCallHierarchy(a, uri, line, character)) {
        incomingCalls(a, item);
        outgoingCalls(a, item);
      }
    });
    for (const op of extraOperations) if (op.scope === 'position') timed(op.name, () => op.run(a, text, line, character));
  }
  return result;
}

/** The property over mutated seeds; `runs` cases, reporting figures through `report`. */
export function fuzzProperty(seeds: { name: string; text: string }[], report: (r: CaseResult) => void) {
  return fc.property(
    fc.nat({ max: seeds.length - 1 }),
    fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
    fc.array(positionArb, { minLength: 1, maxLength: 4 }),
    fc.constantFrom(undefined, 'iptables-save', 'iptables-listing'),
    (seedIndex, mutations, positions, languageId) => {
      let text = seeds[seedIndex].text;
      for (const m of mutations) text = applyMutation(text, m);
      report(exercise(text, languageId, positions));
    },
  );
}
