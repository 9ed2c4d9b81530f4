/**
 * Instructions, not milliseconds: the passes of `npm run bench` counted by
 * valgrind's callgrind, on Node run with --single-threaded (V8 compiles and
 * collects on the thread it runs on, so nothing races). The same code on
 * the same dump gives the same count within about 1%, whatever else the
 * machine is doing, where times on a shared virtual machine drift by ±20%:
 * this is the figure to compare a change by. A count is not a time (a cache
 * miss costs no instructions), so the issue's targets stay in `npm run
 * bench`.
 *
 * For each pass: the first run (the code not compiled yet, as for the first
 * document a server opens) and a warm one (the third minus the first, halved).
 *
 *   npm run bench:instructions            the 1k-Service dumps (about 8 minutes)
 *   npm run bench:instructions -- 10000   another size (10k: about ten times as long)
 *   npm run bench:instructions -- --node PATH 1000
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { bundled, dumpFiles, pass, type Pass } from './passes';
import { runtimeFrom } from './runtime';

/** Child mode: `runs` passes of one kind over the file, nothing printed (callgrind counts them). */
function child(kind: Pass, runs: number, file: string): void {
  for (let i = 0; i < runs; i++) pass(kind, readFileSync(file, 'utf8'));
}

/** Instructions callgrind counted for `runs` passes in a fresh process, or null when valgrind is missing. */
function count(node: string, kind: Pass, runs: number, file: string): number | null {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', node, '--single-threaded', bundled(__filename), '--child', kind, String(runs), file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) return null;
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind run failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

function main(): void {
  if (process.argv[2] === '--child') return child(process.argv[3] as Pass, Number(process.argv[4]), process.argv[5]);
  const runtime = runtimeFrom(process.argv.slice(2));
  const sizes = runtime.args.length ? runtime.args.map(Number) : [1000];
  console.log(`${runtime.label}, --single-threaded, under callgrind; millions of instructions; first run, then warm (third run minus first, halved)`);
  console.log('naive: read + split into lines and words; parse: read + parse + graph; check: read + parse + graph + every check (the first diagnostics)');
  console.log(`${'dump'.padEnd(32)} ${'naive'.padStart(15)} ${'parse'.padStart(15)} ${'check'.padStart(15)}   parse/naive warm`);
  const M = (n: number) => (n / 1e6).toFixed(0);
  for (const services of sizes) {
    for (const [kind, file] of Object.entries(dumpFiles(services))) {
      // The process with no pass: Node's start and the bundle's load, taken off every count.
      const base = count(runtime.node, 'naive', 0, file);
      if (base === null) {
        console.log('valgrind is not installed (apt-get install -y valgrind): nothing counted');
        return;
      }
      const cells: string[] = [];
      const warm: Record<string, number> = {};
      for (const p of ['naive', 'parse', 'check'] as Pass[]) {
        const one = count(runtime.node, p, 1, file)!;
        const three = count(runtime.node, p, 3, file)!;
        warm[p] = (three - one) / 2;
        cells.push(`${M(one - base)} / ${M(warm[p])}`.padStart(15));
      }
      console.log(`${`kube-proxy ${services} svc ${kind}`.padEnd(32)} ${cells.join(' ')}   ${(warm.parse / warm.naive).toFixed(2).padStart(6)}`);
    }
  }
}

main();
