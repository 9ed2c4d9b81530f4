/**
 * The five tables, the five hooks, and the policies a built-in chain may have.
 * Orders follow the kernel: hooks in the order a packet meets them, tables at
 * a hook in priority order (raw, mangle, nat for DNAT, filter, security; nat
 * for SNAT comes last on the way out).
 */
import type { HookInfo, TableInfo } from './types';
import { keyed } from '../model/keyed';

export const TABLE_LIST: TableInfo[] = [
  {
    name: 'raw',
    summary: 'Runs first, before connection tracking: used to exempt packets from tracking (`-j CT --notrack`) or attach a conntrack helper or zone.',
    chains: ['PREROUTING', 'OUTPUT'],
  },
  {
    name: 'mangle',
    summary: 'Alters packets and their metadata: marks, TOS/DSCP, TTL, MSS clamping, transparent proxying.',
    chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  },
  {
    name: 'nat',
    summary: 'Address translation. Only the first packet of each connection walks it; the decision (DNAT, SNAT, MASQUERADE, REDIRECT or none) then applies to the whole connection.',
    chains: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  },
  {
    name: 'filter',
    summary: 'The default table (no `-t`): decides whether packets are accepted, dropped or rejected.',
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
  },
  {
    name: 'security',
    summary: 'Mandatory access control (SELinux SECMARK/CONNSECMARK labels), run after filter.',
    chains: ['INPUT', 'FORWARD', 'OUTPUT'],
  },
];

export const HOOK_LIST: HookInfo[] = [
  {
    name: 'PREROUTING',
    summary: 'Every packet arriving on an interface, before the routing decision (local delivery or forwarding).',
    tables: ['raw', 'mangle', 'nat'],
  },
  {
    name: 'INPUT',
    summary: 'Packets routed to this host itself, just before a local socket receives them.',
    tables: ['mangle', 'nat', 'filter', 'security'],
  },
  {
    name: 'FORWARD',
    summary: 'Packets routed through this host from one interface to another.',
    tables: ['mangle', 'filter', 'security'],
  },
  {
    name: 'OUTPUT',
    summary: 'Packets sent by local processes, right after they are created.',
    tables: ['raw', 'mangle', 'nat', 'filter', 'security'],
  },
  {
    name: 'POSTROUTING',
    summary: 'Every packet about to leave on an interface (forwarded or local), after routing.',
    tables: ['mangle', 'nat'],
  },
];

/** Policies a built-in chain may have (`iptables -P` takes only these). */
export const POLICY_LIST: readonly string[] = ['ACCEPT', 'DROP'];

/** What a policy means, for hover. */
export const POLICY_SUMMARY: Record<string, string> = keyed({
  ACCEPT: 'Packets that reach the end of the chain without a verdict are accepted.',
  DROP: 'Packets that reach the end of the chain without a verdict are dropped silently.',
});
