/**
 * The server as the extension starts it (serverEnvironment) lets glibc's
 * malloc back the large blocks of a big didOpen with transparent huge
 * pages: after a 3 MB dump its memory map shows some. Skipped, with the
 * reason, where the system cannot tell or cannot do it (no /proc smaps, THP
 * off, a C library other than glibc).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient } from '../support/lspClient';
import { generateKubeProxy } from '../support/kubeProxy';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

/** Why huge pages cannot be seen here, or null when they can. */
function unavailable(): string | null {
  let mode = '';
  try {
    mode = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  } catch {
    return 'no /sys/kernel/mm/transparent_hugepage: not Linux, or no THP';
  }
  if (mode.includes('[never]')) return 'transparent huge pages are off ([never])';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (!header?.glibcVersionRuntime) return 'not running on glibc';
  if (!existsSync('/proc/self/smaps_rollup')) return 'no /proc/PID/smaps_rollup';
  if (/glibc\.malloc\.hugetlb=/.test(process.env.GLIBC_TUNABLES ?? '')) return 'GLIBC_TUNABLES already sets glibc.malloc.hugetlb, and the caller\'s choice wins';
  return null;
}

/** The AnonHugePages line of a process's memory map, in kB. */
function anonHugeKb(pid: number): number {
  const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

test('a server started as the extension starts it holds huge pages after opening a 3 MB dump', async (t) => {
  assert.ok(existsSync(SERVER), 'dist/server.js is missing: run `npm run build` first');
  const why = unavailable();
  if (why) return t.skip(why);
  const text = generateKubeProxy({ services: 2000, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 50 }).save;
  assert.ok(text.length > 3e6, `the dump is ${text.length} characters`);
  const client = new LspClient(SERVER);
  await client.start();
  try {
    const pid = (client as unknown as { child: { pid: number } }).child.pid;
    assert.match(readFileSync(`/proc/${pid}/environ`, 'utf8'), /(^|\0)GLIBC_TUNABLES=[^\0]*glibc\.malloc\.hugetlb=1/);
    const uri = 'file:///huge/kube.iptables';
    client.open(uri, 'iptables-save', text);
    await client.waitForNotification('textDocument/publishDiagnostics', (p: { uri: string }) => p.uri === uri);
    assert.ok(anonHugeKb(pid) >= 2048, `AnonHugePages ${anonHugeKb(pid)} kB`);
  } finally {
    await client.stop();
  }
});
