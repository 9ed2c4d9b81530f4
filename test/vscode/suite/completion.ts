/**
 * Completion through `vscode.executeCompletionItemProvider`, in an untitled
 * document (a paste never saved) so the fixtures stay untouched.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { requireCapability } from './helpers';

/** A nat table whose last line is being typed; `$0` marks the cursor. */
const NAT = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-7RUAH544RSSBQYKK - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.125.27/32 -p tcp -m tcp --dport 8080 -j $0
COMMIT
`;

async function complete(text: string): Promise<string[]> {
  const offset = text.indexOf('$0');
  const doc = await vscode.workspace.openTextDocument({ language: 'iptables-save', content: text.replace('$0', '') });
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(offset));
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

export function completionTests(): void {
  describe('completion', () => {
    before(async function () { await requireCapability(this, 'completionProvider', 'Completion (issue 4)'); });

    it('after -j in nat: the chains of the table and DNAT, not the chain the rule is in', async () => {
      const labels = await complete(NAT);
      for (const wanted of ['KUBE-SVC-7RUAH544RSSBQYKK', 'DNAT', 'ACCEPT']) assert.ok(labels.includes(wanted), `${wanted} offered: ${labels.join(', ')}`);
    });

    it('after -m: match modules', async () => {
      const labels = await complete(NAT.replace('-m tcp --dport 8080 -j $0', '-m $0'));
      for (const wanted of ['conntrack', 'comment', 'addrtype']) assert.ok(labels.includes(wanted), `${wanted} offered: ${labels.slice(0, 30).join(', ')}…`);
    });
  });
}
