/**
 * Completion for save files, from the raw text of the line at the cursor (it
 * is usually half-typed, so the parsed model cannot be trusted for it): after
 * `-j`/`-g` the table's chains and the targets legal here, after `-m` the
 * match modules, after `--` the options of the modules and target already in
 * the rule, after `-t`/`*` the tables, after an option with a closed value
 * set its values. Every item carries its explanation from the knowledge table.
 */
import { PROTOCOL_MODULE } from '../model/parseRuleArgs';
import {
  CompletionItemKind, MarkupKind, type CompletionItem, type Range,
} from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { BUILTIN_CHAINS, isBuiltinChain, type Table } from '../model/types';
import {
  allowedInHook, allowedInTable, findMatch, findOption, findTarget, MATCHES, TABLES, TARGETS, valuesFor,
  type ExtensionInfo, type OptionInfo,
} from '../knowledge';
import { chainConvention } from '../knowledge/conventions';

/** Generic rule options and the match module the model files them under. */
const GENERIC_OPTIONS: [string, string][] = [
  ['-s', 'source'], ['-d', 'destination'], ['-i', 'in-interface'], ['-o', 'out-interface'], ['-p', 'protocol'], ['-f', 'fragment'],
];


interface Word {
  text: string;
  start: number;
  end: number;
}

/** Splits a line into words, keeping double-quoted strings together (an unclosed quote runs to the end). */
function words(line: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let inQuote = false;
    while (i < line.length && (inQuote || !/\s/.test(line[i]))) {
      if (line[i] === '\\' && inQuote) i++;
      else if (line[i] === '"') inQuote = !inQuote;
      i++;
    }
    out.push({ text: line.slice(start, i), start, end: Math.min(i, line.length) });
  }
  return out;
}

function doc(text: string): { kind: 'markdown'; value: string } {
  return { kind: MarkupKind.Markdown, value: text };
}

function extensionDoc(info: ExtensionInfo): string {
  const parts = [info.summary];
  if (info.tables || info.hooks) parts.push(`Valid in: ${info.tables ? `${info.tables.join('/')} table` : 'any table'}${info.hooks ? `, ${info.hooks.join('/')}` : ''}.`);
  if (info.options.length) parts.push(`Options: ${info.options.map((o) => `\`--${o.name}\``).join(', ')}`);
  return parts.join('\n\n');
}

function optionDoc(o: OptionInfo): string {
  const parts = [o.summary];
  if (o.syntax) parts.push(`Syntax: \`--${o.name} ${o.syntax}\``);
  if (o.negatable) parts.push('Can be negated with `!`.');
  return parts.join('\n\n');
}

/** The table a line belongs to: the model's, or the last `*table` line above it. */
function tableNameAt(analysis: Analysis, lines: string[], line: number): string | undefined {
  const t = analysis.tableAt(line);
  if (t) return t.name;
  for (let l = Math.min(line, lines.length - 1); l >= 0; l--) {
    const m = /^\*(\S+)/.exec(lines[l]);
    if (m) return m[1];
  }
  return undefined;
}

/** The built-in chains from which a chain can be reached by jumps and gotos (itself, if built-in). */
function hooksReaching(analysis: Analysis, table: Table | undefined, tableName: string, chain: string): string[] {
  if (isBuiltinChain(tableName, chain)) return [chain];
  if (!table) return [];
  const graph = analysis.graphOf(table);
  const seen = new Set<string>([chain]);
  const queue = [chain];
  const hooks: string[] = [];
  while (queue.length) {
    const name = queue.pop()!;
    for (const e of graph?.incoming.get(name) ?? []) {
      const from = e.from.name;
      if (seen.has(from)) continue;
      seen.add(from);
      if (isBuiltinChain(tableName, from)) hooks.push(from);
      else queue.push(from);
    }
  }
  return hooks;
}

const linesCache = new WeakMap<Analysis, string[]>();

/** The document's lines, split once per analysis (completion runs on every keystroke). */
function linesOf(analysis: Analysis): string[] {
  let lines = linesCache.get(analysis);
  if (!lines) {
    lines = analysis.text.split(/\r?\n/);
    linesCache.set(analysis, lines);
  }
  return lines;
}

/**
 * Completion items at a position of a save-format document; empty for
 * listings and for positions where nothing sensible can follow.
 */
export function completion(analysis: Analysis, line: number, character: number): CompletionItem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const lines = linesOf(analysis);
  const lineText = lines[line] ?? '';
  const before = lineText.slice(0, character);
  const family = analysis.ruleset.family;

  // `*na|` → tables.
  if (/^\*\S*$/.test(before)) {
    const range = { start: { line, character: 1 }, end: { line, character } };
    return TABLES.map((t, i) => ({
      label: t.name, kind: CompletionItemKind.Module, detail: 'table', documentation: doc(t.summary),
      textEdit: { range, newText: t.name }, sortText: String(i),
    }));
  }

  const ws = words(before);
  const endsInSpace = before.length === 0 || /\s$/.test(before);
  const current: Word = endsInSpace ? { text: '', start: character, end: character } : ws[ws.length - 1];
  const previous = ws.filter((w) => w !== current && w.end <= current.start && w.text !== '!');
  const prev = previous[previous.length - 1]?.text;
  const range: Range = { start: { line, character: current.start }, end: { line, character } };
  const tableName = tableNameAt(analysis, lines, line) ?? 'filter';
  const table = analysis.ruleset.tables.find((t) => t.name === tableName && t.span.line <= line && line <= t.span.endLine)
    ?? analysis.ruleset.tables.find((t) => t.name === tableName);
  const chainNames = table ? table.chains.map((c) => c.name) : [...(BUILTIN_CHAINS[tableName] ?? [])];

  // The rule's own chain, for hook restrictions.
  const chainIdx = ws.findIndex((w) => w.text === '-A' || w.text === '-I' || w.text === '--append' || w.text === '--insert');
  const ruleChain = chainIdx >= 0 && ws[chainIdx + 1] !== current ? ws[chainIdx + 1]?.text : undefined;

  const items: CompletionItem[] = [];

  if (prev === '-t' || prev === '--table') {
    return TABLES.map((t) => ({ label: t.name, kind: CompletionItemKind.Module, detail: 'table', documentation: doc(t.summary), textEdit: { range, newText: t.name } }));
  }

  if (prev === '-A' || prev === '-I' || prev === '-N' || prev === '-P' || prev === '-F' || prev === '-X' || prev === '-D' || prev === '-R') {
    return chainNames.map((name) => ({
      label: name, kind: CompletionItemKind.Class,
      detail: isBuiltinChain(tableName, name) ? `built-in chain of ${tableName}` : `user chain in ${tableName}`,
      textEdit: { range, newText: name },
    }));
  }

  if (prev === '-j' || prev === '--jump' || prev === '-g' || prev === '--goto') {
    const isGoto = prev === '-g' || prev === '--goto';
    for (const name of chainNames) {
      // A chain jumping to itself is a loop the kernel refuses.
      if (isBuiltinChain(tableName, name) || name === ruleChain) continue;
      const conv = chainConvention(name, tableName);
      const how = isGoto ? 'Go to this chain: when it ends, the packet does not come back here but returns to whoever called this chain.' : 'Jump to this chain: when it ends or RETURNs, the packet continues with the next rule here.';
      items.push({
        label: name, kind: CompletionItemKind.Class, detail: `user chain in ${tableName}`,
        documentation: doc(conv ? `*${conv.owner}:* ${conv.purpose}\n\n${how}` : how),
        textEdit: { range, newText: name }, sortText: `0${name}`,
      });
    }
    if (!isGoto) {
      // The kernel checks a target against every hook that can reach the rule's chain.
      const hooks = ruleChain ? hooksReaching(analysis, table, tableName, ruleChain) : [];
      for (const t of TARGETS) {
        if (!allowedInTable(t, tableName)) continue;
        if (hooks.some((h) => !allowedInHook(t, h))) continue;
        if (t.families && !t.families.includes(family)) continue;
        items.push({
          label: t.name, kind: CompletionItemKind.Function,
          detail: t.terminating ? 'terminating target' : 'non-terminating target',
          documentation: doc(extensionDoc(t)), textEdit: { range, newText: t.name }, sortText: `1${t.name}`,
        });
      }
    }
    return items;
  }

  if (prev === '-m' || prev === '--match') {
    const generic = new Set(GENERIC_OPTIONS.map(([, m]) => m));
    for (const m of MATCHES) {
      if (generic.has(m.name)) continue;
      if (m.families && !m.families.includes(family)) continue;
      items.push({ label: m.name, kind: CompletionItemKind.Module, detail: 'match module', documentation: doc(extensionDoc(m)), textEdit: { range, newText: m.name } });
    }
    return items;
  }

  // What the rule holds so far: matches (explicit and implied by -p) and the target.
  const modules: ExtensionInfo[] = [];
  let target: ExtensionInfo | undefined;
  let protocol: string | undefined;
  for (let i = 0; i < previous.length; i++) {
    const w = previous[i].text;
    const next = previous[i + 1]?.text;
    if ((w === '-m' || w === '--match') && next) {
      const info = findMatch(next);
      if (info && !modules.includes(info)) modules.push(info);
    } else if ((w === '-p' || w === '--protocol') && next) {
      protocol = next.toLowerCase();
    } else if ((w === '-j' || w === '--jump') && next) {
      target = findTarget(next);
    }
  }
  if (protocol && PROTOCOL_MODULE[protocol]) {
    const implied = findMatch(PROTOCOL_MODULE[protocol]);
    if (implied && !modules.includes(implied)) modules.push(implied);
  }

  // A value after an option with a closed set (or after -p).
  if (prev && prev.startsWith('-') && !current.text.startsWith('-')) {
    let option: OptionInfo | undefined;
    if (prev === '-p' || prev === '--protocol') option = findOption(findMatch('protocol')!, 'protocol');
    else if (prev.startsWith('--')) {
      const name = prev.slice(2);
      const owners = target ? [target, ...modules] : [...modules].reverse();
      for (const o of owners) {
        option = findOption(o, name);
        if (option) break;
      }
    }
    const values = option ? valuesFor(option, family) : undefined;
    if (option && values) {
      const comma = option.list ? current.text.lastIndexOf(',') : -1;
      const valueRange: Range = comma >= 0 ? { start: { line, character: current.start + comma + 1 }, end: { line, character } } : range;
      const already = comma >= 0 ? current.text.slice(0, comma).split(',') : [];
      for (const v of values) {
        if (already.includes(v)) continue;
        const explanation = option.valueDocs?.[v];
        items.push({
          label: v, kind: CompletionItemKind.EnumMember, detail: `--${option.name}`,
          documentation: explanation ? doc(explanation) : undefined, textEdit: { range: valueRange, newText: v },
        });
      }
    }
    return items;
  }

  // Options: of the target after -j, else of the matches so far, plus the generic ones.
  if (current.text.startsWith('-')) {
    const owners = target ? [target] : modules;
    const seen = new Set<string>();
    for (const owner of owners) {
      for (const o of owner.options) {
        const label = `--${o.name}`;
        if (seen.has(label)) continue;
        seen.add(label);
        items.push({
          label, kind: CompletionItemKind.Property, detail: `${'terminating' in owner ? '-j' : '-m'} ${owner.name}`,
          documentation: doc(optionDoc(o)), textEdit: { range, newText: label }, sortText: `0${o.name}`,
        });
      }
    }
    if (!target) {
      for (const [flag, module] of GENERIC_OPTIONS) {
        if (module === 'fragment' && family === 'ipv6') continue;
        const info = findMatch(module)!;
        items.push({ label: flag, kind: CompletionItemKind.Keyword, detail: module, documentation: doc(info.summary), textEdit: { range, newText: flag }, sortText: `1${flag}` });
      }
      items.push(
        { label: '-m', kind: CompletionItemKind.Keyword, detail: 'load a match module', textEdit: { range, newText: '-m' }, sortText: '2-m' },
        { label: '-j', kind: CompletionItemKind.Keyword, detail: 'jump to a target or chain', textEdit: { range, newText: '-j' }, sortText: '2-j' },
        { label: '-g', kind: CompletionItemKind.Keyword, detail: 'go to a chain', textEdit: { range, newText: '-g' }, sortText: '2-g' },
      );
    }
    return items;
  }

  return items;
}
