/**
 * The kernel as oracle for diagnostics: loads a dump with iptables-restore
 * (nf_tables backend) into a network namespace this process creates, and
 * reports whether it was accepted and which line the error names. A real
 * load, not `--test`, because only a load checks jump targets and loops.
 */
import { spawnSync } from 'child_process';

export interface RestoreResult {
  ok: boolean;
  /** The 1-based line iptables-restore names, when it names one. */
  line: number | null;
  /** What it printed (stderr and stdout). */
  output: string;
}

/** Why kernel tests cannot run here, or null when they can. */
export function oracleUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: kernel agreement needs network namespaces';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) return `ip netns does not work here: ${r.stderr || r.error}`;
  const t = spawnSync('iptables-restore', ['--version'], { encoding: 'utf8' });
  if (t.status !== 0 || !/nf_tables/.test(t.stdout + t.stderr)) return 'iptables-restore (nf_tables) is not installed';
  return null;
}

/** The line an iptables-restore error message names ("Error occurred at line: N", "line N failed", "line N: RULE_APPEND failed", "COMMIT expected at line N"). */
export function reportedLineOf(output: string): number | null {
  const m = /\bline:? (\d+)/.exec(output);
  return m ? Number(m[1]) : null;
}

/** One network namespace, reused for every load: iptables-restore replaces each table it names. */
export class RestoreOracle {
  readonly ns: string;
  private open = false;

  constructor(prefix: string) {
    this.ns = `${prefix}${process.pid}`;
  }

  start(): void {
    spawnSync('ip', ['netns', 'del', this.ns]);
    const r = spawnSync('ip', ['netns', 'add', this.ns], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns add ${this.ns}: ${r.stderr}`);
    this.open = true;
  }

  load(text: string, family: 'ipv4' | 'ipv6'): RestoreResult {
    const cmd = family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
    const r = spawnSync('ip', ['netns', 'exec', this.ns, cmd], { input: text, encoding: 'utf8', timeout: 30000 });
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`;
    const ok = r.status === 0;
    return { ok, line: ok ? null : reportedLineOf(output), output: output.trim() };
  }

  stop(): void {
    if (this.open) spawnSync('ip', ['netns', 'del', this.ns]);
    this.open = false;
  }
}
