/**
 * Hover through `vscode.executeHoverProvider`: what the widget would say over
 * a chain, a target and a match. Expected facts come from the dumps by hand:
 * the seed's Service default/heketi has one endpoint, 10.254.20.8:8080; the
 * generated Service shop/web has three, at probabilities 1/3, 1/2 and the
 * rest, which makes 33.3% each.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { at, hoverText, open, requireCapability } from './helpers';

async function hoverAt(file: string, line: number, word: string, occurrence = 1): Promise<string> {
  const doc = await open(file);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at(doc, line, word, occurrence));
  return hoverText(hovers);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

export function hoverTests(): void {
  describe('hover', () => {
    before(async function () { await requireCapability(this, 'hoverProvider', 'Hover (issue 4)'); });

    // [file, line, word, occurrence, texts the hover must contain]
    const cases: [string, number, string, number, string[]][] = [
      ['heketi-nat.iptables-save', 35, 'KUBE-SVC-7RUAH544RSSBQYKK', 1, ['default/heketi', '10.254.20.8:8080', '100']],
      ['heketi-nat.nvL', 21, 'KUBE-SVC-7RUAH544RSSBQYKK', 1, ['default/heketi', '10.254.20.8:8080', '100']],
      ['heketi-nat.iptables-save', 29, 'DNAT', 1, ['10.254.20.8', '8080', 'default/heketi']],
      ['heketi-nat.iptables-save', 26, 'MARK', 2, ['0x4000']],
      ['heketi-nat.iptables-save', 27, '0x4000/0x4000', 1, ['0x4000']],
      ['heketi-nat.iptables-save', 27, 'MASQUERADE', 1, ['MASQUERADE']],
      ['heketi-nat.iptables-save', 40, 'LOCAL', 1, ['LOCAL']],
      ['kube-3ep.iptables-save', 28, 'KUBE-SVC-4N57TFCL4MD7ZTDA', 1, ['shop/web', '10.244.1.11:8080', '10.244.2.12:8080', '10.244.3.13:8080', '33.3']],
      ['docker.iptables-save', 36, 'DNAT', 1, ['192.168.0.2', '80']],
    ];
    for (const [file, line, word, occurrence, texts] of cases) {
      it(`${file}:${line} over ${word} mentions ${texts.join(', ')}`, async () => {
        const text = await hoverAt(file, line, word, occurrence);
        assert.ok(text.trim().length > 0, 'a hover appears');
        for (const t of texts) assert.ok(text.includes(t), `hover mentions ${t}:\n${text}`);
      });
    }

    it('the three endpoints of shop/web get 33.3% each', async () => {
      const text = await hoverAt('kube-3ep.iptables-save', 28, 'KUBE-SVC-4N57TFCL4MD7ZTDA');
      assert.ok(count(text, '33.3') >= 3, `three shares of 33.3%:\n${text}`);
    });
  });
}
