/**
 * The chain graph webview script (dist/graph.js) in a real browser: served
 * under the same content security policy the extension sets, fed a graph of
 * the seed, it must draw one box per chain and one path per edge, report no
 * CSP violation, and post `reveal` / `recentre` / `depth` messages back.
 * Skipped (visibly) when the bundle or Chromium is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Analysis } from '../../../server/src/model/analysis';
import { graphAt } from '../../../server/src/features/graph';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'dist', 'graph.js');
const CSS = join(ROOT, 'media', 'graph', 'graph.css');
const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'https://webview.test';

test('graph webview draws the seed neighbourhood under a strict CSP and talks back', async (t) => {
  if (!existsSync(BUNDLE)) return t.skip('dist/graph.js is not built (run npm run build)');
  if (!existsSync(CHROMIUM)) return t.skip('no Chromium at /usr/bin/chromium');
  const { chromium } = await import('playwright-core');
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'seed', 'heketi-nat.save'), 'utf8');
  const line = text.split('\n').findIndex((l) => l.startsWith(':KUBE-SVC-7RUAH544RSSBQYKK'));
  const graph = graphAt(Analysis.of(text, 'iptables-save'), line, 3, 2);
  assert.ok(graph.nodes.length >= 4);

  const nonce = 'TESTNONCE0123456789';
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${ORIGIN};">
<link rel="stylesheet" href="${ORIGIN}/graph.css"></head><body>
<header><select id="depth"><option value="1">1</option><option value="2">2</option><option value="3">3</option></select><span id="summary"></span></header>
<main id="canvas"></main>
<script nonce="${nonce}" src="${ORIGIN}/graph.js"></script></body></html>`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    // Everything is served from memory; any other request is refused.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `${ORIGIN}/`) return route.fulfill({ contentType: 'text/html', body: html });
      if (url === `${ORIGIN}/graph.js`) return route.fulfill({ contentType: 'text/javascript', body: readFileSync(BUNDLE, 'utf8') });
      if (url === `${ORIGIN}/graph.css`) return route.fulfill({ contentType: 'text/css', body: readFileSync(CSS, 'utf8') });
      return route.abort();
    });
    // A string, not a function: the test's TypeScript transform would leave helper calls in a serialized function.
    await page.addInitScript(`
      window.sent = [];
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), setState() {}, getState: () => undefined });
    `);
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (globalThis as any).sent.some((m: any) => m.type === 'ready'));
    await page.evaluate((g) => (globalThis as any).postMessage({ type: 'graph', graph: g, title: 'nat · KUBE-SVC-7RUAH544RSSBQYKK', depth: 2 }, '*'), graph);
    await page.waitForSelector('svg.graph .node');

    assert.equal(await page.locator('svg.graph .node').count(), graph.nodes.length);
    assert.equal(await page.locator('svg.graph path.edge').count(), graph.edges.length);
    assert.equal(await page.locator('svg.graph .node.centre').count(), 1);
    assert.equal(await page.locator('svg.graph .node.builtin').count(), graph.nodes.filter((n) => n.builtin).length);
    assert.equal(await page.locator('svg.graph path.edge.goto').count(), graph.edges.filter((e) => e.kind === 'goto').length);
    const names = await page.locator('svg.graph .node text.name').allTextContents();
    assert.deepEqual(names.sort(), graph.nodes.map((n) => n.chain).sort());
    assert.match(await page.locator('#summary').textContent() ?? '', new RegExp(`${graph.nodes.length} chains`));
    assert.equal(await page.locator('#depth').inputValue(), '2');

    // Boxes do not overlap: dagre laid them out.
    const boxes = await page.locator('svg.graph .node rect').evaluateAll((rs) => rs.map((r) => (r as any).getBBox()).map((b) => [b.x, b.y, b.width, b.height]));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [ax, ay, aw, ah] = boxes[i];
        const [bx, by, bw, bh] = boxes[j];
        assert.ok(ax + aw <= bx || bx + bw <= ax || ay + ah <= by || by + bh <= ay, `boxes ${i} and ${j} overlap`);
      }
    }

    const target = graph.nodes.find((n) => n.chain === 'KUBE-SEP-IWORYNCAYHBSQHXU')!;
    const node = page.locator('svg.graph .node', { hasText: 'KUBE-SEP-IWORYNCAYHBSQHXU' });
    await node.click();
    await node.dblclick();
    await page.selectOption('#depth', '3');
    const sent = await page.evaluate(() => (globalThis as any).sent);
    assert.deepEqual(sent.filter((m: any) => m.type !== 'ready')[0], { type: 'reveal', line: target.line, chain: target.chain });
    assert.ok(sent.some((m: any) => m.type === 'recentre' && m.chain === target.chain));
    assert.deepEqual(sent[sent.length - 1], { type: 'depth', depth: 3 });
    assert.deepEqual(await page.evaluate(() => (globalThis as any).violations), [], 'no content security policy violation');
  } finally {
    await browser.close();
  }
});
