// The fixtures workspace the real-editor tests open: the seed example in both
// formats, a Docker dump from the corpus, a generated 3-endpoint kube-proxy
// dump, one small dump per diagnostic, and copies without a telling file name
// for first-line language detection. Built fresh in a temporary directory for
// each run, so the tests never write into the repository.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../fixtures');

const DOCKER = 'corpus/moby-docker/iptabler_golden_1_hairpin-false_internal-false_icc-false_masq-true_snat-false_gwm-nat_bindlh-true_iptables.save';

/** workspace file → fixture it copies (relative to test/fixtures or test/vscode/workspace). */
const COPIES = {
  'heketi-nat.iptables-save': 'seed/heketi-nat.save',
  'rules.v4': 'seed/heketi-nat.save',
  'heketi-nat.nvL': 'seed/heketi-nat.nvL',
  'docker.iptables-save': DOCKER,
  'first-line/saved-nat': 'seed/heketi-nat.save',
  'first-line/listing': 'seed/heketi-nat.nvL',
  'first-line/as-pasted': 'seed/heketi-nat.as-pasted.txt',
};

/** Editor settings that keep the workbench quiet and screenshots clean. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Creates the workspace in `dir` and returns it. */
export function makeWorkspace(dir) {
  mkdirSync(dir, { recursive: true });
  for (const [to, from] of Object.entries(COPIES)) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(join(fixtures, from), join(dir, to));
  }
  cpSync(join(here, 'workspace'), dir, { recursive: true });
  copyFileSync(join(here, 'workspace', 'diagnostics', 'unreferenced-chain.iptables-save'), join(dir, 'first-line', 'filter-table'));
  return dir;
}

/** Writes the user settings into a VS Code user-data directory. */
export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}
