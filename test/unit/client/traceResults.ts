/**
 * Hand-written trace results for the client tests, worked out by hand from
 * test/fixtures/seed/heketi-nat.save (1-based lines as the protocol gives
 * them): a TCP packet from outside the pod network to the heketi cluster IP.
 */
import type { TraceBranch, TraceResult, TraceStep } from '../../../server/src/protocol';

const step = (s: Partial<TraceStep> & Pick<TraceStep, 'chain' | 'result' | 'action'>): TraceStep => ({
  hook: 'PREROUTING', table: 'nat', rule: null, line: null, ...s,
});

export const SEED_PACKET = 'tcp 192.0.2.10:40000 -> 10.96.125.27:8080 in eth0';

/**
 * nat PREROUTING → KUBE-SERVICES (past the four kube-dns rules, one step for
 * the run; mark for masquerade, then the heketi Service) → DNAT;
 * POSTROUTING → MASQUERADE.
 */
export const seedBranch: TraceBranch = {
  probability: 1,
  assumptions: [],
  verdict: 'ACCEPT',
  final: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: '10.254.20.8', dport: 8080, in: 'eth0', mark: '0x4000' },
  steps: [
    step({ chain: 'PREROUTING', rule: 1, line: 20, result: 'match', action: 'JUMP:cali-PREROUTING' }),
    step({ chain: 'cali-PREROUTING', line: 19, result: 'return', action: 'RETURN' }),
    step({ chain: 'PREROUTING', rule: 2, line: 21, result: 'match', action: 'JUMP:KUBE-SERVICES' }),
    // The kube-dns rules 1–4 (lines 30–33) miss one after the other: the engine sends them as one step.
    step({ chain: 'KUBE-SERVICES', rule: 1, line: 30, lastRule: 4, lastLine: 33, result: 'no-match', action: 'JUMP:KUBE-MARK-MASQ' }),
    step({ chain: 'KUBE-SERVICES', rule: 5, line: 34, result: 'match', action: 'JUMP:KUBE-MARK-MASQ' }),
    step({ chain: 'KUBE-MARK-MASQ', rule: 1, line: 26, result: 'match', action: 'CONTINUE', rewrite: { mark: '0x4000' }, note: 'mark |= 0x4000' }),
    step({ chain: 'KUBE-MARK-MASQ', line: 7, result: 'return', action: 'RETURN' }),
    step({ chain: 'KUBE-SERVICES', rule: 6, line: 35, result: 'match', action: 'JUMP:KUBE-SVC-7RUAH544RSSBQYKK', note: '→ KUBE-SVC-7RUAH544RSSBQYKK' }),
    step({ chain: 'KUBE-SVC-7RUAH544RSSBQYKK', rule: 1, line: 41, result: 'match', action: 'JUMP:KUBE-SEP-IWORYNCAYHBSQHXU' }),
    step({ chain: 'KUBE-SEP-IWORYNCAYHBSQHXU', rule: 1, line: 28, result: 'no-match', action: 'JUMP:KUBE-MARK-MASQ' }),
    step({ chain: 'KUBE-SEP-IWORYNCAYHBSQHXU', rule: 2, line: 29, result: 'match', action: 'DNAT', rewrite: { dst: '10.254.20.8', dport: 8080 }, note: 'DNAT → 10.254.20.8:8080' }),
    step({ hook: 'POSTROUTING', chain: 'POSTROUTING', rule: 1, line: 24, result: 'match', action: 'JUMP:cali-POSTROUTING' }),
    step({ hook: 'POSTROUTING', chain: 'cali-POSTROUTING', line: 18, result: 'return', action: 'RETURN' }),
    step({ hook: 'POSTROUTING', chain: 'POSTROUTING', rule: 2, line: 25, result: 'match', action: 'JUMP:KUBE-POSTROUTING' }),
    step({ hook: 'POSTROUTING', chain: 'KUBE-POSTROUTING', rule: 1, line: 27, result: 'match', action: 'MASQUERADE' }),
  ],
};

export const seedResult: TraceResult = {
  packet: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: '10.96.125.27', dport: 8080, in: 'eth0', state: 'NEW' },
  branches: [seedBranch],
};

/**
 * A kube-proxy Service with three endpoints: the statistic rules fork the
 * packet with shares 1/3, 1/3, 1/3 (p = 0.33333 of all, then 0.5 of the rest,
 * then the last rule without a condition).
 */
export function threeEndpoints(): TraceResult {
  const svc = 'KUBE-SVC-ABCDEFGHIJKLMNOP';
  const seps = ['KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-SEP-BBBBBBBBBBBBBBBB', 'KUBE-SEP-CCCCCCCCCCCCCCCC'];
  const pods = ['10.244.0.2', '10.244.0.3', '10.244.0.4'];
  const head = [
    step({ chain: 'PREROUTING', rule: 1, line: 3, result: 'match', action: 'JUMP:KUBE-SERVICES' }),
    step({ chain: 'KUBE-SERVICES', rule: 1, line: 10, result: 'match', action: `JUMP:${svc}` }),
  ];
  const branch = (k: number, probability: number, assumptions: string[]): TraceBranch => {
    const forks = [
      step({ chain: svc, rule: 1, line: 12, result: k === 0 ? 'match' : 'no-match', action: `JUMP:${seps[0]}`, note: 'p = 0.333' }),
      ...(k >= 1 ? [step({ chain: svc, rule: 2, line: 13, result: k === 1 ? 'match' : 'no-match', action: `JUMP:${seps[1]}`, note: 'p = 0.5' })] : []),
      ...(k === 2 ? [step({ chain: svc, rule: 3, line: 14, result: 'match', action: `JUMP:${seps[2]}` })] : []),
    ];
    return {
      probability,
      assumptions,
      verdict: 'ACCEPT',
      final: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: pods[k], dport: 8080 },
      steps: [
        ...head,
        ...forks,
        step({ chain: seps[k], rule: 1, line: 16 + k, result: 'match', action: 'DNAT', note: `DNAT → ${pods[k]}:8080` }),
        step({ hook: 'FORWARD', table: 'filter', chain: 'FORWARD', line: 22, result: 'policy', action: 'ACCEPT' }),
      ],
    };
  };
  return {
    packet: { protocol: 'tcp', src: '192.0.2.10', sport: 40000, dst: '10.96.0.10', dport: 80 },
    branches: [
      branch(0, 1 / 3, ['statistic matches (p = 0.333)']),
      branch(1, 1 / 3, ['statistic does not match (p = 0.667)', 'statistic matches (p = 0.5)']),
      branch(2, 1 / 3, ['statistic does not match (p = 0.667)', 'statistic does not match (p = 0.5)']),
    ],
    omittedBranches: 2,
  };
}
