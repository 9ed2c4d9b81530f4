// `npm run test:electron`: the same extension-host Mocha suite as
// `npm run test:vscode`, run by @vscode/test-electron in desktop VS Code.
// For machines that can download VS Code (or have it: set VSCODE_EXECUTABLE
// to a `code` binary to skip the download). Without network access it stops
// with a clear message instead of hanging.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { spawnSync } from 'child_process';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from './build.mjs';
import { makeWorkspace, writeUserSettings } from './workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
/** Idle timeout for each download request; a dead network fails fast. */
const DOWNLOAD_TIMEOUT_MS = 15000;

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { electronIndex } = await buildSuite();

const tmp = mkdtempSync(join(tmpdir(), 'iptables-lens-electron-'));
const workspace = makeWorkspace(join(tmp, 'workspace'));
const userDataDir = join(tmp, 'user-data');
writeUserSettings(userDataDir);
const resultsFile = join(root, 'test-results', 'electron-suite.json');

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    version: process.env.VSCODE_VERSION || 'stable',
    timeout: DOWNLOAD_TIMEOUT_MS,
    extensionDevelopmentPath: root,
    extensionTestsPath: electronIndex,
    extensionTestsEnv: { IPTABLES_LENS_TEST_OUT: resultsFile },
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|timeout|timed out|getaddrinfo|network/i.test(message);
  console.error(offline
    ? `test:electron: could not download VS Code (${message}).\n` +
      'This machine has no access to update.code.visualstudio.com. Run `npm run test:vscode` (code-server, offline),\n' +
      'or point VSCODE_EXECUTABLE at an installed VS Code binary.'
    : `test:electron: ${message}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
try {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
} catch { /* the suite never ran */ }
process.exit(code === 0 ? 0 : 1);
