/**
 * The packet trace as the editor offers it: the contributed "Trace Packet"
 * command run programmatically on the seed example. The seed's story by hand:
 * TCP to 10.96.125.27:8080 goes nat PREROUTING → KUBE-SERVICES (rule 6, line
 * 35) → KUBE-SVC-7RUAH544RSSBQYKK → KUBE-SEP-IWORYNCAYHBSQHXU → DNAT to
 * 10.254.20.8:8080.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { contributedCommands, open, skip } from './helpers';
import type { TraceResult } from '../../../server/src/protocol';

const PACKET = 'tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0';

/** Every chain a trace result walks through, in order, over all branches. */
function chainsOf(result: TraceResult): string[] {
  return result.branches.flatMap((b) => b.steps.map((s) => s.chain));
}

export function traceTests(): void {
  describe('packet trace', () => {
    let traceCommand: string | undefined;
    let clearCommand: string | undefined;

    before(async function () {
      const commands = await contributedCommands();
      traceCommand = commands.find((c) => /trace/i.test(c.command) && /packet/i.test(c.title) && !/clear|re-?run/i.test(c.title))?.command;
      clearCommand = commands.find((c) => /trace/i.test(c.command) && /clear/i.test(c.title))?.command;
      if (!traceCommand) skip(this, 'the Trace Packet command has not landed (issue 7): no contributed command traces a packet');
    });

    it(`tracing "${PACKET}" on the seed example ends in DNAT to 10.254.20.8:8080`, async () => {
      const doc = await open('heketi-nat.iptables-save');
      // The command takes the packet as an argument when run programmatically
      // (the input box is for people) and resolves to the trace result.
      const result = await vscode.commands.executeCommand<TraceResult | undefined>(traceCommand!, PACKET, doc.uri);
      assert.ok(result && Array.isArray(result.branches), `the command returns the trace result (got ${JSON.stringify(result)?.slice(0, 200)})`);
      const chains = chainsOf(result);
      for (const c of ['PREROUTING', 'KUBE-SERVICES', 'KUBE-SVC-7RUAH544RSSBQYKK', 'KUBE-SEP-IWORYNCAYHBSQHXU']) {
        assert.ok(chains.includes(c), `the trace passes ${c}: ${chains.join(' → ')}`);
      }
      const steps = result.branches.flatMap((b) => b.steps);
      assert.ok(steps.some((s) => s.line === 35 && s.result === 'match'), 'the rule on line 35 matches');
      assert.ok(JSON.stringify(result.branches.map((b) => b.final)).includes('10.254.20.8'), 'the final packet goes to the pod');
    });

    it('the trace can be cleared', async function () {
      if (!clearCommand) skip(this, 'no Clear Trace command contributed yet (issue 7)');
      await vscode.commands.executeCommand(clearCommand);
    });
  });
}
