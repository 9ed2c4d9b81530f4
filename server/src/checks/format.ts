/**
 * How the `check` command prints diagnostics: one line per problem in the
 * `file:line:column: severity code message` form editors and CI tools read,
 * or JSON. Lines and columns are 1-based here.
 */
import type { Problem, Severity } from '../model/types';

export interface JsonDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface CheckedFile {
  file: string;
  diagnostics: JsonDiagnostic[];
}

export function toJsonDiagnostic(p: Problem): JsonDiagnostic {
  return {
    line: p.span.line + 1, column: p.span.start + 1, endLine: p.span.endLine + 1, endColumn: p.span.end + 1,
    severity: p.severity, code: p.code, message: p.message,
  };
}

export function formatProblems(file: string, problems: readonly Problem[]): string {
  return problems.map((p) => `${file}:${p.span.line + 1}:${p.span.start + 1}: ${p.severity} ${p.code} ${p.message}\n`).join('');
}
