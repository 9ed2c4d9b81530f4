/**
 * The editor side of the inline trace: one decoration type per kind of step,
 * coloured from the theme colours the manifest contributes (each defaults to
 * an editor colour, so light, dark and high-contrast themes all have one),
 * with the step number and a ✓ ✗ ? marker as text so nothing rests on
 * colour alone. The text itself comes from `decorationText.ts`.
 */
import {
  DecorationRangeBehavior, MarkdownString, OverviewRulerLane, Range, ThemeColor, window,
  type DecorationOptions, type Disposable, type TextEditor, type TextEditorDecorationType,
} from 'vscode';
import type { LineDecoration, StepKind } from './decorationText';
import { CURRENT_STEP_COLOURS, KIND_COLOURS } from './traceColors';

function kindType(kind: StepKind): TextEditorDecorationType {
  const colours = KIND_COLOURS[kind];
  const fg = new ThemeColor(colours.foreground);
  const strong = colours.background !== undefined;
  return window.createTextEditorDecorationType({
    isWholeLine: true,
    rangeBehavior: DecorationRangeBehavior.ClosedClosed,
    backgroundColor: colours.background ? new ThemeColor(colours.background) : undefined,
    // Only high-contrast themes give the frame a visible colour: there it replaces the tint.
    outlineColor: colours.border ? new ThemeColor(colours.border) : undefined,
    outlineStyle: colours.border ? 'solid' : undefined,
    outlineWidth: colours.border ? '1px' : undefined,
    overviewRulerColor: strong ? fg : undefined,
    overviewRulerLane: OverviewRulerLane.Left,
    before: { color: fg, margin: '0 1ch 0 0', fontWeight: strong ? 'bold' : 'normal' },
    after: { color: fg, margin: '0 0 0 3ch', fontStyle: 'italic' },
  });
}

/** The decoration types, created once and disposed with the extension. */
export class TraceDecorations implements Disposable {
  private readonly types: Record<StepKind, TextEditorDecorationType> = {
    match: kindType('match'),
    noMatch: kindType('noMatch'),
    maybe: kindType('maybe'),
    policy: kindType('policy'),
    info: kindType('info'),
  };
  private readonly current = window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new ThemeColor(CURRENT_STEP_COLOURS.background),
    borderColor: new ThemeColor(CURRENT_STEP_COLOURS.border),
    borderStyle: 'solid',
    borderWidth: '1px',
  });

  /** Puts one branch's line decorations (and the highlighted step's lines, if any) on an editor, replacing what was there. */
  apply(editor: TextEditor, lines: readonly LineDecoration[], current: { line: number | null; lastLine: number | null } | undefined): void {
    const byKind: Record<StepKind, DecorationOptions[]> = { match: [], noMatch: [], maybe: [], policy: [], info: [] };
    const count = editor.document.lineCount;
    for (const d of lines) {
      if (d.line >= count) continue;
      const text = editor.document.lineAt(d.line);
      byKind[d.kind].push({
        range: new Range(d.line, 0, d.line, text.range.end.character),
        hoverMessage: new MarkdownString().appendText(d.hover),
        renderOptions: { before: { contentText: d.before }, after: d.after ? { contentText: d.after } : undefined },
      });
    }
    for (const kind of Object.keys(byKind) as StepKind[]) editor.setDecorations(this.types[kind], byKind[kind]);
    const first = current?.line ?? null;
    const last = Math.min(current?.lastLine ?? first ?? 0, count - 1);
    editor.setDecorations(this.current, first !== null && first < count ? [new Range(first, 0, last, 0)] : []);
  }

  clear(editor: TextEditor): void {
    for (const type of Object.values(this.types)) editor.setDecorations(type, []);
    editor.setDecorations(this.current, []);
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
    this.current.dispose();
  }
}
