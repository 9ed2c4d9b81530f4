/**
 * The shape of iptables knowledge: what each match, target, table and hook
 * is, which options it takes, and where the kernel accepts it. Hover,
 * completion, diagnostics and the trace all read these records.
 */

/** How many words an option takes after its name. */
export type OptionArity = 'none' | 'one' | 'two' | 'optional';

export interface OptionInfo {
  /** Long name without dashes, as iptables-save writes it (e.g. `dport`). */
  name: string;
  /** Other spellings accepted on input (e.g. `destination-port`), without dashes. */
  aliases?: string[];
  arity: OptionArity;
  /** The value's syntax for people, e.g. `port[:port]`. */
  syntax?: string;
  /** The closed set of values, where there is one (ctstate names, reject types…); comma lists allowed when `list` is set. */
  values?: string[];
  /** Values are comma-separated lists of `values`. */
  list?: boolean;
  /** Where the closed set differs by family (REJECT's reply types), the set per family; `values` is then their union. */
  valuesByFamily?: Partial<Record<'ipv4' | 'ipv6', string[]>>;
  /** `! --option` is allowed. */
  negatable: boolean;
  /** One or two sentences in plain words. */
  summary: string;
  /** What a closed value means, by value (e.g. `ESTABLISHED` → which packets those are). */
  valueDocs?: Record<string, string>;
  /** How hover spells the value out: ports, addresses, marks, … (plain text when absent). */
  valueKind?: ValueKind;
  /** Built-in chains where this option (rather than the whole extension) is accepted; all when absent. */
  hooks?: string[];
  /** Tables where this option (rather than the whole extension) is accepted; all when absent. */
  tables?: string[];
}

/** Value syntaxes that hover knows how to put into words. */
export type ValueKind =
  | 'port' | 'portList' | 'address' | 'addressRange' | 'mark' | 'interface' | 'number' | 'range'
  | 'rate' | 'text' | 'flags' | 'natRange' | 'portRange';

export interface ExtensionInfo {
  name: string;
  /** One or two sentences in plain words. */
  summary: string;
  options: OptionInfo[];
  /** Families where it exists; both when absent. */
  families?: ('ipv4' | 'ipv6')[];
  /** Tables where the kernel accepts it; all when absent. */
  tables?: string[];
  /** Built-in chains (hooks) where the kernel accepts it; all when absent. A user chain inherits the hooks that reach it. */
  hooks?: string[];
  /** Needs `-p` with one of these protocols (e.g. tcp for --tcp-flags, tcp/udp/… for REJECT tcp-reset). */
  protocols?: string[];
}

export interface MatchInfo extends ExtensionInfo {
  kind: 'match';
}

export interface TargetInfo extends ExtensionInfo {
  kind: 'target';
  /** Ends the packet's walk through the table (ACCEPT, DROP, DNAT…) rather than continuing (LOG, MARK…). */
  terminating: boolean;
}

export interface TableInfo {
  name: string;
  summary: string;
  /** Built-in chains in hook order. */
  chains: string[];
}

export interface HookInfo {
  name: string;
  summary: string;
  /** Tables that have this hook, in kernel priority order. */
  tables: string[];
}
