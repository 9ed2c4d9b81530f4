/**
 * The server runs with the environment serverEnvironment gives it, and in
 * that environment glibc's malloc backs large blocks with transparent huge
 * pages: the server started as the extension starts it has the tunable, and
 * a Node process under the same environment holds a 16 MB buffer in huge
 * pages, where one told `glibc.malloc.hugetlb=0` does not. Skipped, with the
 * reason, where the system cannot tell or cannot do it (no /proc smaps, THP
 * off, a C library other than glibc, the caller's own tunable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverEnvironment } from '../../server/src/protocol';
import { LspClient } from '../support/lspClient';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/** The system's THP mode (always, madvise, never), or null without THP. */
function thpMode(): string | null {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Why huge pages cannot be seen here, or null when they can. */
function unavailable(): string | null {
  const mode = thpMode();
  if (mode === null) return 'no /sys/kernel/mm/transparent_hugepage: not Linux, or no THP';
  if (mode === 'never') return 'transparent huge pages are off ([never])';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (!header?.glibcVersionRuntime) return 'not running on glibc';
  if (!existsSync('/proc/self/smaps_rollup')) return 'no /proc/PID/smaps_rollup';
  if (/glibc\.malloc\.hugetlb=/.test(process.env.GLIBC_TUNABLES ?? '')) return 'GLIBC_TUNABLES already sets glibc.malloc.hugetlb, and the caller\'s choice wins';
  return null;
}

/** kB of huge pages a Node process holds after filling a 16 MB buffer, under GLIBC_TUNABLES=`tunables`. */
function hugeKbOfFilledBuffer(tunables: string): number {
  const script = "const b = Buffer.allocUnsafe(16 << 20); b.fill(1); const m = /AnonHugePages:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/smaps_rollup', 'utf8')); process.stdout.write(String(m ? m[1] : 0)); b[0];";
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, GLIBC_TUNABLES: tunables }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test('the server is started with the huge-page tunable in its environment', async (t) => {
  assert.ok(existsSync(SERVER), 'dist/server.js is missing: run `npm run build` first');
  if (!existsSync('/proc/self/environ')) return t.skip('no /proc/PID/environ');
  const client = new LspClient(SERVER);
  await client.start();
  try {
    const pid = (client as unknown as { child: { pid: number } }).child.pid;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`GLIBC_TUNABLES=${serverEnvironment(process.env).GLIBC_TUNABLES}`), environ.filter((e) => e.startsWith('GLIBC')).join(', ') || 'no GLIBC_TUNABLES');
  } finally {
    await client.stop();
  }
});

test("under the server's environment malloc's large blocks are huge pages", (t) => {
  const why = unavailable();
  if (why) return t.skip(why);
  const withTunable = hugeKbOfFilledBuffer(serverEnvironment(process.env).GLIBC_TUNABLES);
  assert.ok(withTunable >= 8192, `AnonHugePages ${withTunable} kB with the tunable`);
  // Where THP applies to every mapping, the tunable makes no difference to see.
  if (thpMode() === 'madvise') {
    const without = hugeKbOfFilledBuffer('glibc.malloc.hugetlb=0');
    assert.equal(without, 0, `AnonHugePages ${without} kB without it`);
  }
});
