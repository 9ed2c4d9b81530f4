// `npm run test:vscode`: the extension in a real VS Code, offline.
//
// 1. Prepares (or reuses from ~/.cache/iptables-lens) code-server on Node 24,
//    both from the npm registry (scripts/vscode/setup-code-server.sh).
// 2. Packages the extension (`npm run package` → .vsix) and installs it into a
//    fresh extensions directory, beside the companion test extension.
// 3. Starts code-server on 127.0.0.1 with a temporary workspace of fixtures and
//    opens it in Debian's Chromium through playwright-core. The companion runs
//    the Mocha suite inside the extension host and writes its results.
// 4. Checks what a person sees in the page (language in the status bar, the
//    hover widget, the Problems panel), saving screenshots under test-results/.
// 5. Prints every outcome and "N passed, M failed, K skipped"; exits 1 on any
//    failure.
//
// Options: --no-package (reuse the existing .vsix), --keep (leave the temp
// directory and print it), --update-images (copy the screenshots of passing
// checks into images/ for the README), --headed (needs a display).
import { spawn, spawnSync } from 'child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { chromium } from 'playwright-core';
import { buildSuite } from './build.mjs';
import { makeWorkspace, writeUserSettings } from './workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = new Set(process.argv.slice(2));
const resultsDir = join(root, 'test-results');
const started = Date.now();

/** Deadlines for a broken run; a passing run never waits for them. */
const SUITE_DEADLINE_MS = Number(process.env.IPTABLES_LENS_SUITE_DEADLINE_S || 300) * 1000;
const UI_DEADLINE_MS = 30 * 1000;

const log = (msg) => console.log(`[test:vscode +${Math.round((Date.now() - started) / 1000)}s] ${msg}`);

function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status ?? r.signal}${r.stdout ? `\n${r.stdout}` : ''}`);
  return r.stdout ?? '';
}

function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

/** Resolves when `check()` is truthy, polling; the deadline only ends a broken run. */
async function until(what, check, deadlineMs, alive = () => true) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (!alive()) throw new Error(`gave up waiting for ${what}: code-server exited`);
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${deadlineMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------
// Preparation

log('preparing code-server (cached outside the repository)');
const codeServer = run('bash', [join(root, 'scripts/vscode/setup-code-server.sh')]).trim().split('\n').pop();
const cacheDir = dirname(codeServer);

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${manifest.name}-${manifest.version}.vsix`);
if (!args.has('--no-package') || !existsSync(vsix)) {
  log('npm run package');
  run('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
log(`${vsix.slice(root.length + 1)}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB`);

const tmp = mkdtempSync(join(tmpdir(), 'iptables-lens-vscode-'));
const workspace = makeWorkspace(join(tmp, 'workspace'));
const extensionsDir = join(tmp, 'extensions');
const userDataDir = join(tmp, 'user-data');
const resultsFile = join(tmp, 'results', 'suite.json');
writeUserSettings(userDataDir);
mkdirSync(resultsDir, { recursive: true });

const env = {
  ...process.env,
  // code-server writes a config file on start: keep it out of the home directory.
  XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
  XDG_DATA_HOME: join(tmp, 'xdg-data'),
  IPTABLES_LENS_TEST_OUT: resultsFile,
};
const csArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

log('installing the .vsix into a fresh extensions directory');
run(codeServer, [...csArgs, '--install-extension', vsix], { env });
// The companion goes in through a .vsix too: an unpacked copy that the
// install registry (extensions.json) does not list is treated as removed.
const { companion } = await buildSuite(join(tmp, 'suite-build'));
const companionVsix = join(tmp, 'companion.vsix');
run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', companionVsix], { cwd: companion });
run(codeServer, [...csArgs, '--install-extension', companionVsix], { env });
const installed = readdirSync(extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
log(`extensions: ${installed.join(', ')}`);
if (!installed.some((d) => d.startsWith(`${manifest.publisher}.${manifest.name}-${manifest.version}`))) {
  throw new Error(`the .vsix did not install: ${installed.join(', ')}`);
}

// ---------------------------------------------------------------------------
// Run

const port = await freePort();
const serverLog = [];
const server = spawn(codeServer, [
  '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', ...csArgs, workspace,
], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let serverExited = false;
server.on('exit', () => { serverExited = true; });
for (const stream of [server.stdout, server.stderr]) stream.on('data', (d) => serverLog.push(String(d)));

const outcomes = [];
let browser;
let suite;
try {
  await until('code-server to listen', () => serverLog.join('').includes('HTTP server listening'), 60000, () => !serverExited);
  log(`code-server ${run(codeServer, ['--version'], { env }).split('\n').find((l) => /^\d/.test(l)) ?? ''} on 127.0.0.1:${port}`);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: !args.has('--headed'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  // launch() uses a fresh temporary profile (user-data-dir) that it deletes on close.
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);

  log('waiting for the suite inside the extension host');
  try {
    await until('the suite results', () => existsSync(resultsFile), SUITE_DEADLINE_MS, () => !serverExited);
  } catch (e) {
    // Report what the suite got through, and where it stopped.
    const partial = existsSync(`${resultsFile}.partial`) ? JSON.parse(readFileSync(`${resultsFile}.partial`, 'utf8')) : null;
    for (const t of partial?.tests ?? []) outcomes.push({ ...t, title: `[extension host] ${t.title}` });
    throw new Error(`${e instanceof Error ? e.message : e}${partial?.running ? `; it was running: ${partial.running}` : ''}`);
  }
  suite = JSON.parse(readFileSync(resultsFile, 'utf8'));
  cpSync(resultsFile.replace(/\.json$/, '.txt'), join(resultsDir, 'vscode-suite.txt'));
  cpSync(resultsFile, join(resultsDir, 'vscode-suite.json'));
  log(`suite ran in VS Code ${suite.vscodeVersion}`);
  for (const t of suite.tests) outcomes.push({ ...t, title: `[extension host] ${t.title}` });

  const { uiChecks } = await import('./ui.mjs');
  for (const check of uiChecks) {
    const title = `[workbench] ${check.title}`;
    const skipReason = check.skipIf?.({ suite, manifest });
    if (skipReason) { outcomes.push({ title, state: 'skipped', reason: skipReason }); continue; }
    try {
      await check.run({ page, suite, manifest, workspace, resultsDir, deadline: UI_DEADLINE_MS });
      outcomes.push({ title, state: 'passed' });
    } catch (e) {
      outcomes.push({ title, state: 'failed', reason: e instanceof Error ? e.message : String(e) });
      await page.screenshot({ path: join(resultsDir, `failed-${check.id}.png`) }).catch(() => {});
    }
  }
  if (args.has('--update-images')) {
    mkdirSync(join(root, 'images'), { recursive: true });
    for (const check of uiChecks) {
      const shot = join(resultsDir, `${check.id}.png`);
      const passed = outcomes.some((o) => o.title === `[workbench] ${check.title}` && o.state === 'passed');
      if (check.readmeImage && passed && existsSync(shot)) {
        copyFileSync(shot, join(root, 'images', check.readmeImage));
        log(`images/${check.readmeImage} updated`);
      }
    }
  }
} catch (e) {
  outcomes.push({ title: 'the real-editor run', state: 'failed', reason: e instanceof Error ? e.message : String(e) });
  const logs = join(userDataDir, 'logs');
  console.error(`code-server output:\n${serverLog.join('').split('\n').slice(-40).join('\n')}`);
  if (existsSync(logs)) console.error(`editor logs (exthost.log and friends) under ${logs}`);
} finally {
  await browser?.close().catch(() => {});
  if (!serverExited) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  if (!args.has('--keep') && !outcomes.some((o) => o.state === 'failed')) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp} for inspection`);
}

// ---------------------------------------------------------------------------
// Report

const mark = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' };
console.log('');
for (const o of outcomes) {
  console.log(`${mark[o.state]} ${o.title}`);
  if (o.state !== 'passed' && o.reason) console.log(`       ${o.reason.split('\n').slice(0, 12).join('\n       ')}`);
}
const count = (s) => outcomes.filter((o) => o.state === s).length;
console.log('');
console.log(`test:vscode took ${Math.round((Date.now() - started) / 1000)}s; code-server cache: ${cacheDir}`);
console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
process.exit(count('failed') > 0 || count('passed') === 0 ? 1 : 0);
