/**
 * The chain graph webview: receives a GraphResult from the extension, lays it
 * out left to right with dagre (packet order: built-in chains first, callees
 * to the right) and draws it as SVG. Clicking a chain asks the extension to
 * reveal it; double-clicking re-centres the graph; the depth selector asks for
 * a new graph. No network, no inline styles: classes and SVG attributes only.
 */
import * as dagre from '@dagrejs/dagre';
import type { GraphNode, GraphResult } from '../../server/src/protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const canvas = document.getElementById('canvas')!;
const summary = document.getElementById('summary')!;
const depthSelect = document.getElementById('depth') as HTMLSelectElement;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function nodeLines(n: GraphNode): string[] {
  const rules = `${n.rules} rule${n.rules === 1 ? '' : 's'}`;
  const lines = [n.chain, n.builtin ? `built-in · policy ${n.policy ?? 'ACCEPT'} · ${rules}` : `${n.references} ref${n.references === 1 ? '' : 's'} · ${rules}`];
  const hidden: string[] = [];
  if (n.hiddenCallers) hidden.push(`+${n.hiddenCallers} callers`);
  if (n.hiddenCallees) hidden.push(`+${n.hiddenCallees} callees`);
  if (hidden.length) lines.push(`${hidden.join(', ')} not shown`);
  return lines;
}

/** Text widths measured in a hidden SVG so boxes fit whatever font the theme uses. */
function measurer(): { width(text: string, cls: string): number; done(): void } {
  const svg = el('svg', { class: 'measure', width: 0, height: 0 }, document.body);
  return {
    width(text: string, cls: string) {
      const t = el('text', { class: cls }, svg);
      t.textContent = text;
      const w = t.getComputedTextLength();
      t.remove();
      return w;
    },
    done() { svg.remove(); },
  };
}

const LINE = 16;
/** The smallest initial zoom: below it chain names are unreadable, so the view pans instead. */
const MIN_SCALE = 0.7;
const PAD_X = 10;
const PAD_Y = 8;

let view = { x: 0, y: 0, w: 100, h: 100 };
let svgRoot: SVGSVGElement | null = null;

function applyView(): void {
  svgRoot?.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
}

function draw(graph: GraphResult, title: string): void {
  canvas.textContent = '';
  const omitted = graph.omitted ? ` · ${graph.omitted} neighbouring chain${graph.omitted === 1 ? '' : 's'} not shown` : '';
  summary.textContent = `${title} · ${graph.nodes.length} chain${graph.nodes.length === 1 ? '' : 's'}${omitted}`;
  if (!graph.nodes.length) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No chain here: put the cursor on a chain name or inside a table.';
    canvas.appendChild(p);
    return;
  }
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const m = measurer();
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    byId.set(n.id, n);
    const lines = nodeLines(n);
    const width = Math.max(...lines.map((l, i) => m.width(l, i === 0 ? 'name' : 'detail'))) + 2 * PAD_X;
    g.setNode(n.id, { width, height: lines.length * LINE + 2 * PAD_Y });
  }
  graph.edges.forEach((e, i) => {
    const label = e.count > 1 ? `${e.kind} ×${e.count}` : e.kind;
    g.setEdge(e.from, e.to, { label, width: m.width(label, 'edge-label') + 6, height: LINE, labelpos: 'c' }, `e${i}`);
  });
  m.done();
  dagre.layout(g);

  const size = g.graph();
  const svg = el('svg', { class: 'graph', role: 'img', 'aria-label': summary.textContent ?? '' });
  svgRoot = svg;
  canvas.appendChild(svg);
  // Fit the whole graph when it can be read that way; otherwise keep text readable
  // (scale at least MIN_SCALE) and start on the centre chain.
  const gw = Math.max(size.width ?? 100, 100);
  const gh = Math.max(size.height ?? 100, 100);
  const cw = svg.clientWidth || canvas.clientWidth || gw;
  const ch = svg.clientHeight || canvas.clientHeight || gh;
  const scale = Math.min(1, Math.max(MIN_SCALE, Math.min(cw / gw, ch / gh)));
  const w = cw / scale;
  const h = ch / scale;
  const centre = graph.nodes.find((n) => n.centre);
  const focus = centre ? g.node(centre.id) : { x: gw / 2, y: gh / 2 };
  const x = w >= gw ? (gw - w) / 2 : Math.min(Math.max(focus.x - w / 2, 0), gw - w);
  const y = h >= gh ? (gh - h) / 2 : Math.min(Math.max(focus.y - h / 2, 0), gh - h);
  view = { x, y, w, h };
  applyView();
  const defs = el('defs', {}, svg);
  for (const kind of ['jump', 'goto']) {
    const marker = el('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrow ${kind}` }, marker);
  }
  const edgeLayer = el('g', { class: 'edges' }, svg);
  graph.edges.forEach((e, i) => {
    const laid = g.edge(e.from, e.to, `e${i}`) as dagre.GraphEdge & { x?: number; y?: number; label?: string };
    const pts = laid.points;
    const d = pts.map((p, k) => `${k ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
    const path = el('path', { d, class: `edge ${e.kind}`, 'marker-end': `url(#arrow-${e.kind})` }, edgeLayer);
    const t = el('title', {}, path);
    t.textContent = `${byId.get(e.from)?.chain} → ${byId.get(e.to)?.chain}: ${laid.label}`;
    if (laid.x !== undefined && laid.y !== undefined) {
      const label = el('text', { x: laid.x, y: laid.y + 4, class: `edge-label ${e.kind}`, 'text-anchor': 'middle' }, edgeLayer);
      label.textContent = laid.label ?? e.kind;
    }
  });
  const nodeLayer = el('g', { class: 'nodes' }, svg);
  for (const n of graph.nodes) {
    const laid = g.node(n.id);
    const x = laid.x - laid.width / 2;
    const y = laid.y - laid.height / 2;
    const classes = ['node', n.builtin ? 'builtin' : 'user', n.centre ? 'centre' : '', n.line === null ? 'nowhere' : ''].filter(Boolean).join(' ');
    const group = el('g', { class: classes, tabindex: 0, role: 'button', 'aria-label': nodeLines(n).join(', ') }, nodeLayer);
    el('rect', { x, y, width: laid.width, height: laid.height, rx: n.builtin ? 2 : 6 }, group);
    nodeLines(n).forEach((line, i) => {
      const t = el('text', { x: x + PAD_X, y: y + PAD_Y + (i + 1) * LINE - 4, class: i === 0 ? 'name' : 'detail' }, group);
      t.textContent = line;
    });
    if (n.line !== null) {
      const line = n.line;
      group.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line, chain: n.chain }));
      group.addEventListener('dblclick', () => vscode.postMessage({ type: 'recentre', line, chain: n.chain }));
      group.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') vscode.postMessage({ type: ev.shiftKey ? 'recentre' : 'reveal', line, chain: n.chain });
      });
    }
  }
}

// Pan with the mouse, zoom with the wheel, both by moving the viewBox.
let drag: { x: number; y: number; vx: number; vy: number } | null = null;
canvas.addEventListener('mousedown', (ev) => {
  if ((ev.target as Element).closest('.node')) return;
  drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
});
window.addEventListener('mouseup', () => { drag = null; });
window.addEventListener('mousemove', (ev) => {
  if (!drag || !svgRoot) return;
  const scale = view.w / svgRoot.clientWidth;
  view.x = drag.vx - (ev.clientX - drag.x) * scale;
  view.y = drag.vy - (ev.clientY - drag.y) * scale;
  applyView();
});
canvas.addEventListener('wheel', (ev) => {
  if (!svgRoot) return;
  ev.preventDefault();
  const factor = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
  const rect = svgRoot.getBoundingClientRect();
  const fx = (ev.clientX - rect.left) / rect.width;
  const fy = (ev.clientY - rect.top) / rect.height;
  const w = view.w * factor;
  const h = view.h * factor;
  view = { x: view.x + (view.w - w) * fx, y: view.y + (view.h - h) * fy, w, h };
  applyView();
}, { passive: false });

depthSelect.addEventListener('change', () => vscode.postMessage({ type: 'depth', depth: Number(depthSelect.value) }));

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type: 'graph'; graph: GraphResult; title: string; depth: number } | { type: 'error'; message: string };
  if (m.type === 'graph') {
    depthSelect.value = String(m.depth);
    draw(m.graph, m.title);
  } else if (m.type === 'error') {
    summary.textContent = `Could not draw the graph: ${m.message}`;
  }
});

vscode.postMessage({ type: 'ready' });
