/**
 * Hover: what the thing under the cursor means, in plain words, with this
 * rule's own values spelled out. Works on both formats through the model:
 * tables, chains (with kube-proxy/Docker conventions decoded from the dump),
 * policies, rules, matches, options and targets.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import type { Chain, Counters, Match, Option, Rule, Span, Table, TableGraph } from '../model/types';
import { findHook, findMatch, findOption, findTable, findTarget, POLICY_SUMMARY } from '../knowledge';
import {
  chainConvention, dockerPublishedPorts, kubeEndpoint, kubeService, serviceNameIn, servicesWithoutEndpoints, type KubeService,
} from '../knowledge/conventions';
import { describeValue, formatBytes, formatCount, formatPercent, ruleSentence, shortPurpose } from '../knowledge/describe';
import { toRange } from './convert';
import { edgeNumbers } from '../model/buildGraph';

/** The hover for a position, or null when there is nothing to explain there. */
export function hover(analysis: Analysis, line: number, character: number): Hover | null {
  const hit = analysis.hitAt(line, character);
  if (!hit) return null;
  let text: string | undefined;
  let span: Span | null = null;
  switch (hit.kind) {
    case 'table':
      text = tableHover(analysis, hit.table);
      span = hit.table.nameSpan;
      break;
    case 'chainDecl':
      text = chainHover(analysis, hit.table, hit.chain);
      span = hit.chain.nameSpan ?? hit.chain.declSpan;
      break;
    case 'policy':
      text = policyHover(hit.table, hit.chain);
      span = hit.chain.policySpan;
      break;
    case 'ruleChain':
      text = chainHover(analysis, hit.table, hit.chain);
      span = hit.rule.chainNameSpan;
      break;
    case 'target': {
      const t = hit.rule.target!;
      const chain = hit.table.chainsByName.get(t.name);
      text = chain && (t.kind === 'jump' || t.kind === 'goto')
        ? chainHover(analysis, hit.table, chain, hit.rule)
        : targetHover(analysis, hit.table, hit.rule);
      span = t.nameSpan;
      break;
    }
    case 'targetOption':
      text = optionHover(hit.rule.target!.name, hit.option, 'target', analysis.ruleset.family);
      span = hit.option.span;
      break;
    case 'match':
      text = matchHover(hit.match, analysis.ruleset.family);
      span = hit.match.moduleSpan ?? hit.match.span;
      break;
    case 'option':
      text = optionHover(hit.match.module, hit.option, 'match', analysis.ruleset.family, hit.match);
      span = hit.option.span;
      break;
    case 'rule':
      text = ruleHover(analysis, hit.table, hit.chain, hit.rule);
      span = hit.rule.span;
      break;
  }
  if (!text) return null;
  return { contents: { kind: MarkupKind.Markdown, value: text }, range: span ? toRange(span) : undefined };
}

// ---------------------------------------------------------------------------
// Pieces

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

/** Counters in human units; `approximate` when the listing rounded them. */
export function describeCounters(c: Counters | null): string | undefined {
  if (!c) return undefined;
  const about = c.approximate ? 'about ' : '';
  return `${about}${formatCount(c.packets)} packet${c.packets === 1 ? '' : 's'}, ${about}${formatBytes(c.bytes, !c.approximate)}`;
}

/** Names jump targets by what the dump says they are: `Service ns/name:port` for kube-proxy Service chains, `endpoint 10.1.2.3:80` for KUBE-SEP chains. */
function labeler(analysis: Analysis, table: Table): (chain: string) => string | undefined {
  return (name) => {
    if (/^KUBE-(SVC|SVL|EXT|FW|XLB)-/.test(name)) {
      const svc = kubeService(table, analysis.graphOf(table), name);
      if (svc?.name) return `Service ${svc.name}`;
    }
    if (name.startsWith('KUBE-SEP-')) {
      const ep = kubeEndpoint(table, analysis.graphOf(table), name);
      if (ep?.address) return `endpoint ${ep.address}`;
    }
    return undefined;
  };
}

/** Counters added up one at a time; the total is null while none of them is known. */
class CounterSum {
  private known = false;
  private packets = 0;
  private bytes = 0;
  private approximate = false;

  add(c: Counters | null): void {
    if (!c) return;
    this.known = true;
    this.packets += c.packets;
    this.bytes += c.bytes;
    if (c.approximate) this.approximate = true;
  }

  get total(): Counters | null {
    return this.known ? { packets: this.packets, bytes: this.bytes, approximate: this.approximate || undefined } : null;
  }
}

/** Text from the dump (comments, prefixes) shown without markdown taking effect. */
function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}\[\]<>()#+\-.!|~]/g, (ch) => `\\${ch}`);
}

function ruleRef(rule: Rule): string {
  return `${rule.chain} rule ${rule.index}`;
}

function familyOf(analysis: Analysis): 'ipv4' | 'ipv6' {
  return analysis.ruleset.family;
}

// ---------------------------------------------------------------------------
// Tables, chains, policies

function tableHover(analysis: Analysis, table: Table): string {
  const info = findTable(table.name);
  const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
  const users = table.chains.filter((c) => !c.builtin).length;
  const lines = [`**${table.name}** table`, ''];
  lines.push(info ? info.summary : 'Not one of the five iptables tables (raw, mangle, nat, filter, security).');
  lines.push('');
  lines.push(`${formatCount(rules)} rule${rules === 1 ? '' : 's'} in ${table.chains.length} chain${table.chains.length === 1 ? '' : 's'} (${users} user-defined).`);
  if (info) lines.push(`Built-in chains, in the order packets meet them: ${info.chains.join(', ')}.`);
  if (analysis.ruleset.family === 'ipv6') lines.push('IPv6 (ip6tables).');
  return lines.join('\n');
}

function policyHover(table: Table, chain: Chain): string {
  const policy = chain.policy ?? 'ACCEPT';
  const lines = [`**Policy ${policy}** of ${table.name} ${chain.name}`, ''];
  lines.push(POLICY_SUMMARY[policy] ?? 'Not a policy iptables accepts: built-in chains take ACCEPT or DROP.');
  if (chain.policy === null) lines.push('', 'The dump leaves the policy as it is (`-`): ACCEPT in a fresh table.');
  const c = describeCounters(chain.counters);
  if (c) lines.push('', `Packets that met the policy: ${c}.`);
  return lines.join('\n');
}

function chainHover(analysis: Analysis, table: Table, chain: Chain, fromRule?: Rule): string {
  const graph = analysis.graphOf(table);
  const lines: string[] = [];
  if (chain.builtin) {
    const policy = chain.policy ?? 'ACCEPT';
    lines.push(`**${chain.name}** — built-in chain of ${table.name}, policy ${policy}${chain.policy === null ? ' (unchanged)' : ''}`);
    const hook = findHook(chain.name);
    if (hook) lines.push('', hook.summary);
  } else {
    lines.push(`**${chain.name}** — user chain in ${table.name}`);
  }
  const conv = chainConvention(chain.name, table.name);
  if (conv) lines.push('', `*${conv.owner}:* ${conv.purpose}`);

  const svc = kubeService(table, graph, chain.name);
  if (svc) lines.push('', ...serviceLines(analysis, svc));
  const sep = kubeEndpoint(table, graph, chain.name);
  if (sep) {
    const parts = [`Endpoint ${sep.address ? `**${sep.address}**` : '(no DNAT rule)'}`];
    if (sep.service) parts.push(`of Service **${sep.service}**`);
    lines.push('', parts.join(' '));
  }
  if (chain.name === 'DOCKER' && table.name === 'nat') {
    const ports = dockerPublishedPorts(table);
    if (ports.length) {
      lines.push('', 'Published ports:');
      for (const p of ports.slice(0, 15)) lines.push(`- host ${p.hostAddress ? `${p.hostAddress} ` : ''}port ${p.hostPort}/${p.protocol} → container ${p.to}${p.from ? ` (${p.from})` : ''}`);
      if (ports.length > 15) lines.push(`- … ${ports.length - 15} more`);
    }
  }

  if (table.name === 'nat' && chain.name === 'KUBE-SERVICES') {
    const names = new Set(chain.rules.flatMap((r) => r.comments.map(serviceNameIn)).filter((n): n is string => !!n));
    if (names.size) lines.push('', `${formatCount(names.size)} Service port${names.size === 1 ? '' : 's'} named in its rules.`);
  }
  if (table.name === 'nat' && chain.name === 'KUBE-NODEPORTS') {
    const ports = nodePortLines(chain);
    if (ports.length) lines.push('', 'Node ports:', ...ports.slice(0, 15), ...(ports.length > 15 ? [`- … ${ports.length - 15} more`] : []));
  }
  // A short chain is best explained by its rules.
  if (!chain.builtin && chain.rules.length > 0 && chain.rules.length <= 3 && !svc && !sep) {
    const label = labeler(analysis, table);
    lines.push('', ...chain.rules.map((r) => `${r.index}. ${ruleSentence(r, r.target ? table.chainsByName.has(r.target.name) : true, label)}`));
  }
  lines.push('', facts(chain, graph, fromRule).join(' · '));
  const c = describeCounters(chain.counters);
  if (c && chain.builtin) lines.push('', `Reached the policy: ${c}.`);
  const entered = graph ? callers(graph, chain).entered : null;
  if (entered && !chain.builtin) lines.push('', `Sent here by the jumps: ${describeCounters(entered)}.`);
  return lines.join('\n');
}

/** `- 31131/tcp → default/heketi` for each node-port rule of KUBE-NODEPORTS. */
function nodePortLines(chain: Chain): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of chain.rules) {
    let port: string | undefined;
    let proto: string | undefined;
    for (const m of r.matches) {
      if (m.module === 'protocol') proto = m.options[0]?.value ?? undefined;
      const o = m.options.find((x) => x.name === 'dport');
      if (o?.value) port = o.value;
    }
    const name = r.comments.map(serviceNameIn).find(Boolean);
    if (!port) continue;
    const line = `- ${port}${proto ? `/${proto}` : ''} → ${name ? `**${name}**` : code(r.target?.name ?? '?')}`;
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  }
  return out;
}

/** What the jumps into a chain add up to: the chains they come from and their summed counters. */
interface Callers {
  names: string[];
  entered: Counters | null;
}

/**
 * Kept per graph: a chain like KUBE-MARK-MASQ has tens of thousands of jumps
 * into it, and hovering it again should not walk them all again.
 */
const callersCache = new WeakMap<TableGraph, Map<Chain, Callers>>();

function callers(graph: TableGraph, chain: Chain): Callers {
  let byChain = callersCache.get(graph);
  if (!byChain) callersCache.set(graph, (byChain = new Map()));
  let found = byChain.get(chain);
  if (!found) {
    found = callersByNumber(graph, chain);
    if (!found) {
      const from = new Set<Chain>();
      const entered = new CounterSum();
      for (const e of graph.incoming.get(chain.name) ?? []) {
        from.add(e.from);
        entered.add(e.rule.counters);
      }
      found = { names: [...from].map((c) => c.name), entered: entered.total };
    }
    byChain.set(chain, found);
  }
  return found;
}

/**
 * callers read off the graph's numbers, without an edge object for each of
 * a hub chain's 30k jumps in; undefined for a graph kept otherwise, or a
 * chain `incoming` finds by name elsewhere (declared twice).
 */
function callersByNumber(graph: TableGraph, chain: Chain): Callers | undefined {
  const numbers = edgeNumbers(graph);
  const table = graph.table;
  const i = table.chainsByName.get(chain.name)?.index ?? -1;
  if (!numbers || i < 0 || table.chains[i] !== table.chainsByName.get(chain.name)) return undefined;
  // The calling chains in the order of their first jump in, marked by position.
  const seen = new Uint8Array(table.chains.length);
  const names: string[] = [];
  const entered = new CounterSum();
  for (let j = numbers.inFirst[i]; j < numbers.inFirst[i + 1]; j++) {
    const k = numbers.inOrder[j];
    const c = numbers.from[k];
    if (!seen[c]) {
      seen[c] = 1;
      names.push(table.chains[c].name);
    }
    entered.add(numbers.rule(k).counters);
  }
  return { names, entered: entered.total };
}

function facts(chain: Chain, graph: TableGraph | undefined, fromRule?: Rule): string[] {
  const out: string[] = [];
  out.push(`${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`);
  const names = graph ? callers(graph, chain).names : [];
  if (names.length) {
    out.push(`jumped to from ${listNames(names)}`);
  } else if (!chain.builtin) {
    out.push('nothing jumps here');
  }
  const outgoing = graph?.outgoing.get(chain.name) ?? [];
  if (outgoing.length) out.push(`jumps to ${listNames([...new Set(outgoing.map((e) => e.to.name))])}`);
  if (chain.listedReferences !== undefined) out.push(`${chain.listedReferences} reference${chain.listedReferences === 1 ? '' : 's'} (as listed)`);
  if (fromRule) out.push(`this is ${ruleRef(fromRule)}'s ${fromRule.target?.goto ? 'goto' : 'jump'}`);
  return out;
}

function listNames(names: string[], max = 6): string {
  const shown = names.slice(0, max).map(code).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function serviceLines(analysis: Analysis, svc: KubeService): string[] {
  const lines: string[] = [];
  lines.push(`Service **${svc.name ?? '(unnamed)'}**`);
  for (const a of svc.addresses.slice(0, 6)) {
    const port = a.port ? ` port ${a.port}${a.protocol ? `/${a.protocol}` : ''}` : '';
    lines.push(`- ${a.kind}: ${a.kind === 'node port' ? (a.port ?? '?') + (a.protocol ? `/${a.protocol}` : '') : `${a.address}${port}`}`);
  }
  if (svc.endpoints.length) {
    lines.push('', `Endpoints (${svc.endpoints.length}), share of new connections:`);
    for (const e of svc.endpoints.slice(0, 20)) {
      lines.push(`- ${e.address ? `**${e.address}**` : code(e.chain)} — ${formatPercent(e.share)}${e.probability !== null ? ` (probability ${e.probability} of what is left)` : ''}`);
    }
    if (svc.endpoints.length > 20) lines.push(`- … ${svc.endpoints.length - 20} more`);
    if (svc.sessionAffinity) lines.push('', 'Session affinity: a client seen recently goes back to the endpoint it used before; the shares apply to new clients.');
  } else {
    const rejected = svc.name ? servicesWithoutEndpoints(analysis.ruleset.tables).get(svc.name) : undefined;
    lines.push('', `No endpoints${rejected ? ': kube-proxy rejects traffic to it (filter KUBE-SERVICES)' : ''}.`);
  }
  return lines;
}

// ---------------------------------------------------------------------------
// Rules

function ruleHover(analysis: Analysis, table: Table, chain: Chain, rule: Rule): string {
  const chainExists = rule.target ? table.chainsByName.has(rule.target.name) : true;
  const lines = [`**${ruleRef(rule)}** (${table.name})`, '', ruleSentence(rule, chainExists, labeler(analysis, table))];
  if (rule.comments.length) lines.push('', ...rule.comments.map((c) => `> ${escapeMarkdown(c)}`));
  const calico = rule.comments.map((c) => /^cali:([\w-]+)$/.exec(c)?.[1]).find(Boolean);
  if (calico) lines.push('', `Written by Calico (Felix); ${code(calico)} is the rule's id in Felix's own bookkeeping.`);
  const t = rule.target;
  if (t && (t.kind === 'jump' || t.kind === 'goto')) {
    const svc = kubeService(table, analysis.graphOf(table), t.name);
    if (svc?.name) {
      const eps = svc.endpoints.map((e) => `${e.address ?? e.chain} ${formatPercent(e.share)}`).join(', ');
      lines.push('', `Service **${svc.name}**${eps ? ` → ${eps}` : ' (no endpoints)'}`);
    }
  }
  const c = describeCounters(rule.counters);
  lines.push('', c ? `Counters: ${c}.` : 'No counters in this dump.');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// Matches, options, targets

function matchHover(match: Match, family: 'ipv4' | 'ipv6'): string {
  const info = findMatch(match.module);
  const title = match.implicit ? `**${match.module}**` : `**-m ${match.module}**`;
  if (!info) return `${title} — unknown match module\n\niptables would say \`Couldn't load match '${match.module}'\`.`;
  const lines = [`${title} match`, '', info.summary];
  if (match.negated) lines.push('', '**Negated** (`!`): the rule applies when this test fails.');
  const details = match.options
    .map((o) => optionLine(match.module, o))
    .filter((s): s is string => !!s);
  if (details.length) lines.push('', 'In this rule:', ...details.map((d) => `- ${d}`));
  if (info.families && !info.families.includes(family)) lines.push('', `Only for ${info.families.join('/')}.`);
  if (info.hooks) lines.push('', `Accepted in: ${info.hooks.join(', ')}.`);
  return lines.join('\n');
}

function optionLine(owner: string, o: Option): string | undefined {
  const v = describeValue(owner, o);
  const neg = o.negated ? 'not ' : '';
  if (o.value === null) {
    const info = findMatch(owner) ?? findTarget(owner);
    const oi = info ? findOption(info, o.name) : undefined;
    return `${neg}${code('--' + o.name)}${oi ? `: ${oi.summary}` : ''}`;
  }
  const spelled = v && !v.includes('\n') ? v : code(o.value);
  return `${code('--' + o.name)} ${neg ? 'not: ' : ''}${spelled}${v && v.includes('\n') ? `, ${v.replace(/\n- /g, ' / ').replace(/\*\*/g, '')}` : ''}`;
}

function optionHover(owner: string, option: Option, kind: 'match' | 'target', family: 'ipv4' | 'ipv6', match?: Match): string {
  const info = kind === 'match' ? findMatch(owner) : findTarget(owner);
  const name = option.name;
  const oi = info ? findOption(info, name) : undefined;
  const display = ['source', 'destination', 'in-interface', 'out-interface', 'protocol'].includes(owner)
    ? `**${{ source: '-s', destination: '-d', 'in-interface': '-i', 'out-interface': '-o', protocol: '-p' }[owner]}** (${owner})`
    : `**--${name}** of ${kind === 'match' ? (match?.implicit ? owner : `-m ${owner}`) : `-j ${owner}`}`;
  if (!oi) return `${display} — unknown option\n\n${info ? `${owner} has no option --${name}.` : `Unknown ${kind} ${owner}.`}`;
  const lines = [display, '', oi.summary];
  if (oi.syntax) lines.push('', `Syntax: ${code(oi.syntax)}`);
  if (option.value !== null) {
    const v = describeValue(owner, option);
    const neg = option.negated || match?.negated;
    if (v) lines.push('', `${neg ? '**Not** ' : 'Here: '}${v.includes('\n') ? v : v}`);
    else if (neg) lines.push('', `**Not** ${code(option.value)}: the rule applies when this test fails.`);
  } else if (option.negated) {
    lines.push('', '**Negated**: the rule applies when this test fails.');
  }
  if (oi.valuesByFamily?.[family] && option.value && !oi.valuesByFamily[family]!.includes(option.value)) {
    lines.push('', `${code(option.value)} is not a ${family === 'ipv6' ? 'IPv6' : 'IPv4'} value.`);
  }
  return lines.join('\n');
}

function targetHover(analysis: Analysis, table: Table, rule: Rule): string {
  const t = rule.target!;
  const info = findTarget(t.name);
  if (!info) {
    return `**${t.name}** — not a chain of ${table.name} and not a known target\n\niptables would refuse the rule (no such chain or target).`;
  }
  const lines = [`**${t.name}** — ${info.terminating ? 'terminating' : 'non-terminating'} target`, '', info.summary];
  const details = t.options.map((o) => optionLine(t.name, o)).filter((s): s is string => !!s);
  const special = targetSpecifics(analysis, table, rule);
  if (special.length) lines.push('', ...special);
  if (details.length) lines.push('', 'In this rule:', ...details.map((d) => `- ${d}`));
  if (t.name === 'REJECT' && !t.options.some((o) => o.name === 'reject-with')) {
    lines.push('', `Reply: ${familyOf(analysis) === 'ipv6' ? 'icmp6-port-unreachable' : 'icmp-port-unreachable'} (the default).`);
  }
  if (info.tables || info.hooks) {
    lines.push('', `Valid in: ${info.tables ? `${info.tables.join('/')} table` : 'any table'}${info.hooks ? `, ${info.hooks.join('/')}` : ''}.`);
  }
  return lines.join('\n');
}

/** What the target means in this dump's conventions (MASQUERADE on a kube-proxy mark, DNAT of a Service endpoint…). */
function targetSpecifics(analysis: Analysis, table: Table, rule: Rule): string[] {
  const t = rule.target!;
  const out: string[] = [];
  const mark = rule.matches.find((m) => m.module === 'mark')?.options.find((o) => o.name === 'mark');
  if ((t.name === 'MASQUERADE' || t.name === 'SNAT') && mark?.value) {
    const setter = whoSetsMark(analysis, table, mark.value);
    out.push(`Only for packets where ${(describeValue('mark', mark) ?? `the mark is ${mark.value}`).replace(/^bit/, 'mark bit')}${mark.negated ? ' does not hold' : ''}${setter ? ` — the mark ${setter} sets` : ''}.`);
  }
  if (t.name === 'DNAT' && rule.chain.startsWith('KUBE-SEP-')) {
    const ep = kubeEndpoint(table, analysis.graphOf(table), rule.chain);
    if (ep?.service) out.push(`Endpoint of Service **${ep.service}**.`);
  }
  if (t.name === 'DNAT' && rule.chain === 'DOCKER') {
    const p = dockerPublishedPorts(table).find((x) => x.rule === rule);
    if (p) out.push(`Docker published port: host ${p.hostAddress ? `${p.hostAddress} ` : ''}port ${p.hostPort}/${p.protocol} → container ${p.to}${p.from ? ` (${p.from})` : ''}.`);
  }
  const noEndpoints = rule.comments.map((c) => (/has no (local )?endpoints/.test(c) ? serviceNameIn(c) : undefined)).find(Boolean);
  if (noEndpoints && (t.name === 'REJECT' || t.name === 'DROP')) {
    out.push(`kube-proxy: Service **${noEndpoints}** has no ${/no local endpoints/.test(rule.comments.join(' ')) ? 'local ' : ''}endpoints, so connections to it are ${t.name === 'REJECT' ? 'refused' : 'dropped'}.`);
  }
  if ((t.name === 'MARK' || t.name === 'CONNMARK') && chainConvention(rule.chain)) {
    const why = shortPurpose(rule.chain);
    if (why) out.push(`This is ${code(rule.chain)}: ${why}.`);
  }
  return out;
}

/** Which chain sets this mark with a MARK target, for "the mark KUBE-MARK-MASQ sets". */
function whoSetsMark(analysis: Analysis, table: Table, markTest: string): string | undefined {
  const [vs] = markTest.split('/');
  const want = Number(vs);
  if (!Number.isFinite(want)) return undefined;
  for (const t of analysis.ruleset.tables) {
    if (t.name !== table.name && t.name !== 'mangle') continue;
    for (const c of t.chains) {
      for (const r of c.rules) {
        if (r.target?.name !== 'MARK') continue;
        for (const o of r.target.options) {
          const v = o.value ? Number(o.value.split('/')[0]) : NaN;
          if (v === want && /set-xmark|set-mark|or-mark/.test(o.name)) return code(c.name);
        }
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// CLI: `iptables-lens explain`

export interface ExplainOptions {
  /** 1-based `LINE:COLUMN`: print the hover there. */
  at?: string;
  /** Only this chain (every table that has it). */
  chain?: string;
}

/**
 * The text of `iptables-lens explain`: the hover at a position, or every
 * chain with its purpose and each rule as one sentence.
 */
export function explainCommand(analysis: Analysis, opts: ExplainOptions): { output: string } | { error: string } {
  if (opts.at !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(opts.at);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) return { error: `--at needs LINE:COLUMN counted from 1, not "${opts.at}"` };
    const h = hover(analysis, Number(m[1]) - 1, Number(m[2]) - 1);
    if (!h) return { error: `nothing to explain at ${opts.at}` };
    return { output: (h.contents as { value: string }).value.replace(/\*\*|\\(?=[^\s])/g, '') };
  }
  const out: string[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      if (opts.chain && chain.name !== opts.chain) continue;
      const conv = chainConvention(chain.name, table.name);
      const head = chain.builtin ? `${table.name} ${chain.name} (policy ${chain.policy ?? 'ACCEPT'})` : `${table.name} ${chain.name}`;
      out.push(`${head}${conv ? ` — ${conv.owner}: ${conv.purpose}` : ''}`);
      const svc = kubeService(table, analysis.graphOf(table), chain.name);
      if (svc?.name) {
        const eps = svc.endpoints.map((e) => `${e.address ?? e.chain} ${formatPercent(e.share)}`).join(', ');
        out.push(`  Service ${svc.name}${eps ? ` → ${eps}` : ' (no endpoints)'}`);
      }
      const label = labeler(analysis, table);
      for (const rule of chain.rules) {
        out.push(`  ${rule.index}. ${ruleSentence(rule, rule.target ? table.chainsByName.has(rule.target.name) : true, label)}`);
      }
    }
  }
  if (opts.chain && !out.length) return { error: `no chain named ${opts.chain}` };
  return { output: out.join('\n') };
}
