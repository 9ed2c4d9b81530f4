/**
 * What the parser benchmarks share: the generated dumps, the passes they
 * measure over a dump's text, and the benchmark bundled the way the server
 * ships, for child processes to run.
 */
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runChecks } from '../server/src/checks';
import { LineIndex } from '../server/src/checks/rules';
import { Analysis } from '../server/src/model/analysis';
import { buildGraph } from '../server/src/model/buildGraph';
import { parse } from '../server/src/model/parse';
import { ruleCount } from '../server/src/model/saveRule';
import { asListRules, generateKubeProxy, withCounters } from '../test/support/kubeProxy';

/** naive: split into lines and words; parse: parse + graph (rules stay unmade, see SaveChain.rules); check: parse, graph and every check, as the first diagnostics of a document. */
export type Pass = 'naive' | 'parse' | 'check';

/** A naive pass: split into lines, split each line on blanks, count words. */
function naive(text: string): number {
  let words = 0;
  for (const line of text.split('\n')) words += line.split(/\s+/).length;
  return words;
}

/** One pass over the text; returns the words (naive), the rules (parse) or the problems (check) it found. */
export function pass(kind: Pass, text: string): number {
  if (kind === 'naive') return naive(text);
  if (kind === 'check') return runChecks(new Analysis(parse(text), text, undefined, new LineIndex(text))).length;
  const r = parse(text);
  buildGraph(r);
  // Counted without reading `rules`, which would make every save rule an object: parse + graph make none.
  return r.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + ruleCount(c), 0), 0);
}

/** The dump in four forms: iptables-save, the -nvL listing, `iptables-save -c` and `iptables -t nat -S`. */
export function dumpFiles(services: number): Record<string, string> {
  const dir = join(tmpdir(), 'iptables-lens-bench');
  mkdirSync(dir, { recursive: true });
  const files = {
    save: join(dir, `kube-${services}.save`),
    listing: join(dir, `kube-${services}.nvL`),
    'save -c': join(dir, `kube-${services}.counters.save`),
    'nat -S': join(dir, `kube-${services}.nat.S`),
  };
  if (!Object.values(files).every((f) => existsSync(f))) {
    const d = generateKubeProxy({ services, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 50 });
    writeFileSync(files.save, d.save);
    writeFileSync(files.listing, d.listing);
    writeFileSync(files['save -c'], withCounters(d.save));
    writeFileSync(files['nat -S'], asListRules(d.save, 'nat'));
  }
  return files;
}

/**
 * A benchmark file bundled the way `npm run build` bundles the server
 * (esbuild, node18, CommonJS), made once and removed at exit: children
 * measure the code as it ships, not as a TypeScript loader compiles it file
 * by file.
 */
export function bundled(entry: string): string {
  // Inside the project's node_modules, so the bundle's own `require('esbuild')` resolves (from /tmp it would not).
  const dir = join(__dirname, '..', 'node_modules', '.cache', 'iptables-lens-bench');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `bench-${process.pid}-${entry.replace(/.*\//, '').replace(/\W/g, '_')}.cjs`);
  if (!existsSync(out)) {
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node18', format: 'cjs', outfile: out, external: ['esbuild'], logLevel: 'warning' });
    process.on('exit', () => rmSync(out, { force: true }));
  }
  return out;
}
