import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { Problem, Severity, Span } from '../model/types';

/** The one place model spans become LSP ranges. */
export function toRange(span: Span): Range {
  return { start: { line: span.line, character: span.start }, end: { line: span.endLine, character: span.end } };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The one place model problems become LSP diagnostics. */
export function toDiagnostic(problem: Problem): Diagnostic {
  return {
    range: toRange(problem.span),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'iptables-lens',
    message: problem.message,
    data: problem.data,
  };
}
