/**
 * Custom requests and notifications shared by the client and the server. The
 * client imports nothing else from the server.
 */
export const LANGUAGE_IDS = ['iptables-save', 'iptables-listing'] as const;

/**
 * The Node flags the extension starts the server with (and the tests and
 * benchmarks, to measure what users run). The young generation is held to
 * 8 MB semi-spaces, half of what Node 20 and 22 allow and a quarter of Node
 * 24's. Scavenges copy a live object at most twice, once within the young
 * generation and once into the old, however large the young generation
 * is; a smaller one touches fewer new pages. On a 10k-Service dump 8 MB
 * against 16 MB gave didOpen → diagnostics 804 against 860 ms (medians of
 * ten interleaved servers on Node 20), 19k against 23k page faults, a peak
 * RSS 2-18 MB lower (medians of two batches) and the same one-line edits
 * (138 against 141 ms). Node 24's 32 MB default cost about 90 MB of peak
 * memory (384-398 MB against 290-317 MB) for the same speed; a 64 MB young
 * generation once made the first checks faster, but cost 100-300 MB.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** The glibc malloc tunable the server runs with (see serverEnvironment). */
const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * What the extension (and the tests and benchmarks) add to the server's
 * environment: glibc's malloc may back its large blocks with transparent
 * huge pages where the system leaves them to the program (`madvise`, the
 * usual default). Opening a 10k-Service dump reads 17 MB off the wire, held
 * twice in malloc's memory (the pieces as they come, then the whole body);
 * in 4 kB pages that was about 7,500 page faults (34.5k against 27k), some
 * 100 ms on a machine where a fault costs 12 us. The server's peak memory
 * in two runs: 238-283 MB, against 233-245 MB before. Tunables the caller
 * already gives are kept, and win when they set this one. Other C
 * libraries ignore it.
 */
export function serverEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const given = env.GLIBC_TUNABLES;
  if (!given) return { GLIBC_TUNABLES: HUGE_PAGES_TUNABLE };
  if (given.includes('glibc.malloc.hugetlb=')) return { GLIBC_TUNABLES: given };
  return { GLIBC_TUNABLES: `${given}:${HUGE_PAGES_TUNABLE}` };
}

/**
 * One evaluated step of a traced packet (1-based lines). A `no-match` step
 * with `lastRule` stands for a run of rules that did not match: consecutive
 * rules of one chain on consecutive lines, none with a note, assumption or
 * rewrite, so that 10k Services tried one after another are one step.
 */
export interface TraceStep {
  hook: string;
  table: string;
  chain: string;
  /** 1-based rule index in the chain; null for a policy or a return. For a run, its first rule. */
  rule: number | null;
  /** 1-based line of the rule (or of the chain declaration for policy steps). For a run, its first rule's line. */
  line: number | null;
  /**
   * Set only on a `no-match` step that stands for several rules: the step
   * covers rules `rule..lastRule` of the chain, none of which matched.
   */
  lastRule?: number;
  /** Set with `lastRule`: the run's rules sit on lines `line..lastLine`, one rule per line. */
  lastLine?: number;
  result: 'match' | 'no-match' | 'maybe-match' | 'policy' | 'return' | 'skipped';
  /** JUMP:X, GOTO:X, RETURN, ACCEPT, DROP, REJECT, CONTINUE, DNAT, … (for a run, its first rule's). */
  action: string;
  /** What changed in the packet at this step (addresses, ports, marks). */
  rewrite?: Record<string, string | number>;
  /** Plain-words note for the editor ("DNAT → 10.254.20.8:8080", "mark |= 0x4000", "p = 0.5"). */
  note?: string;
  /** For maybe-matches: the assumption this branch made. */
  assumption?: string;
}

/** The run of rules a step stands for: first and last rule, how many, and their lines (null when the step has none). */
export interface StepRun {
  first: number;
  last: number;
  count: number;
  firstLine: number | null;
  lastLine: number | null;
}

/** The run a `no-match` step with `lastRule` stands for; undefined for a step of one rule or of none. */
export function stepRun(step: TraceStep): StepRun | undefined {
  if (step.rule === null || step.lastRule === undefined || step.lastRule <= step.rule) return undefined;
  const firstLine = step.line ?? null;
  const lastLine = firstLine === null ? null : step.lastLine ?? firstLine + (step.lastRule - step.rule);
  return { first: step.rule, last: step.lastRule, count: step.lastRule - step.rule + 1, firstLine, lastLine };
}

export type TraceVerdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE' | 'NFQUEUE' | 'STOLEN' | 'ERROR';

export interface TraceBranch {
  probability: number;
  assumptions: string[];
  verdict: TraceVerdict;
  /** The packet after NAT and mangling. */
  final: Record<string, unknown>;
  steps: TraceStep[];
  /** Set when the branch ended in an error (missing chain, loop…). */
  error?: string;
  /** The routing decision in words (e.g. `10.254.20.8 is not a local address → FORWARD`). */
  route?: string;
}

export interface TraceResult {
  packet: Record<string, unknown>;
  branches: TraceBranch[];
  /** Branches left out by the branch limit. */
  omittedBranches?: number;
}

/** `iptables/trace`: trace a packet through the document's ruleset. */
export const TRACE_REQUEST = 'iptables/trace';
export interface TraceParams {
  textDocument: { uri: string };
  /** The packet description, e.g. `tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0`. */
  packet: string;
}

/**
 * `iptables/parsePacket`: checks a packet description as the user types it.
 * The answer has no `error` when the description is fine; otherwise the
 * error names the bad word and where it is (offsets into `packet`).
 */
export const PARSE_PACKET_REQUEST = 'iptables/parsePacket';
export interface ParsePacketParams {
  packet: string;
}
export interface PacketDescriptionError {
  message: string;
  /** Offset of the bad word's first character. */
  start: number;
  /** Offset just past the bad word. */
  end: number;
}
export interface ParsePacketResult {
  error?: PacketDescriptionError;
}

/**
 * `iptables/packetSuggestions`: packets worth tracing, built from the dump
 * itself (kube-proxy Service cluster IPs and NodePorts, Docker published
 * ports, ports that INPUT accepts), for the trace input's pick list.
 */
export const PACKET_SUGGESTIONS_REQUEST = 'iptables/packetSuggestions';
export interface PacketSuggestionsParams {
  textDocument: { uri: string };
}
export interface PacketSuggestion {
  /** What the packet is for, e.g. `default/heketi cluster IP`. */
  label: string;
  /** A packet description the trace accepts, e.g. `tcp 192.0.2.10:40000 -> 10.96.125.27:8080 in eth0`. */
  packet: string;
  /** Where it comes from in the dump, e.g. `nat KUBE-SERVICES rule 6 → KUBE-SVC-7RUAH544RSSBQYKK`. */
  detail: string;
}

/** `iptables/graph`: the chain graph around a chain, for the graph view. */
export const GRAPH_REQUEST = 'iptables/graph';
export interface GraphParams {
  textDocument: { uri: string };
  /** Cursor position; the chain under it (or enclosing it) is the centre. */
  position: { line: number; character: number };
  depth: number;
  /** Node cap (default 150); chains beyond it are counted in `omitted`. */
  maxNodes?: number;
}
export interface GraphNode {
  id: string;
  table: string;
  chain: string;
  builtin: boolean;
  policy: string | null;
  rules: number;
  references: number;
  /** 0-based line of the chain's declaration, for revealing it. */
  line: number | null;
  centre?: boolean;
  /** Callers of this chain that the graph leaves out (beyond the depth or the node cap). */
  hiddenCallers?: number;
  /** Chains this one jumps or goes to that the graph leaves out. */
  hiddenCallees?: number;
}
export interface GraphEdge {
  from: string;
  to: string;
  kind: 'jump' | 'goto';
  /** How many rules make this edge. */
  count: number;
}
export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Chains beyond the chosen depth or the node cap that were left out. */
  omitted: number;
  /** The table block the graph is drawn from (several names when a CLI graph spans tables). */
  table?: string;
  /** The depth the graph was drawn to, for the view's depth selector. */
  depth?: number;
}

/**
 * `iptables/openLargeFile` (client → server notification): the editor shows a
 * `file:` dump it does not sync to extensions (VS Code keeps documents above
 * 50 MB from them), so the server reads the file itself, parses it and
 * publishes its diagnostics; trace and graph requests on that URI use the
 * disk copy. `iptables/closeLargeFile` says the editor no longer shows it.
 */
export const OPEN_LARGE_FILE_NOTIFICATION = 'iptables/openLargeFile';
export const CLOSE_LARGE_FILE_NOTIFICATION = 'iptables/closeLargeFile';
export interface LargeFileParams {
  uri: string;
  /** The language the file's name or first line gives it; the server detects the format when absent. */
  languageId?: string;
}
