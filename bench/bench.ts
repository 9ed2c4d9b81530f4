/**
 * Benchmarks printed as figures, never asserted: parse + graph time against a
 * naive read + split + tokenize of the same text, and peak memory, on
 * generated kube-proxy dumps in save and listing form. Each measurement runs
 * in a fresh child process so peak RSS belongs to that case alone.
 *
 *   npm run bench            all sizes (1k, 10k, 30k services)
 *   npm run bench -- 1000    one size
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildGraph } from '../server/src/model/buildGraph';
import { parse } from '../server/src/model/parse';
import { generateKubeProxy } from '../test/support/kubeProxy';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A naive pass: split into lines, split each line on blanks, count words. */
function naive(text: string): number {
  let words = 0;
  for (const line of text.split('\n')) words += line.split(/\s+/).length;
  return words;
}

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Child mode: measure one file, print one JSON line. */
function child(file: string, mode: 'naive' | 'parse'): void {
  const text = readFileSync(file, 'utf8');
  const times: number[] = [];
  let rules = 0;
  for (let i = 0; i < RUNS; i++) {
    if (mode === 'naive') times.push(timeIt(() => { rules = naive(text); }));
    else {
      times.push(timeIt(() => {
        const r = parse(text);
        buildGraph(r);
        rules = r.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
      }));
    }
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms: median(times), maxRssMb, rules }) + '\n');
}

function dumpFiles(services: number): { save: string; listing: string } {
  const dir = join(tmpdir(), 'iptables-lens-bench');
  mkdirSync(dir, { recursive: true });
  const save = join(dir, `kube-${services}.save`);
  const listing = join(dir, `kube-${services}.nvL`);
  if (!existsSync(save) || !existsSync(listing)) {
    const d = generateKubeProxy({ services, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 50 });
    writeFileSync(save, d.save);
    writeFileSync(listing, d.listing);
  }
  return { save, listing };
}

function measure(file: string, mode: 'naive' | 'parse'): { ms: number; maxRssMb: number; rules: number } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[2], args[1] as 'naive' | 'parse');
  const sizes = args.length ? args.map(Number) : [1000, 10000, 30000];
  console.log(`node ${process.version}; median of ${RUNS} runs per figure; peak RSS of the whole child process (includes the runtime)`);
  console.log('dump                      size     rules   naive ms  parse+graph ms  ratio  peak RSS naive/ours MB');
  for (const services of sizes) {
    const files = dumpFiles(services);
    for (const [kind, file] of Object.entries(files)) {
      const n = measure(file, 'naive');
      const p = measure(file, 'parse');
      const mb = (statSync(file).size / 1e6).toFixed(1);
      console.log(
        `${`kube-proxy ${services} svc ${kind}`.padEnd(25)} ${`${mb}MB`.padStart(7)} ${String(p.rules).padStart(8)} ` +
        `${n.ms.toFixed(0).padStart(9)} ${p.ms.toFixed(0).padStart(15)} ${(p.ms / n.ms).toFixed(2).padStart(6)}  ${n.maxRssMb.toFixed(0)}/${p.maxRssMb.toFixed(0)}`,
      );
    }
  }
}

main();
