/**
 * The knowledge table's "where the kernel accepts it" facts, checked against
 * the kernel: every restricted target and match is appended (with the legacy
 * backend, which reports the kernel's own checks, TRACE's raw-only rule
 * included) in every built-in chain of every table inside a network namespace
 * this process creates, and the chains that accept it must be exactly the
 * ones the table names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { allowedInHook, allowedInTable, findMatch, findOption, findTarget } from '../../server/src/knowledge';
import type { ExtensionInfo } from '../../server/src/knowledge/types';
import { BUILTIN_CHAINS } from '../../server/src/model/types';

const ns = `kbk${process.pid}`;

/** Rule arguments that exercise each extension, and the options that carry hook limits of their own. */
const PROBES: { family: 'ipv4' | 'ipv6'; kind: 'target' | 'match'; name: string; args: string; options?: string[] }[] = [
  { family: 'ipv4', kind: 'target', name: 'DNAT', args: '-p tcp -j DNAT --to-destination 10.0.0.1' },
  { family: 'ipv4', kind: 'target', name: 'SNAT', args: '-j SNAT --to-source 10.0.0.1' },
  { family: 'ipv4', kind: 'target', name: 'MASQUERADE', args: '-j MASQUERADE' },
  { family: 'ipv4', kind: 'target', name: 'REDIRECT', args: '-p tcp -j REDIRECT --to-ports 80' },
  { family: 'ipv4', kind: 'target', name: 'NETMAP', args: '-j NETMAP --to 10.0.0.0/24' },
  { family: 'ipv4', kind: 'target', name: 'REJECT', args: '-p tcp -j REJECT' },
  { family: 'ipv4', kind: 'target', name: 'CT', args: '-j CT --notrack' },
  { family: 'ipv4', kind: 'target', name: 'NOTRACK', args: '-j NOTRACK' },
  { family: 'ipv4', kind: 'target', name: 'TRACE', args: '-j TRACE' },
  { family: 'ipv4', kind: 'target', name: 'TOS', args: '-j TOS --set-tos 0x10' },
  { family: 'ipv4', kind: 'target', name: 'DSCP', args: '-j DSCP --set-dscp 10' },
  { family: 'ipv4', kind: 'target', name: 'ECN', args: '-p tcp -j ECN --ecn-tcp-remove' },
  { family: 'ipv4', kind: 'target', name: 'TTL', args: '-j TTL --ttl-set 64' },
  { family: 'ipv4', kind: 'target', name: 'TCPOPTSTRIP', args: '-p tcp -j TCPOPTSTRIP --strip-options 8' },
  { family: 'ipv4', kind: 'target', name: 'CHECKSUM', args: '-p udp -j CHECKSUM --checksum-fill' },
  { family: 'ipv4', kind: 'target', name: 'CLASSIFY', args: '-j CLASSIFY --set-class 1:10' },
  { family: 'ipv4', kind: 'target', name: 'CONNSECMARK', args: '-j CONNSECMARK --save' },
  { family: 'ipv4', kind: 'target', name: 'TPROXY', args: '-p tcp -j TPROXY --on-port 1' },
  { family: 'ipv4', kind: 'target', name: 'SYNPROXY', args: '-p tcp -j SYNPROXY --mss 1460' },
  { family: 'ipv4', kind: 'target', name: 'TCPMSS', args: '-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', options: ['clamp-mss-to-pmtu'] },
  { family: 'ipv4', kind: 'target', name: 'MARK', args: '-j MARK --set-mark 1' },
  { family: 'ipv6', kind: 'target', name: 'DNPT', args: '-j DNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db8:1::/64' },
  { family: 'ipv6', kind: 'target', name: 'SNPT', args: '-j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db8:1::/64' },
  { family: 'ipv6', kind: 'target', name: 'HL', args: '-j HL --hl-set 64' },
  { family: 'ipv6', kind: 'target', name: 'REJECT', args: '-p tcp -j REJECT' },
  { family: 'ipv4', kind: 'match', name: 'owner', args: '-m owner --uid-owner 0' },
  { family: 'ipv4', kind: 'match', name: 'mac', args: '-m mac --mac-source 00:11:22:33:44:55' },
  { family: 'ipv4', kind: 'match', name: 'socket', args: '-m socket' },
  { family: 'ipv4', kind: 'match', name: 'rpfilter', args: '-m rpfilter' },
  { family: 'ipv4', kind: 'match', name: 'cgroup', args: '-m cgroup --cgroup 1' },
  { family: 'ipv4', kind: 'match', name: 'realm', args: '-m realm --realm 1' },
  { family: 'ipv4', kind: 'match', name: 'osf', args: '-p tcp -m osf --genre Linux' },
  { family: 'ipv4', kind: 'match', name: 'in-interface', args: '-i eth0' },
  { family: 'ipv4', kind: 'match', name: 'out-interface', args: '-o eth0' },
  { family: 'ipv4', kind: 'match', name: 'addrtype', args: '-m addrtype --dst-type LOCAL --limit-iface-in', options: ['limit-iface-in'] },
  { family: 'ipv4', kind: 'match', name: 'addrtype', args: '-m addrtype --dst-type LOCAL --limit-iface-out', options: ['limit-iface-out'] },
  { family: 'ipv4', kind: 'match', name: 'physdev', args: '-m physdev --physdev-out eth0', options: ['physdev-out'] },
  { family: 'ipv4', kind: 'match', name: 'devgroup', args: '-m devgroup --src-group 1', options: ['src-group'] },
  { family: 'ipv4', kind: 'match', name: 'devgroup', args: '-m devgroup --dst-group 1', options: ['dst-group'] },
];

function run(cmd: string[]): { status: number | null; err: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, err: r.stderr ?? '' };
}

/** Where the table says the probe is accepted. */
function expected(info: ExtensionInfo, options: string[] | undefined, table: string, chain: string): boolean {
  if (!allowedInTable(info, table) || !allowedInHook(info, chain)) return false;
  for (const name of options ?? []) {
    const o = findOption(info, name);
    if (o?.hooks && !o.hooks.includes(chain)) return false;
  }
  return true;
}

test('tables and built-in chains in the knowledge table agree with the kernel', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root for network namespaces');
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) return t.skip('ip netns add failed: no network namespaces here');
  if (run(['iptables-legacy', '-L', '-n']).status !== 0) {
    spawnSync('ip', ['netns', 'del', ns]);
    return t.skip('iptables-legacy is not usable here');
  }
  try {
    const wrong: string[] = [];
    for (const p of PROBES) {
      const info = p.kind === 'target' ? findTarget(p.name) : findMatch(p.name);
      assert.ok(info, `${p.kind} ${p.name} missing from the table`);
      const cmd = p.family === 'ipv6' ? 'ip6tables-legacy' : 'iptables-legacy';
      for (const [table, chains] of Object.entries(BUILTIN_CHAINS)) {
        for (const chain of chains) {
          const r = run([cmd, '-t', table, '-A', chain, ...p.args.split(' ')]);
          const accepted = r.status === 0;
          if (accepted) run([cmd, '-t', table, '-F', chain]);
          const want = expected(info, p.options, table, chain);
          if (accepted !== want) wrong.push(`${p.family} ${p.args} in ${table}/${chain}: kernel ${accepted ? 'accepts' : 'refuses'}, table says ${want ? 'yes' : 'no'}${accepted ? '' : ` (${r.err.trim().split('\n')[0]})`}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
});

/** Option values that differ by family, each tried alone in filter INPUT. */
const VALUE_PROBES: { owner: 'match' | 'target'; name: string; option: string; args: (v: string) => string }[] = [
  { owner: 'match', name: 'addrtype', option: 'dst-type', args: (v) => `-m addrtype --dst-type ${v}` },
  { owner: 'target', name: 'REJECT', option: 'reject-with', args: (v) => `-p tcp -j REJECT --reject-with ${v}` },
  { owner: 'match', name: 'conntrack', option: 'ctstate', args: (v) => `-m conntrack --ctstate ${v}` },
  { owner: 'target', name: 'LOG', option: 'log-level', args: (v) => `-j LOG --log-level ${v}` },
];

test('closed value sets per family agree with the kernel', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root for network namespaces');
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) return t.skip('ip netns add failed: no network namespaces here');
  try {
    const wrong: string[] = [];
    for (const p of VALUE_PROBES) {
      const info = p.owner === 'target' ? findTarget(p.name) : findMatch(p.name);
      const option = info && findOption(info, p.option);
      assert.ok(option?.values, `${p.name} --${p.option} has no closed set`);
      for (const family of ['ipv4', 'ipv6'] as const) {
        const allowed = option.valuesByFamily?.[family] ?? option.values;
        const cmd = family === 'ipv6' ? 'ip6tables-legacy' : 'iptables-legacy';
        for (const v of option.values) {
          const accepted = run([cmd, '-A', 'INPUT', ...p.args(v).split(' ')]).status === 0;
          if (accepted) run([cmd, '-F', 'INPUT']);
          if (accepted !== allowed.includes(v)) wrong.push(`${family} --${p.option} ${v}: kernel ${accepted ? 'accepts' : 'refuses'}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
});
