import type { Chain, Option, Rule, Span, Target, TargetKind } from './types';

/** What a rule that keeps its target's facts on itself offers the view of its target. */
export interface TargetFields {
  targetName: string | null;
  targetKind: TargetKind;
  targetChain: Chain | null | undefined;
  readonly targetGoto: boolean;
}

/** Whether a rule keeps its target's facts on itself (save and listing rules do), so they can be read without a view. */
export function hasTargetFields(rule: Rule): rule is Rule & TargetFields {
  return (rule as Partial<TargetFields>).targetName !== undefined;
}

/** A rule's target kind (null without a target), read without making a view where the rule keeps its target's facts. */
export function targetKindOf(rule: Rule): TargetKind | null {
  const name = (rule as Partial<TargetFields>).targetName;
  if (name !== undefined) return name === null ? null : (rule as Rule & TargetFields).targetKind;
  const target = rule.target;
  return target ? target.kind : null;
}

/**
 * A rule's target as the Target interface shows it: a view whose name, kind,
 * goto flag and chain live on the rule, so a 100k-rule model costs one object
 * per rule, not two. Each format says where the target's words and options
 * are.
 */
export abstract class TargetView<R extends TargetFields> implements Target {
  constructor(protected readonly rule: R) {}

  get name(): string {
    return this.rule.targetName!;
  }

  set name(value: string) {
    this.rule.targetName = value;
  }

  get kind(): TargetKind {
    return this.rule.targetKind;
  }

  set kind(value: TargetKind) {
    this.rule.targetKind = value;
  }

  get goto(): boolean {
    return this.rule.targetGoto;
  }

  get chain(): Chain | null | undefined {
    return this.rule.targetChain;
  }

  set chain(value: Chain | null | undefined) {
    this.rule.targetChain = value;
  }

  abstract get options(): Option[];
  abstract get nameSpan(): Span;
  abstract get span(): Span;
}
