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
  // Click the row that names the file: Enter could still pick a row of the list before it filtered.
  const base = name.split('/').pop();
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().click({ timeout: deadline });
  await page.locator('.tabs-container .tab.active', { hasText: name.split('/').pop() }).waitFor({ timeout: deadline });
  await page.mouse.move(150, 700);
  // The editor has focus once its text area does.
  await page.locator('.editor-instance .monaco-editor textarea').first().waitFor({ state: 'attached', timeout: deadline });
}

/**
 * A clean workbench for the next check: no editors (Ctrl+K Ctrl+W), no panel,
 * the mouse resting on an empty part of the explorer so no tooltip shows.
 */
async function fresh(page, deadline) {
  await page.mouse.move(150, 700);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+W');
  // An untitled paste left open by the suite asks whether to save it: it is a test document, so no.
  const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ });
  const closed = page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: deadline });
  while (await Promise.race([closed.then(() => 'closed'), dontSave.first().waitFor({ timeout: deadline }).then(() => 'ask', () => 'closed')]) === 'ask') {
    await dontSave.first().click();
  }
  await closed;
  if (await page.locator('.part.panel').isVisible()) {
    await page.keyboard.press('Control+J');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: deadline });
  }
}

/** Moves the cursor with Go to Line/Column (Ctrl+G). */
async function goTo(page, line, column, deadline) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: deadline });
  // Ctrl+G opens Quick Open with a ':' prefix; keep it, or the text becomes a file search.
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: deadline });
  await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor({ timeout: deadline });
}

/** Runs a command from the Command Palette (F1) by its title. */
async function palette(page, title, deadline) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: deadline });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: deadline });
}

/** Texts the editor draws around lines with decorations (CSS ::before/::after content), in line order. */
async function decorationTexts(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('.editor-instance .view-lines span')) {
      for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(el, pseudo).content;
        if (content && content !== 'none' && content !== 'normal' && content !== '""') out.push(content.replace(/^"|"$/g, ''));
      }
    }
    return out;
  });
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
      await fresh(page, deadline);
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
      await fresh(page, deadline);
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
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'default/heketi' });
      // Rest the mouse on the name; if the editor was still settling (it scrolls to the column), move off and back.
      let shown = false;
      for (let attempt = 0; attempt < 3 && !shown; attempt++) {
        await page.mouse.move(150, 700);
        const now = await cursor.boundingBox();
        await page.mouse.move((now ?? box).x + 2, (now ?? box).y + (now ?? box).height / 2, { steps: 4 });
        shown = await hover.first().waitFor({ state: 'visible', timeout: deadline / 4 }).then(() => true, () => false);
      }
      if (!shown) {
        // The keyboard route to the same widget (Show or Focus Hover), so the check still reads what a person would.
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await hover.first().waitFor({ state: 'visible', timeout: deadline });
      }
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
    skipIf: ({ suite }) => (Object.keys(passedCodes(suite)).length ? undefined
      : skippedInSuite(suite, 'diagnostics diagnostics/') ?? 'no diagnostic test passed in the extension host'),
    async run({ page, suite, resultsDir, deadline }) {
      const codes = passedCodes(suite);
      await fresh(page, deadline);
      // Open each broken dump, as a person would; closed files have no diagnostics.
      for (const file of new Set(Object.values(codes))) await quickOpen(page, file, deadline);
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: deadline });
      // The list is virtual (only rows on screen exist): filter it down to each code in turn.
      const filter = panel.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
      const header = page.locator('.pane-body.markers-panel, .markers-panel').first();
      await header.waitFor({ timeout: deadline });
      const filterBox = (await filter.count()) ? filter : page.locator('.viewpane-filter input').first();
      for (const code of Object.keys(codes)) {
        await filterBox.fill(code);
        await panel.locator('.monaco-list-row', { hasText: code }).first().waitFor({ timeout: deadline })
          .catch(() => { throw new Error(`the Problems panel shows no ${code} entry`); });
      }
      await filterBox.fill('**/diagnostics/**');
      await page.screenshot({ path: join(resultsDir, 'diagnostics.png') });
    },
  },
  {
    id: 'trace',
    title: 'Trace Packet… from the Command Palette decorates the path and fills the Trace view',
    readmeImage: 'trace.png',
    skipIf: ({ suite }) => skippedInSuite(suite, 'packet trace'),
    async run({ page, resultsDir, deadline }) {
      await fresh(page, deadline);
      await quickOpen(page, 'heketi-nat.iptables-save', deadline);
      await goTo(page, 30, 1, deadline);
      await palette(page, 'iptables: Trace Packet', deadline);
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: deadline });
      await input.fill('tcp 10.1.2.3:40000 -> 10.96.125.27:8080 in eth0');
      await page.keyboard.press('Enter');
      // A person may land in the pick list or the input box; accept until the box closes.
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: deadline }).catch(async () => {
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: deadline });
      });
      const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Trace/i }) });
      await view.locator('.monaco-list-row', { hasText: /Branch 1/ }).first().waitFor({ timeout: deadline })
        .catch(() => { throw new Error('the Trace view shows no "Branch 1" row'); });
      let texts = [];
      const end = Date.now() + deadline;
      while (!texts.some((t) => t.includes('10.254.20.8:8080')) && Date.now() < end) {
        await page.waitForTimeout(200);
        texts = await decorationTexts(page);
      }
      if (!texts.some((t) => t.includes('KUBE-SVC-7RUAH544RSSBQYKK'))) {
        throw new Error(`no decoration names the jump to KUBE-SVC-7RUAH544RSSBQYKK; drawn: ${texts.slice(0, 20).join(' | ')}`);
      }
      await page.screenshot({ path: join(resultsDir, 'trace.png') });
    },
  },
  {
    id: 'graph',
    title: 'Show Chain Graph draws the chains around KUBE-SVC-7RUAH544RSSBQYKK in a webview',
    readmeImage: 'graph.png',
    skipIf: ({ manifest }) => ((manifest.contributes?.commands ?? []).some((c) => c.command === 'iptables.showChainGraph')
      ? undefined : 'the chain graph view has not landed (issue 3): no iptables.showChainGraph command'),
    async run({ page, manifest, resultsDir, deadline }) {
      await fresh(page, deadline);
      // A bare editor beside the graph: no trace decorations, no side bar.
      if ((manifest.contributes?.commands ?? []).some((c) => c.command === 'iptables.clearTrace')) await palette(page, 'iptables: Clear Trace', deadline);
      if (await page.locator('.part.sidebar').isVisible()) {
        await page.keyboard.press('Control+B');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: deadline });
      }
      await quickOpen(page, 'heketi-nat.iptables-save', deadline);
      await goTo(page, 12, 5, deadline);
      await palette(page, 'iptables: Show Chain Graph', deadline);
      // The webview's page lives in nested iframes; find the frame that drew the chain.
      const end = Date.now() + deadline;
      let found;
      while (!found && Date.now() < end) {
        for (const frame of page.frames()) {
          const hit = await frame.locator('svg text', { hasText: SVC }).count().catch(() => 0);
          if (hit) { found = frame; break; }
        }
        if (!found) await page.waitForTimeout(250);
      }
      if (!found) throw new Error(`no webview draws ${SVC}`);
      for (const chain of ['KUBE-SERVICES', 'KUBE-SEP-IWORYNCAYHBSQHXU']) {
        if (!(await found.locator('svg text', { hasText: chain }).count())) throw new Error(`the graph does not show ${chain}`);
      }
      // The view opens at a readable zoom and pans; zoom out three wheel notches so the picture shows the neighbourhood.
      const box = await (await found.frameElement()).boundingBox();
      const svg = found.locator('svg').first();
      if (box && await svg.count()) {
        const before = await svg.getAttribute('viewBox');
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 120);
        await found.waitForFunction((b) => document.querySelector('svg')?.getAttribute('viewBox') !== b, before, { timeout: deadline }).catch(() => {});
        await page.mouse.move(box.x + box.width - 5, box.y + box.height - 5);
      }
      await page.screenshot({ path: join(resultsDir, 'graph.png') });
      await page.keyboard.press('Control+B');
    },
  },
];

/**
 * Error codes whose extension-host test passed ("diagnostics <file>: <code> on
 * line … (error)"). Only errors: hints never reach the Problems panel.
 */
function passedCodes(suite) {
  /** code → the workspace file its test used */
  const codes = {};
  for (const t of suite.tests) {
    const m = /^diagnostics (diagnostics\/\S+): (\S+) on line .*\(error\)$/.exec(t.title);
    if (m && t.state === 'passed' && !codes[m[2]]) codes[m[2]] = m[1];
  }
  return codes;
}
