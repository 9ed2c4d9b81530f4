/**
 * The Trace tree view: shows the nodes `traceTree.ts` builds, one TreeItem
 * each. Clicking a branch shows its decorations in the editor; clicking a
 * step reveals and highlights its line.
 */
import {
  EventEmitter, ThemeColor, ThemeIcon, TreeItem, TreeItemCollapsibleState,
  type Event, type TreeDataProvider,
} from 'vscode';
import { parentId, type TraceNode } from './traceTree';

export const TRACE_VIEW_ID = 'iptablesLens.trace';
export const SELECT_BRANCH_COMMAND = 'iptables._traceSelectBranch';
export const REVEAL_STEP_COMMAND = 'iptables._traceRevealStep';

function icon(node: TraceNode): ThemeIcon | undefined {
  const tinted = (id: string, colour: string) => new ThemeIcon(id, new ThemeColor(colour));
  switch (node.kind) {
    case 'packet': return new ThemeIcon('mail');
    case 'field': return new ThemeIcon('symbol-field');
    case 'final': return new ThemeIcon('arrow-right');
    case 'route': return new ThemeIcon('git-compare');
    case 'assumption': return tinted('question', 'iptablesLens.trace.maybeForeground');
    case 'error': return tinted('error', 'errorForeground');
    case 'hook': return new ThemeIcon('symbol-event');
    case 'table': return new ThemeIcon('table');
    case 'omitted': return new ThemeIcon('ellipsis');
    case 'branch': {
      const verdict = node.label.split(' ').pop();
      if (verdict === 'ACCEPT') return tinted(node.selected ? 'pass-filled' : 'pass', 'iptablesLens.trace.matchForeground');
      if (verdict === 'DROP' || verdict === 'REJECT') return tinted(node.selected ? 'error' : 'circle-slash', 'errorForeground');
      return new ThemeIcon(node.selected ? 'circle-filled' : 'circle-outline');
    }
    case 'step': {
      const marker = /^\d+(.)/u.exec(node.label)?.[1];
      if (marker === '✓') return tinted('pass', 'iptablesLens.trace.matchForeground');
      if (marker === '✗') return tinted('circle-slash', 'iptablesLens.trace.noMatchForeground');
      if (marker === '?') return tinted('question', 'iptablesLens.trace.maybeForeground');
      if (marker === '⚑') return tinted('debug-breakpoint-log', 'iptablesLens.trace.policyForeground');
      return new ThemeIcon('debug-stackframe-dot');
    }
  }
}

export class TraceTreeProvider implements TreeDataProvider<TraceNode> {
  private roots: TraceNode[] = [];
  private byId = new Map<string, TraceNode>();
  private readonly changed = new EventEmitter<void>();
  readonly onDidChangeTreeData: Event<void> = this.changed.event;

  set(roots: TraceNode[]): void {
    this.roots = roots;
    this.byId.clear();
    const stack = [...roots];
    while (stack.length) {
      const n = stack.pop()!;
      this.byId.set(n.id, n);
      if (n.children) stack.push(...n.children);
    }
    this.changed.fire();
  }

  get(id: string): TraceNode | undefined {
    return this.byId.get(id);
  }

  getChildren(node?: TraceNode): TraceNode[] {
    return node ? node.children ?? [] : this.roots;
  }

  getParent(node: TraceNode): TraceNode | undefined {
    const id = parentId(node.id);
    return id === undefined ? undefined : this.byId.get(id);
  }

  getTreeItem(node: TraceNode): TreeItem {
    const state = !node.children?.length
      ? TreeItemCollapsibleState.None
      : node.expanded ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.Collapsed;
    const item = new TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = icon(node);
    item.contextValue = `iptablesTrace.${node.kind}`;
    if (node.kind === 'branch' && node.branch !== undefined) {
      item.command = { title: 'Show this branch in the editor', command: SELECT_BRANCH_COMMAND, arguments: [node.branch] };
    } else if (node.kind === 'step' && node.branch !== undefined && node.step !== undefined) {
      item.command = { title: 'Reveal this step', command: REVEAL_STEP_COMMAND, arguments: [node.branch, node.step] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
