// What a person sees in the workbench, checked with playwright-core after the
// extension-host suite has run. Each check is skipped, with the suite's own
// reason, when the feature it looks at has not landed (its suite tests were
// skipped). Screenshots go to test-results/<id>.png.
import { join } from 'path';

const SVC = 'KUBE-SVC-7RUAH544RSSBQYKK';

/** The first skip reason among suite tests whose title starts with `prefix`, when none of them passed. */
function skippedInSuite(suite, prefix) {
  const tests = suite.tests.filter((t) => t.title.startsWith(prefix));
  if (tests.length === 0) return `the suite has no "${prefix}" tests`;
  if (tests.some((t) => t.state !== 'skipped')) return undefined;
  return tests[0].reason;
}

/** Opens a workspace file through Quick Open (Ctrl+P), as a person would. */
async function quickOpen(page, name, deadline) {
  await page.locator('.monaco-workbench').waitFor({ timeout: deadline });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: deadline });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name.split('/').pop() }).first().waitFor({ timeout: deadline });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name.split('/').pop() }).waitFor({ timeout: deadline });
  // The editor has focus once its text area does.
  await page.locator('.editor-instance .monaco-editor textarea').first().waitFor({ state: 'attached', timeout: deadline });
}

/** Moves the cursor with Go to Line/Column (Ctrl+G). */
async function goTo(page, line, column, deadline) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: deadline });
  await input.fill(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor').first().locator('.current-line').first().waitFor({ timeout: deadline });
}

/** The language name the status bar shows for a language id (its first alias). */
function languageName(manifest, id) {
  const language = (manifest.contributes?.languages ?? []).find((l) => l.id === id);
  return language?.aliases?.[0] ?? id;
}

export const uiChecks = [
  {
    id: 'language',
    title: 'heketi-nat.iptables-save opens with our language in the status bar',
    skipIf: ({ manifest }) => ((manifest.contributes?.languages ?? []).some((l) => l.id === 'iptables-save')
      ? undefined : 'the iptables-save language is not contributed yet'),
    async run({ page, manifest, resultsDir, deadline }) {
      await quickOpen(page, 'heketi-nat.iptables-save', deadline);
      const mode = page.locator('[id="status.editor.mode"]');
      const name = languageName(manifest, 'iptables-save');
      await mode.filter({ hasText: name }).waitFor({ timeout: deadline });
      await page.screenshot({ path: join(resultsDir, 'language.png') });
    },
  },
  {
    id: 'hover',
    title: `hovering ${SVC} on line 35 shows the Service and its endpoint`,
    readmeImage: 'hover.png',
    skipIf: ({ suite }) => skippedInSuite(suite, 'hover'),
    async run({ page, resultsDir, deadline }) {
      await quickOpen(page, 'heketi-nat.iptables-save', deadline);
      // Put the cursor in the middle of the -j target on line 35, then rest the mouse on it.
      await goTo(page, 35, 100, deadline);
      await page.keyboard.press('End');
      const lineText = await page.locator('.view-lines .view-line', { hasText: `-j ${SVC}` }).first().innerText();
      const column = lineText.replace(/\u00a0/g, ' ').lastIndexOf(SVC) + 1 + Math.floor(SVC.length / 2);
      await goTo(page, 35, column, deadline);
      const cursor = page.locator('.editor-instance .cursors-layer .cursor').first();
      const box = await cursor.boundingBox();
      if (!box) throw new Error('no editor cursor on screen');
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'default/heketi' });
      await hover.first().waitFor({ state: 'visible', timeout: deadline });
      const text = await hover.first().innerText();
      for (const wanted of ['default/heketi', '10.254.20.8']) {
        if (!text.includes(wanted)) throw new Error(`the hover widget does not mention ${wanted}:\n${text}`);
      }
      await page.screenshot({ path: join(resultsDir, 'hover.png') });
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    },
  },
  {
    id: 'diagnostics',
    title: 'the Problems panel lists the diagnostics of the broken dumps',
    readmeImage: 'diagnostics.png',
    skipIf: ({ suite }) => (passedCodes(suite).length ? undefined
      : skippedInSuite(suite, 'diagnostics diagnostics/') ?? 'no diagnostic test passed in the extension host'),
    async run({ page, suite, resultsDir, deadline }) {
      const codes = passedCodes(suite);
      await quickOpen(page, codes.includes('undefined-chain') ? 'diagnostics/undefined-chain.iptables-save' : 'diagnostics/missing-commit.iptables-save', deadline);
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: deadline });
      for (const code of codes) {
        await panel.locator('.monaco-list-row', { hasText: code }).first().waitFor({ timeout: deadline })
          .catch(() => { throw new Error(`the Problems panel shows no ${code} entry`); });
      }
      await page.screenshot({ path: join(resultsDir, 'diagnostics.png') });
    },
  },
];

/** Diagnostic codes whose extension-host test passed ("diagnostics <file>: <code> on line …"). */
function passedCodes(suite) {
  const codes = new Set();
  for (const t of suite.tests) {
    const m = /^diagnostics diagnostics\/\S+: (\S+) on line/.exec(t.title);
    if (m && t.state === 'passed') codes.add(m[1]);
  }
  return [...codes];
}
