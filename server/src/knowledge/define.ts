import type { MatchInfo, OptionInfo, TargetInfo } from './types';

/** Extra fields of an option beyond its name, syntax and summary. */
type OptionMore = Partial<Omit<OptionInfo, 'name' | 'arity' | 'summary' | 'syntax'>>;

/** An option that takes no value (`--syn`, `--random-fully`). */
export function flag(name: string, summary: string, more: OptionMore = {}): OptionInfo {
  return { name, arity: 'none', negatable: false, summary, ...more };
}

/** An option that takes one word (`--dport 80`). */
export function one(name: string, syntax: string, summary: string, more: OptionMore = {}): OptionInfo {
  return { name, arity: 'one', syntax, negatable: false, summary, ...more };
}

/** An option that takes two words (`--tcp-flags MASK COMP`, `--match-set NAME FLAGS`). */
export function two(name: string, syntax: string, summary: string, more: OptionMore = {}): OptionInfo {
  return { name, arity: 'two', syntax, negatable: false, summary, ...more };
}

/** An option whose value may be left out. */
export function optional(name: string, syntax: string, summary: string, more: OptionMore = {}): OptionInfo {
  return { name, arity: 'optional', syntax, negatable: false, summary, ...more };
}

type ExtMore = Partial<Pick<MatchInfo, 'families' | 'tables' | 'hooks' | 'protocols'>>;

export function match(name: string, summary: string, options: OptionInfo[], more: ExtMore = {}): MatchInfo {
  return { kind: 'match', name, summary, options, ...more };
}

export function target(name: string, terminating: boolean, summary: string, options: OptionInfo[], more: ExtMore = {}): TargetInfo {
  return { kind: 'target', name, terminating, summary, options, ...more };
}

/** Shorthand for `negatable: true`. */
export const NEG = { negatable: true } as const;
