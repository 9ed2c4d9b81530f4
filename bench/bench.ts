/**
 * Benchmarks printed as figures, never asserted: parse + graph time against a
 * naive read + split + tokenize of the same text, and peak memory, on
 * generated kube-proxy dumps in save and listing form and on the largest
 * fixtures; for save-form files, also `iptables-restore --test` on the same
 * file in a private network namespace when run as root.
 *
 * The two passes are timed in one child process, taking turns, so that a
 * machine whose speed drifts from second to second (a shared virtual
 * machine's does) slows both alike; the ratio is the median of each turn's
 * ratio. Three such children time each file (see TIMING_CHILDREN). Peak RSS
 * comes from two more children, one per pass, so each figure belongs to
 * that pass alone.
 *
 *   npm run bench            all sizes (1k, 10k, 30k services) and the fixtures
 *   npm run bench -- 1000    one size (and the fixtures)
 *   npm run bench -- --node PATH 10000   measured on another Node binary
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parse } from '../server/src/model/parse';
import { bundled, dumpFiles, pass } from './passes';
import { runtimeFrom, type Runtime } from './runtime';

/** Runs per figure: the median of nine is steadier than of five on a noisy machine, and the first run is printed on its own. */
const RUNS = 9;

/**
 * Timing children per file. One child's ratio still moved by a sixth from
 * child to child (the same 10k-Service `-S` dump gave 1.77 to 2.37 in five
 * children in a row): each line shows the child whose ratio with the read
 * is the median, and the lowest and highest of them all.
 */
const TIMING_CHILDREN = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

type Mode = 'naive' | 'parse';

/** What a timing child prints: medians over the turns, and the first turn alone (file in memory). */
interface Timing {
  naiveMs: number;
  naiveWithReadMs: number;
  parseMs: number;
  parseWithReadMs: number;
  /** Median over the turns of parse / naive, with and without the read. */
  ratio: number;
  ratioWithRead: number;
  firstNaiveMs: number;
  firstParseMs: number;
  rules: number;
}

/**
 * Timing child: RUNS turns, each reading the file and doing the naive pass
 * and reading it again and doing parse + graph (which goes first alternates
 * from turn to turn). Reads and work are timed apart, so the figures compare
 * with and without the read the issue counts in the naive pass. Small files
 * are done many times per turn.
 */
function timingChild(file: string): void {
  const size = statSync(file).size;
  const repeat = Math.max(1, Math.min(1000, Math.floor(2e6 / Math.max(1, size))));
  const work: Record<Mode, number[]> = { naive: [], parse: [] };
  const reads: Record<Mode, number[]> = { naive: [], parse: [] };
  let rules = 0;
  const turn = (mode: Mode) => {
    let readMs = 0;
    let workMs = 0;
    for (let k = 0; k < repeat; k++) {
      let text = '';
      readMs += timeIt(() => { text = readFileSync(file, 'utf8'); });
      workMs += timeIt(() => { const n = pass(mode, text); if (mode === 'parse') rules = n; });
    }
    work[mode].push(workMs / repeat);
    reads[mode].push(readMs / repeat);
  };
  for (let i = 0; i < RUNS; i++) {
    const order: Mode[] = i % 2 === 0 ? ['naive', 'parse'] : ['parse', 'naive'];
    for (const mode of order) turn(mode);
  }
  const withRead = (m: Mode) => work[m].map((w, i) => w + reads[m][i]);
  const ratios = (p: number[], n: number[]) => p.map((x, i) => x / n[i]);
  const timing: Timing = {
    naiveMs: median(work.naive), naiveWithReadMs: median(withRead('naive')),
    parseMs: median(work.parse), parseWithReadMs: median(withRead('parse')),
    ratio: median(ratios(work.parse, work.naive)), ratioWithRead: median(ratios(withRead('parse'), withRead('naive'))),
    firstNaiveMs: work.naive[0], firstParseMs: work.parse[0], rules,
  };
  process.stdout.write(JSON.stringify(timing) + '\n');
}

/** Memory child: one pass of one kind, then the process's peak RSS (the runtime's own included). */
function memoryChild(file: string, mode: Mode): void {
  pass(mode, readFileSync(file, 'utf8'));
  process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

/** `iptables-restore --test` on the file in a fresh network namespace (median of three), or null where that cannot run. */
function restoreTest(file: string): number | null {
  if (process.getuid?.() !== 0) return null;
  const ns = `ilbench${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) return null;
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync('ip', ['netns', 'exec', ns, 'iptables-restore', '--test', file]);
      if (r.status !== 0) return null;
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(times);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

/** The Node the children run on (see runtime.ts). */
let runtime: Runtime | null = null;

/** Runs this file as a child on the chosen Node and reads the JSON line it prints last. */
function runChild<T>(args: string[]): T {
  const r = spawnSync(runtime!.node, [bundled(__filename), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** The largest save and listing fixtures the kernel loaded (so restore --test has something to read). */
function fixtureFiles(): string[] {
  const root = join(__dirname, '..', 'test', 'fixtures');
  return [
    join(root, 'reference', 'rules4.loadable.rules'),
    join(root, 'reference', 'captures', 'nft', 'ipv4', 'all.save'),
    join(root, 'corpus', 'openwrt', 'openwrt_ss_iptables.save'),
    join(root, 'corpus', 'netfilter-iptables-tests', 'fedora27-iptables.save'),
  ].filter((f) => existsSync(f));
}

function report(label: string, file: string): void {
  const timings: Timing[] = [];
  for (let i = 0; i < TIMING_CHILDREN; i++) timings.push(runChild<Timing>(['--time', file]));
  timings.sort((a, b) => a.ratioWithRead - b.ratioWithRead);
  const t = timings[Math.floor(timings.length / 2)];
  const spread = `${timings[0].ratioWithRead.toFixed(2)}–${timings[timings.length - 1].ratioWithRead.toFixed(2)}`;
  const n = runChild<{ maxRssMb: number }>(['--memory', 'naive', file]);
  const p = runChild<{ maxRssMb: number }>(['--memory', 'parse', file]);
  const size = statSync(file).size;
  const mb = size >= 1e6 ? `${(size / 1e6).toFixed(1)}MB` : `${(size / 1e3).toFixed(0)}kB`;
  const save = parse(readFileSync(file, 'utf8')).format === 'save';
  const restore = save ? restoreTest(file) : null;
  const ms = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
  console.log(
    `${label.padEnd(44)} ${mb.padStart(7)} ${String(t.rules).padStart(8)} ` +
    `${ms(t.naiveWithReadMs).padStart(9)} ${ms(t.parseWithReadMs).padStart(9)} ${t.ratioWithRead.toFixed(2).padStart(6)} ${`(${spread})`.padStart(11)}  ` +
    `${ms(t.naiveMs).padStart(9)} ${ms(t.parseMs).padStart(9)} ${t.ratio.toFixed(2).padStart(6)}  ` +
    `${ms(t.firstNaiveMs).padStart(7)} ${ms(t.firstParseMs).padStart(7)} ${(t.firstParseMs / t.firstNaiveMs).toFixed(2).padStart(6)}  ${`${n.maxRssMb.toFixed(0)}/${p.maxRssMb.toFixed(0)}`.padStart(9)}` +
    (restore !== null ? `  ${ms(restore).padStart(8)} ${(restore / t.parseMs).toFixed(1).padStart(6)}×` : ''),
  );
}

function main(): void {
  if (process.argv[2] === '--time') return timingChild(process.argv[3]);
  if (process.argv[2] === '--memory') return memoryChild(process.argv[4], process.argv[3] as Mode);
  runtime = runtimeFrom(process.argv.slice(2));
  const args = runtime.args;
  const sizes = args.length ? args.map(Number) : [1000, 10000, 30000];
  console.log(`${runtime.label}; both passes timed in one process taking turns, median of ${RUNS} turns (ratio: median of the turns' ratios), in ${TIMING_CHILDREN} processes: the one whose ratio with the read is the median is shown, with the lowest and highest in brackets; peak RSS of a process doing one pass (includes the runtime)`);
  const restoreNote = process.getuid?.() === 0 ? 'restore --test ms, times slower than parse+graph' : 'restore --test: not root, not measured';
  console.log('with read: read the file + naive split/tokenize, read the file + parse + graph; without: the same after the text is in memory');
  console.log('first run: the first turn alone, file in memory (ours includes compiling the parser, which later turns have done)');
  console.log(`${'dump'.padEnd(44)}    size    rules    -- with read: naive / ours / ratio (spread) --   -- without: naive / ours / ratio --   -- first run --     RSS n/p MB  ${restoreNote}`);
  for (const services of sizes) {
    const files = dumpFiles(services);
    for (const [kind, file] of Object.entries(files)) report(`kube-proxy ${services} svc ${kind}`, file);
  }
  for (const file of fixtureFiles()) report(file.split('/fixtures/')[1], file);
}

main();
