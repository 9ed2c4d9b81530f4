/**
 * The command-line tool: the same model, checks and trace as the editor, for
 * scripts and CI. `iptables-lens parse|check|trace|graph FILE…`.
 */
import { readFileSync } from 'fs';
import { Analysis } from './model/analysis';
import { runChecks } from './checks';
import { formatProblems, toJsonDiagnostic, type CheckedFile } from './checks/format';
import { toJson } from './model/toJson';
import { graphCommand } from './features/graph';
import { explainCommand } from './features/hover';
import { trace } from './trace';
import { formatTrace } from './trace/format';
import type { Chain, TableGraph } from './model/types';
import { keyed } from './model/keyed';

const USAGE = `usage: iptables-lens <command> [options] FILE...

commands:
  parse FILE [--json]         print the model: tables, chains, rules and the chain graph
  check FILE... [--json]      print diagnostics; exit 1 when any is an error
  trace FILE --packet "SPEC" [--json] [--matched] [--branches N]
                              trace a packet through the ruleset (--matched: only the steps that took effect)
  graph FILE [--format dot|mermaid|json] [--chain NAME] [--depth N] [--table T]
                              print the chain graph
  explain FILE [--chain NAME] [--at LINE:COL]
                              every rule as one sentence, or the hover text at a position

FILE may be - for standard input. Exit codes: 0 fine, 1 errors found, 2 bad usage or unreadable input.`;

export class UsageError extends Error {}

/** Reads a dump from a path, or standard input for "-". */
export function readInput(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`iptables-lens: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
  }
}

/** Splits argv into positional words and --flags (with values for the flags that take one). */
export function parseArgs(argv: string[], withValue: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (withValue.includes(a.slice(2))) {
        if (i + 1 >= argv.length) throw new UsageError(`iptables-lens: ${a} needs a value`);
        flags.set(a.slice(2), argv[++i]);
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** Prints the chain graph of each table as a tree walked from the built-in chains. */
export function formatTree(analysis: Analysis): string {
  const out: string[] = [];
  const { ruleset } = analysis;
  out.push(`${ruleset.format === 'save' ? 'iptables-save' : 'listing'}, ${ruleset.family}: ${ruleset.tables.length} table(s)`);
  for (const table of ruleset.tables) {
    const g = analysis.graphOf(table);
    const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
    out.push('');
    out.push(`table ${table.name}: ${table.chains.length} chains, ${rules} rules`);
    const shown = new Set<string>();
    for (const chain of table.chains.filter((c) => c.builtin)) walk(chain, g, shown, out);
    const unreached = table.chains.filter((c) => !shown.has(c.name));
    if (unreached.length) {
      out.push(`  not reached from a built-in chain: ${unreached.map((c) => c.name).join(', ')}`);
    }
  }
  return out.join('\n');
}

function describe(chain: Chain): string {
  const rules = `${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`;
  return chain.builtin ? `${chain.name} (policy ${chain.policy ?? 'ACCEPT'}, ${rules})` : `${chain.name} (${rules})`;
}

/** Depth-first, iterative; a chain is expanded once and later mentions point back. */
function walk(root: Chain, g: TableGraph, shown: Set<string>, out: string[]): void {
  const stack: { chain: Chain; prefix: string; label: string }[] = [{ chain: root, prefix: '  ', label: '' }];
  while (stack.length) {
    const { chain, prefix, label } = stack.pop()!;
    const seen = shown.has(chain.name);
    out.push(`${prefix}${label}${describe(chain)}${seen ? ' (shown above)' : ''}`);
    if (seen) continue;
    shown.add(chain.name);
    const edges = g.outgoing.get(chain.name) ?? [];
    const childPrefix = prefix + (label ? '    ' : '  ');
    for (let i = edges.length - 1; i >= 0; i--) {
      const e = edges[i];
      stack.push({ chain: e.to, prefix: childPrefix, label: `${e.kind === 'goto' ? 'goto' : '→'} [line ${e.rule.span.line + 1}] ` });
    }
  }
}

function cmdParse(args: string[]): number {
  const { positional, flags } = parseArgs(args, []);
  if (positional.length !== 1) throw new UsageError('usage: iptables-lens parse FILE [--json]');
  const analysis = Analysis.of(readInput(positional[0]));
  if (flags.has('json')) process.stdout.write(JSON.stringify(toJson(analysis.ruleset), null, 2) + '\n');
  else {
    process.stdout.write(formatTree(analysis) + '\n');
    for (const p of analysis.ruleset.problems) {
      process.stdout.write(`${positional[0]}:${p.span.line + 1}:${p.span.start + 1}: ${p.severity} ${p.code} ${p.message}\n`);
    }
  }
  return 0;
}

function cmdGraph(args: string[]): number {
  const usage = 'usage: iptables-lens graph FILE [--format dot|mermaid|json] [--chain NAME] [--depth N] [--table T] [--max-nodes N]';
  const { positional, flags } = parseArgs(args, ['format', 'chain', 'depth', 'table', 'max-nodes']);
  if (positional.length !== 1) throw new UsageError(usage);
  const format = flags.get('format') ?? 'dot';
  if (format !== 'dot' && format !== 'mermaid' && format !== 'json') throw new UsageError(`iptables-lens: --format must be dot, mermaid or json\n${usage}`);
  const count = (flag: string): number | undefined => {
    const v = flags.get(flag);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`iptables-lens: --${flag} needs a whole number\n${usage}`);
    return Number(v);
  };
  const str = (flag: string): string | undefined => (typeof flags.get(flag) === 'string' ? flags.get(flag) as string : undefined);
  const result = graphCommand(Analysis.of(readInput(positional[0])), {
    format, chain: str('chain'), table: str('table'), depth: count('depth'), maxNodes: count('max-nodes'),
  });
  if ('error' in result) {
    process.stderr.write(`iptables-lens: ${result.error}\n`);
    return 1;
  }
  process.stdout.write(result.output + '\n');
  return 0;
}

/** `explain FILE [--chain NAME] [--at LINE:COL]`: rules in words, or the hover at a position. */
function cmdExplain(args: string[]): number {
  const usage = 'usage: iptables-lens explain FILE [--chain NAME] [--at LINE:COL]';
  const { positional, flags } = parseArgs(args, ['chain', 'at']);
  if (positional.length !== 1) throw new UsageError(usage);
  const str = (flag: string): string | undefined => (typeof flags.get(flag) === 'string' ? flags.get(flag) as string : undefined);
  const result = explainCommand(Analysis.of(readInput(positional[0])), { chain: str('chain'), at: str('at') });
  if ('error' in result) {
    process.stderr.write(`iptables-lens: ${result.error}\n`);
    return 1;
  }
  process.stdout.write(result.output + '\n');
  return 0;
}

/** `check FILE... [--json]`: diagnostics of each file; 1 when any is an error, 2 when a file cannot be read. */
function cmdCheck(args: string[]): number {
  const { positional, flags } = parseArgs(args, []);
  if (!positional.length) throw new UsageError('usage: iptables-lens check FILE... [--json]');
  const results: CheckedFile[] = [];
  let errors = false;
  let unreadable = false;
  for (const file of positional) {
    let text: string;
    try {
      text = readInput(file);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(e.message + '\n');
      unreadable = true;
      continue;
    }
    const problems = runChecks(Analysis.of(text));
    if (problems.some((p) => p.severity === 'error')) errors = true;
    if (flags.has('json')) results.push({ file, diagnostics: problems.map(toJsonDiagnostic) });
    else process.stdout.write(formatProblems(file, problems));
  }
  if (flags.has('json')) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return unreadable ? 2 : errors ? 1 : 0;
}

/** `trace FILE --packet SPEC [--json] [--matched] [--branches N]`: 0 traced, 1 bad packet description, 2 bad usage. */
function cmdTrace(args: string[]): number {
  const usage = 'usage: iptables-lens trace FILE --packet "PROTO SRC[:PORT] -> DST[:PORT] [in IF] [out IF] …" [--json] [--matched] [--branches N]';
  const { positional, flags } = parseArgs(args, ['packet', 'branches']);
  const packet = flags.get('packet');
  if (positional.length !== 1 || typeof packet !== 'string') throw new UsageError(usage);
  const limit = flags.get('branches');
  if (limit !== undefined && (typeof limit !== 'string' || !/^\d+$/.test(limit))) throw new UsageError(`iptables-lens: --branches needs a whole number\n${usage}`);
  const outcome = trace(Analysis.of(readInput(positional[0])), packet, { branchLimit: limit ? Number(limit) : undefined });
  if (outcome.error) {
    const e = outcome.error;
    process.stderr.write(`iptables-lens: bad packet description: ${e.message}\n  ${packet}\n  ${' '.repeat(e.start)}${'^'.repeat(Math.max(1, e.end - e.start))}\n`);
    return 1;
  }
  if (flags.has('json')) process.stdout.write(JSON.stringify(outcome.result, null, 2) + '\n');
  else process.stdout.write(formatTrace(outcome.result, flags.has('matched')) + '\n');
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = keyed({
  trace: cmdTrace,
  parse: cmdParse,
  check: cmdCheck,
  graph: cmdGraph,
  explain: cmdExplain,
});

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`iptables-lens: unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) closes the pipe: the output ends there, quietly, as with any Unix
  // tool, and the command still ends with its own status (check: 1 when it found errors).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
