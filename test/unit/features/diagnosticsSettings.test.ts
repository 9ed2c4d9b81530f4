/**
 * The diagnostics settings the manifest declares are the ones the server
 * reads, with the same defaults, and malformed values are ignored.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsFrom } from '../../../server/src/features/diagnostics';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const props = manifest.contributes.configuration.properties as Record<string, { type: string; default: unknown }>;

test('package.json declares the diagnostics settings under iptablesLens.', () => {
  assert.equal(props['iptablesLens.diagnostics.disable']?.type, 'array');
  assert.equal(props['iptablesLens.diagnostics.severity']?.type, 'object');
  // The defaults change nothing, as the server's own defaults do.
  const defaults = settingsFrom({ disable: props['iptablesLens.diagnostics.disable'].default, severity: props['iptablesLens.diagnostics.severity'].default });
  assert.deepEqual(defaults, { disable: [], severity: {} });
  assert.deepEqual(settingsFrom(undefined), {});
});

test('malformed settings are dropped, well-formed ones kept', () => {
  assert.deepEqual(
    settingsFrom({ disable: ['jump-loop', 3, null], severity: { 'unreachable-rule': 'error', 'jump-loop': 'fatal', x: 1, y: 'off' } }),
    { disable: ['jump-loop'], severity: { 'unreachable-rule': 'error', y: 'off' } },
  );
});
