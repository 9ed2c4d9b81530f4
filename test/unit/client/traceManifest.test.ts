import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { TRACE_COLOUR_IDS } from '../../../client/src/trace/traceColors';

interface Colour { id: string; description: string; defaults: Record<string, string | null> }
interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string; name: string }[]>;
    colors: Colour[];
  };
}

const manifest: Manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
const source = (f: string) => readFileSync(join(__dirname, '../../../client/src/trace', f), 'utf8');

test('every trace colour the client paints with is contributed, with colour values VS Code accepts', () => {
  const byId = new Map(manifest.contributes.colors.map((c) => [c.id, c]));
  for (const id of TRACE_COLOUR_IDS) {
    const colour = byId.get(id);
    assert.ok(colour, `${id} is not in contributes.colors`);
    // VS Code drops a contributed colour whose light or dark default is not a string.
    assert.equal(typeof colour.defaults.light, 'string', `${id} light`);
    assert.equal(typeof colour.defaults.dark, 'string', `${id} dark`);
    assert.ok('highContrast' in colour.defaults && 'highContrastLight' in colour.defaults, `${id} says what high-contrast themes get`);
    assert.ok(colour.description.length > 10, `${id} has a description`);
  }
  // The tree view tints its icons with a few of them too.
  for (const id of source('traceView.ts').match(/iptablesLens\.trace\.\w+/g) ?? []) assert.ok(byId.has(id), `${id} (traceView.ts)`);
});

test('high-contrast themes see every step kind: a frame or a foreground that is not transparent', () => {
  const byId = new Map(manifest.contributes.colors.map((c) => [c.id, c]));
  for (const id of TRACE_COLOUR_IDS.filter((i) => /Foreground$/.test(i))) {
    assert.ok(byId.get(id)!.defaults.highContrast, `${id} has a high-contrast value`);
  }
  assert.equal(byId.get('iptablesLens.trace.border')!.defaults.highContrast, 'contrastActiveBorder');
});

test('the three trace commands sit under the iptables category, in the palette and editor menu for dumps only', () => {
  const ids = ['iptables.tracePacket', 'iptables.clearTrace', 'iptables.rerunTrace'];
  const commands = manifest.contributes.commands.filter((c) => ids.includes(c.command));
  assert.deepEqual(commands.map((c) => [c.command, c.category, c.title]), [
    ['iptables.tracePacket', 'iptables', 'Trace Packet…'],
    ['iptables.clearTrace', 'iptables', 'Clear Trace'],
    ['iptables.rerunTrace', 'iptables', 'Re-run Trace'],
  ]);
  const palette = manifest.contributes.menus.commandPalette.filter((m) => ids.includes(m.command));
  assert.equal(palette.length, 3);
  for (const m of palette) assert.match(m.when ?? '', /editorLangId =~ \/\^iptables-\//);
  const context = manifest.contributes.menus['editor/context'].find((m) => m.command === 'iptables.tracePacket');
  assert.match(context?.when ?? '', /editorLangId =~ \/\^iptables-\//);
  // The view the client registers is the one the manifest declares.
  const viewId = /TRACE_VIEW_ID = '([^']+)'/.exec(source('traceView.ts'))![1];
  assert.ok(Object.values(manifest.contributes.views).flat().some((v) => v.id === viewId && v.name === 'Trace'));
  // Commands the client registers under those ids.
  for (const id of ids) assert.ok(source('registerTrace.ts').includes(`'${id}'`), id);
});
