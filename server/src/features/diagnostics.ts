import type { Diagnostic } from 'vscode-languageserver';
import { runChecks, type CheckMemo, type CheckSettings } from '../checks';
import type { Analysis } from '../model/analysis';
import type { Severity } from '../model/types';
import { toDiagnostic } from './convert';

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/**
 * The diagnostics of a document: parse problems and every check, with the
 * user's settings applied. `memo` (one per document) lets a new version skip
 * the rules its predecessor already checked.
 */
export function diagnostics(analysis: Analysis, settings?: CheckSettings, memo?: CheckMemo): Diagnostic[] {
  return runChecks(analysis, settings, memo).map(toDiagnostic);
}

/**
 * Reads `iptablesLens.diagnostics` as the client sent it (`{ disable, severity }`),
 * keeping only well-formed entries, so a typo in settings.json cannot break
 * diagnostics.
 */
export function settingsFrom(raw: unknown): CheckSettings {
  const out: CheckSettings = {};
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as { disable?: unknown; severity?: unknown };
  if (Array.isArray(r.disable)) out.disable = r.disable.filter((c): c is string => typeof c === 'string');
  if (r.severity && typeof r.severity === 'object') {
    const severity: NonNullable<CheckSettings['severity']> = {};
    for (const [code, value] of Object.entries(r.severity as Record<string, unknown>)) {
      if (typeof value === 'string' && SEVERITIES.has(value)) severity[code] = value as Severity | 'off';
    }
    out.severity = severity;
  }
  return out;
}
