/**
 * The theme colours the trace paints with, by step kind. Each id is
 * contributed in package.json with light, dark and high-contrast defaults
 * that point at editor colours; a test holds the two lists together.
 */
import type { StepKind } from './decorationText';

const id = (name: string) => `iptablesLens.trace.${name}`;

export interface KindColours {
  /** Marker, step number and note text. */
  foreground: string;
  /** Line tint; none for steps that should not draw the eye. */
  background?: string;
  /** Frame drawn only where the theme gives it a value (high contrast). */
  border?: string;
}

export const KIND_COLOURS: Record<StepKind, KindColours> = {
  match: { foreground: id('matchForeground'), background: id('matchBackground'), border: id('border') },
  noMatch: { foreground: id('noMatchForeground') },
  maybe: { foreground: id('maybeForeground'), background: id('maybeBackground'), border: id('border') },
  policy: { foreground: id('policyForeground'), background: id('policyBackground'), border: id('border') },
  info: { foreground: id('noMatchForeground') },
};

export const CURRENT_STEP_COLOURS = { background: id('currentStepBackground'), border: id('currentStepBorder') };

/** Every colour id the trace uses. */
export const TRACE_COLOUR_IDS: readonly string[] = [...new Set([
  ...Object.values(KIND_COLOURS).flatMap((c) => [c.foreground, c.background, c.border]),
  CURRENT_STEP_COLOURS.background,
  CURRENT_STEP_COLOURS.border,
].filter((c): c is string => c !== undefined))];
