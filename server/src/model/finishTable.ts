import { SaveChain, UnmadeRule } from './saveRule';
import { isTargetName } from './targetNames';
import { hasTargetFields, type TargetFields } from './targetView';
import { BUILTIN_CHAINS, type Chain, type Span, type Table, type Target, type TargetKind } from './types';

/**
 * What a `-j NAME` / `-g NAME` means in a table: a chain of the table wins over
 * a target extension of the same name, as in iptables.
 */
export function classifyTarget(target: Target, table: Table): TargetKind {
  return kindOf(target.name, target.goto, target.chain, table);
}

/** classifyTarget for a target's facts: its name, goto flag and chain (undefined: not looked up yet). */
function kindOf(name: string, goto: boolean, chain: Chain | null | undefined, table: Table): TargetKind {
  if (chain !== undefined ? chain !== null : table.chainsByName.has(name)) return goto ? 'goto' : 'jump';
  switch (name) {
    case 'ACCEPT': return 'accept';
    case 'DROP': return 'drop';
    case 'RETURN': return 'return';
    case 'QUEUE': case 'NFQUEUE': return 'queue';
    case 'REJECT': return 'reject';
  }
  if (isTargetName(name)) return 'extension';
  // Not a chain of this table and not a known target: a jump to a missing chain.
  return goto ? 'goto' : 'jump';
}

/** A chain record for a name, with no declaration yet. */
export function newChain(name: string, table: string, builtin: boolean, span: Span): Chain {
  return {
    name, table, builtin, policy: null, policySpan: null, counters: null,
    declSpan: null, nameSpan: null, span, rules: [], index: -1,
  };
}

/**
 * Completes a table once all its lines are read: adds the built-in chains the
 * kernel always has but the dump left out (no declaration, policy null),
 * numbers the rules, and settles every target's kind now that all chain names
 * are known.
 */
export function finishTable(table: Table, addMissingBuiltins: boolean, chainsDeleted = true): void {
  if (addMissingBuiltins) {
    const builtins = BUILTIN_CHAINS[table.name];
    if (builtins) {
      for (const name of builtins) {
        if (!table.chainsByName.has(name)) {
          const chain = newChain(name, table.name, true, table.span);
          table.chains.push(chain);
          table.chainsByName.set(name, chain);
        }
      }
    }
  }
  // Whether some chain bears a target's name (a chain named DNAT wins over the extension).
  let shadowing = false;
  for (const chain of table.chains) if (isTargetName(chain.name)) shadowing = true;
  for (const chain of table.chains) {
    // A save chain's rules not made into objects yet are numbered and settled where the store keeps them.
    if (chain instanceof SaveChain && !chain.made) {
      const rule = new UnmadeRule(chain);
      for (let i = 1; rule.next(); i++) {
        rule.index = i;
        settleFields(rule, table, shadowing, chainsDeleted);
      }
      continue;
    }
    const rules = chain.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      rule.index = i + 1;
      // Rules that keep their target's facts on themselves are settled there, without a view of the target.
      if (hasTargetFields(rule)) {
        settleFields(rule, table, shadowing, chainsDeleted);
        continue;
      }
      const target = rule.target;
      if (!target) continue;
      // A chain the parser already found stays right unless chains were deleted since.
      if (target.chain && !chainsDeleted) target.kind = classifyTarget(target, table);
      else settleTarget(target, table, shadowing);
    }
  }
}

/** settleTarget (or, for a chain found while reading, classifyTarget) on a rule's own target fields. */
function settleFields(rule: TargetFields, table: Table, shadowing: boolean, chainsDeleted: boolean): void {
  const name = rule.targetName;
  if (name === null) return;
  let chain = rule.targetChain;
  if (!chain || chainsDeleted) {
    chain = chainNamed(table, name, shadowing);
    rule.targetChain = chain;
    if (chain) rule.targetName = chain.name;
  }
  rule.targetKind = kindOf(name, rule.targetGoto, chain, table);
}

/**
 * Resolves the chain a target names in its (complete) table, and so its kind.
 * `shadowing` false says no chain has a target's name, so `-j DNAT` needs no
 * lookup among the chains.
 */
export function settleTarget(target: Target, table: Table, shadowing = true): void {
  const to = chainNamed(table, target.name, shadowing);
  target.chain = to;
  // The chain's own name string: later lookups by this name find its hash already computed.
  if (to) target.name = to.name;
  target.kind = classifyTarget(target, table);
}

/** The chain of the (complete) table a target names, or null; with `shadowing` false a target extension's name is not looked up. */
function chainNamed(table: Table, name: string, shadowing: boolean): Chain | null {
  return !shadowing && isTargetName(name) ? null : table.chainsByName.get(name) ?? null;
}
