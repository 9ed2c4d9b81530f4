/**
 * Navigation over the chain graph through VS Code's public commands:
 * definition, references, rename, document symbols and call hierarchy.
 * Expected lines are read off the fixtures by hand (1-based, as `cat -n`
 * numbers them); `at()` fails when a fixture no longer has the text there.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { at, line1, open, requireCapability, target, textOf } from './helpers';

const SVC = 'KUBE-SVC-7RUAH544RSSBQYKK';
const SEP = 'KUBE-SEP-IWORYNCAYHBSQHXU';

async function definitions(doc: vscode.TextDocument, pos: vscode.Position) {
  const result = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>(
    'vscode.executeDefinitionProvider', doc.uri, pos);
  return (result ?? []).map(target);
}

async function references(doc: vscode.TextDocument, pos: vscode.Position) {
  return (await vscode.commands.executeCommand<vscode.Location[] | undefined>(
    'vscode.executeReferenceProvider', doc.uri, pos)) ?? [];
}

/** Flattens DocumentSymbol trees or SymbolInformation lists into name → container name. */
function flatten(symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): { name: string; container: string; selection: vscode.Range }[] {
  const out: { name: string; container: string; selection: vscode.Range }[] = [];
  const walk = (list: (vscode.DocumentSymbol | vscode.SymbolInformation)[], container: string) => {
    for (const s of list) {
      if ('children' in s) {
        out.push({ name: s.name, container, selection: s.selectionRange });
        walk(s.children, s.name);
      } else {
        out.push({ name: s.name, container: s.containerName, selection: s.location.range });
      }
    }
  };
  walk(symbols, '');
  return out;
}

export function navigationTests(): void {
  describe('go to definition', () => {
    before(async function () { await requireCapability(this, 'definitionProvider', 'Go to definition (issue 3)'); });

    // [file, 1-based line, word pointed at, occurrence on the line, expected 1-based line of the declaration]
    const cases: [string, number, string, number, number][] = [
      ['heketi-nat.iptables-save', 35, SVC, 1, 12], // -j target → :KUBE-SVC-… - [0:0]
      ['heketi-nat.iptables-save', 41, SVC, 1, 12], // -A chain name → its declaration
      ['heketi-nat.iptables-save', 21, 'KUBE-SERVICES', 1, 11],
      ['heketi-nat.iptables-save', 41, SEP, 1, 10],
      ['heketi-nat.iptables-save', 20, 'PREROUTING', 1, 3], // built-in → its policy line
      ['heketi-nat.nvL', 21, SVC, 1, 28], // listing target column → Chain header
      ['heketi-nat.nvL', 30, SEP, 1, 32],
      ['docker.iptables-save', 33, 'DOCKER', 1, 32], // nat's DOCKER, not filter's on line 11
      ['docker.iptables-save', 19, 'DOCKER', 2, 11], // filter's DOCKER from filter
    ];
    for (const [file, line, word, occurrence, expected] of cases) {
      it(`${file}:${line} ${word} → line ${expected}`, async () => {
        const doc = await open(file);
        const defs = await definitions(doc, at(doc, line, word, occurrence));
        assert.strictEqual(defs.length, 1, `one definition, got ${defs.length}`);
        assert.strictEqual(defs[0].uri.toString(), doc.uri.toString());
        assert.strictEqual(line1(defs[0].range), expected);
        assert.ok(textOf(doc, defs[0].range).includes(word), `range covers ${word}: "${textOf(doc, defs[0].range)}"`);
      });
    }

    it('a built-in target (MASQUERADE) has no definition', async () => {
      const doc = await open('heketi-nat.iptables-save');
      assert.deepStrictEqual(await definitions(doc, at(doc, 27, 'MASQUERADE')), []);
    });
  });

  describe('find references', () => {
    before(async function () { await requireCapability(this, 'referencesProvider', 'Find references (issue 3)'); });

    // [file, line, word, lines that must be found, lines that may be found (the -A lines of the chain)]
    const cases: [string, number, string, number[], number[]][] = [
      ['heketi-nat.iptables-save', 30, 'KUBE-MARK-MASQ', [7, 28, 30, 32, 34, 36, 38], [26]],
      ['heketi-nat.iptables-save', 35, SVC, [12, 35], [41]],
      ['heketi-nat.nvL', 21, SVC, [21, 28], []],
      ['docker.iptables-save', 33, 'DOCKER', [32, 33, 34], [36]],
    ];
    for (const [file, line, word, must, may] of cases) {
      it(`${file}:${line} ${word} is referenced on lines ${must.join(', ')}`, async () => {
        const doc = await open(file);
        const refs = await references(doc, at(doc, line, word));
        const lines = refs.map((r) => line1(r.range)).sort((a, b) => a - b);
        for (const r of refs) {
          assert.strictEqual(r.uri.toString(), doc.uri.toString());
          assert.strictEqual(textOf(doc, r.range), word, `reference on line ${line1(r.range)} covers the name`);
        }
        for (const l of must) assert.ok(lines.includes(l), `line ${l} among ${lines.join(', ')}`);
        for (const l of lines) assert.ok(must.includes(l) || may.includes(l), `line ${l} is not a reference of ${word}`);
      });
    }
  });

  describe('rename', () => {
    before(async function () { await requireCapability(this, 'renameProvider', 'Rename (issue 3)'); });

    it(`renaming ${SVC} edits its declaration, its own rule and the jump, nothing else`, async () => {
      const doc = await open('heketi-nat.iptables-save');
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
        'vscode.executeDocumentRenameProvider', doc.uri, at(doc, 35, SVC), 'KUBE-SVC-HEKETI0000000001');
      const edits = edit.get(doc.uri);
      assert.deepStrictEqual(edits.map((e) => line1(e.range)).sort((a, b) => a - b), [12, 35, 41]);
      for (const e of edits) {
        assert.strictEqual(textOf(doc, e.range), SVC);
        assert.strictEqual(e.newText, 'KUBE-SVC-HEKETI0000000001');
      }
      assert.strictEqual(edit.entries().length, 1, 'only this file is edited');
    });

    const refused: [string, number, string, string][] = [
      ['a built-in chain', 20, 'PREROUTING', 'MY-PREROUTING'],
      ['a target name', 27, 'MASQUERADE', 'MASQ2'],
      ['to a name longer than 28 characters', 35, SVC, 'KUBE-SVC-THIS-NAME-IS-MUCH-TOO-LONG'],
      ['to the name of another chain in the table', 35, SVC, SEP],
    ];
    for (const [what, line, word, newName] of refused) {
      it(`refuses to rename ${what}`, async () => {
        const doc = await open('heketi-nat.iptables-save');
        let edit: vscode.WorkspaceEdit | undefined;
        try {
          edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
            'vscode.executeDocumentRenameProvider', doc.uri, at(doc, line, word), newName);
        } catch {
          return; // refused with a reason: what a user sees as the rename error
        }
        assert.strictEqual(edit?.size ?? 0, 0, `no edits for ${word} → ${newName}`);
      });
    }
  });

  describe('document symbols', () => {
    before(async function () { await requireCapability(this, 'documentSymbolProvider', 'Document symbols (issue 3)'); });

    const seedChains = ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING', 'KUBE-MARK-MASQ', 'KUBE-NODEPORTS',
      'KUBE-POSTROUTING', SEP, 'KUBE-SERVICES', SVC, 'KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-NPX46M4PTMTKRN6Y',
      'KUBE-SVC-NTYB37XIWATNM25Y', 'KUBE-SVC-TCOU7JCQXEZGVUNU', 'cali-OUTPUT', 'cali-POSTROUTING', 'cali-PREROUTING'];
    const cases: [string, Record<string, string[]>][] = [
      ['heketi-nat.iptables-save', { nat: seedChains }],
      ['heketi-nat.nvL', { nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'KUBE-SERVICES', SVC, SEP, 'POSTROUTING', 'KUBE-POSTROUTING'] }],
      ['docker.iptables-save', {
        raw: ['PREROUTING', 'OUTPUT'],
        filter: ['INPUT', 'FORWARD', 'OUTPUT', 'DOCKER', 'DOCKER-BRIDGE', 'DOCKER-CT', 'DOCKER-FORWARD', 'DOCKER-INTERNAL'],
        nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING', 'DOCKER'],
      }],
    ];
    for (const [file, tables] of cases) {
      it(`${file}: tables → chains`, async () => {
        const doc = await open(file);
        const symbols = flatten(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri) ?? []);
        for (const [table, chains] of Object.entries(tables)) {
          const inTable = symbols.filter((s) => s.container === table).map((s) => s.name).sort();
          assert.deepStrictEqual(inTable, [...chains].sort(), `chains of ${table}`);
        }
        for (const s of symbols.filter((x) => x.container !== '')) {
          assert.ok(textOf(doc, s.selection).includes(s.name), `${s.name}'s selection covers its name: "${textOf(doc, s.selection)}"`);
        }
      });
    }
  });

  describe('call hierarchy', () => {
    before(async function () { await requireCapability(this, 'callHierarchyProvider', 'Call hierarchy (issue 3)'); });

    async function prepare(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CallHierarchyItem> {
      const items = await vscode.commands.executeCommand<vscode.CallHierarchyItem[]>('vscode.prepareCallHierarchy', doc.uri, pos);
      assert.strictEqual(items?.length, 1, 'one call hierarchy item');
      return items[0];
    }

    it(`${SVC} is called from KUBE-SERVICES by the rule on line 35`, async () => {
      const doc = await open('heketi-nat.iptables-save');
      const item = await prepare(doc, at(doc, 41, SVC));
      assert.strictEqual(item.name, SVC);
      const incoming = await vscode.commands.executeCommand<vscode.CallHierarchyIncomingCall[]>('vscode.provideIncomingCalls', item);
      assert.deepStrictEqual(incoming.map((c) => c.from.name), ['KUBE-SERVICES']);
      assert.deepStrictEqual(incoming[0].fromRanges.map(line1), [35]);
      assert.ok(incoming[0].fromRanges.every((r) => textOf(doc, r).includes(SVC) || doc.lineAt(r.start.line).text.includes(SVC)));
    });

    it(`${SVC} calls ${SEP}; KUBE-SERVICES calls seven chains`, async () => {
      const doc = await open('heketi-nat.iptables-save');
      const svc = await prepare(doc, at(doc, 12, SVC));
      const out = await vscode.commands.executeCommand<vscode.CallHierarchyOutgoingCall[]>('vscode.provideOutgoingCalls', svc);
      assert.deepStrictEqual(out.map((c) => c.to.name), [SEP]);
      const services = await prepare(doc, at(doc, 11, 'KUBE-SERVICES'));
      const callees = (await vscode.commands.executeCommand<vscode.CallHierarchyOutgoingCall[]>('vscode.provideOutgoingCalls', services))
        .map((c) => c.to.name).sort();
      assert.deepStrictEqual(callees, ['KUBE-MARK-MASQ', 'KUBE-NODEPORTS', SVC, 'KUBE-SVC-ERIFXISQEP7F7OF4',
        'KUBE-SVC-NPX46M4PTMTKRN6Y', 'KUBE-SVC-NTYB37XIWATNM25Y', 'KUBE-SVC-TCOU7JCQXEZGVUNU'].sort());
    });
  });
}

/** Highlights, workspace symbols, folding and the reference-count lenses. */
export function moreNavigationTests(): void {
  describe('document highlight', () => {
    before(async function () { await requireCapability(this, 'documentHighlightProvider', 'Document highlight (issue 3)'); });

    it('KUBE-MARK-MASQ lights up at its declaration and all six jumps', async () => {
      const doc = await open('heketi-nat.iptables-save');
      const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>(
        'vscode.executeDocumentHighlights', doc.uri, at(doc, 30, 'KUBE-MARK-MASQ'));
      const lines = highlights.map((h) => line1(h.range));
      for (const l of [7, 28, 30, 32, 34, 36, 38]) assert.ok(lines.includes(l), `line ${l} among ${lines.join(', ')}`);
      for (const h of highlights) assert.strictEqual(textOf(doc, h.range), 'KUBE-MARK-MASQ');
    });
  });

  describe('workspace symbols', () => {
    before(async function () { await requireCapability(this, 'workspaceSymbolProvider', 'Workspace symbols (issue 3)'); });

    it(`${SVC} is found in the workspace's dumps`, async () => {
      await open('heketi-nat.iptables-save');
      const symbols = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'KUBE-SVC-7RUAH');
      const hits = symbols.filter((s) => s.name === SVC);
      assert.ok(hits.some((s) => s.location.uri.path.endsWith('/heketi-nat.iptables-save') && line1(s.location.range) === 12),
        `found at heketi-nat.iptables-save:12; got ${hits.map((s) => `${s.location.uri.path}:${line1(s.location.range)}`).join(', ')}`);
    });
  });

  describe('folding', () => {
    before(async function () { await requireCapability(this, 'foldingRangeProvider', 'Folding (issue 3)'); });

    it('the nat table folds from *nat (line 2) to its COMMIT (line 42)', async () => {
      const doc = await open('heketi-nat.iptables-save');
      const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
      const table = ranges.find((r) => r.start === 1);
      assert.ok(table, `a range starts at *nat; got ${ranges.map((r) => `${r.start + 1}-${r.end + 1}`).join(', ')}`);
      assert.ok(table.end === 41 || table.end === 40, `it ends at COMMIT (or just before): ${table.end + 1}`);
    });
  });

  describe('reference lenses', () => {
    before(async function () { await requireCapability(this, 'codeLensProvider', 'CodeLens (issue 3)'); });

    // [1-based declaration line, chain, references (jumping rules), rules of its own]
    const cases: [number, string, number, number][] = [
      [12, SVC, 1, 1],
      [7, 'KUBE-MARK-MASQ', 6, 1],
      [11, 'KUBE-SERVICES', 2, 11],
    ];
    for (const [line, chain, refs, rules] of cases) {
      it(`${chain}: ${refs} reference${refs === 1 ? '' : 's'} · ${rules} rule${rules === 1 ? '' : 's'}`, async () => {
        const doc = await open('heketi-nat.iptables-save');
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
        const titles = lenses.filter((l) => l.range.start.line === line - 1).map((l) => l.command?.title ?? '');
        const wanted = new RegExp(`\\b${refs} references?\\b.*\\b${rules} rules?\\b`);
        assert.ok(titles.some((t) => wanted.test(t)), `a lens on line ${line} says ${refs} references, ${rules} rules: ${JSON.stringify(titles)}`);
      });
    }
  });
}
