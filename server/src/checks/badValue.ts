import { valuesFor, type OptionInfo } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Family, Option, Problem } from '../model/types';
import { checkAddress, checkNatRange, checkPort, PROTOCOL_NAMES } from './addresses';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const BAD_VALUE = 'bad-value';

/** A value iptables cannot read for its option (a port over 65535, an unknown state, a malformed address…). */
export function badValue(option: Option, value: string, expected: string): Problem {
  return {
    span: option.valueSpan ?? option.span, severity: 'error', code: BAD_VALUE,
    message: `"${value}" is not a valid value for ${option.name.length === 1 ? '-' : '--'}${option.name}: expected ${expected}.`,
    data: { phase: 'parse' },
  };
}

/** Numbers are accepted wherever names are (log levels, TOS values, with an optional mask). */
const NUMERIC = /^(?:\d+|0x[0-9a-fA-F]+)(?:\/(?:\d+|0x[0-9a-fA-F]+))?$/;

/**
 * Options whose closed value set is complete in the knowledge table and
 * enforced by iptables; other value lists (ICMP type names, TOS names) are
 * there to explain values, not to refuse them.
 */
const CLOSED = new Set(['ctstate', 'state', 'ctstatus', 'ctdir', 'src-type', 'dst-type', 'pkt-type', 'log-level', 'reject-with', 'tcp-flags', 'dccp-types']);

/** Number-valued options that also take names defined by the machine (rt_realms, iproute2 groups). */
const NAMED_NUMBERS = new Set(['realm', 'src-group', 'dst-group']);

/** The first word of a value that falls outside the option's closed set, if any. */
function outsideSet(info: OptionInfo, values: string[], family: Family): string | undefined {
  if (!CLOSED.has(info.name)) return undefined;
  const allowed = valuesFor(info, family);
  if (!allowed || !allowed.length) return undefined;
  const set = new Set(allowed.map((v) => v.toLowerCase()));
  for (const word of values) {
    const items = info.list ? word.split(',') : [word];
    for (const item of items) {
      if (NUMERIC.test(item)) continue;
      if (!set.has(item.toLowerCase())) return item;
    }
  }
  return undefined;
}

/** The problem with one option's value, if there is one. */
function problemWith(option: Option, info: OptionInfo, family: Family): Problem | undefined {
  const values = option.values;
  if (!values.length) return undefined;
  // The words the option takes (later ones are bad-argument's); the rule's own array when it has no more.
  const take = info.arity === 'two' ? 2 : 1;
  const words = values.length <= take ? values : values.slice(0, take);
  switch (info.valueKind) {
    case 'port': case 'portRange': {
      const bad = words.find((w) => !checkPort(w, info.valueKind === 'portRange'));
      if (bad !== undefined) return badValue(option, bad, 'a port number 0–65535 or service name');
      return undefined;
    }
    case 'portList': {
      for (const w of words) {
        const bad = w.split(',').find((p) => !checkPort(p, true));
        if (bad !== undefined) return badValue(option, bad, 'ports 0–65535 or service names, comma-separated');
      }
      return undefined;
    }
    case 'mark': {
      // Realms and device groups may also be names from files on the loading machine.
      if (NAMED_NUMBERS.has(info.name)) return undefined;
      const names = new Set((valuesFor(info, family) ?? []).map((v) => v.toLowerCase()));
      const bad = words.find((w) => !names.has(w.toLowerCase()) && (!/^(?:0x[0-9a-fA-F]+|\d+)(?:\/(?:0x[0-9a-fA-F]+|\d+))?$/.test(w) || w.split('/').some((n) => Number(n) > 0xffffffff)));
      if (bad !== undefined) return badValue(option, bad, 'a 32-bit number value[/mask], decimal or 0x hex');
      return undefined;
    }
    case 'natRange': {
      const bad = words.find((w) => !checkNatRange(w, family));
      if (bad !== undefined) return badValue(option, bad, family === 'ipv4' ? 'address[-address][:port[-port]]' : '[address[-address]]:port[-port] or address[-address]');
      return undefined;
    }
    case 'address': {
      for (const w of words) {
        const bad = w.split(',').find((a) => checkAddress(a, family) === 'bad');
        if (bad !== undefined) return badValue(option, bad, family === 'ipv4' ? 'an IPv4 address[/mask]' : 'an IPv6 address[/mask]');
      }
      return undefined;
    }
  }
  const bad = outsideSet(info, words, family);
  if (bad !== undefined) {
    const allowed = valuesFor(info, family)!;
    return badValue(option, bad, `one of ${allowed.slice(0, 12).join(', ')}${allowed.length > 12 ? ', …' : ''}`);
  }
  return undefined;
}

export const ruleBadValue: RuleCheck = (rule, options, scope, out) => {
  const family = scope.family;
  for (const m of rule.matches) {
    const o = m.options[0];
    if (!o?.value) continue;
    if (m.module === 'protocol') {
      const v = o.value.toLowerCase();
      if (!(/^\d+$/.test(v) && Number(v) <= 255) && !PROTOCOL_NAMES.has(v)) out.push(badValue(o, o.value, 'a protocol name or number'));
    } else if (m.module === 'source' || m.module === 'destination') {
      const bad = firstBadAddress(o.value, family);
      if (bad !== undefined) out.push(badValue(o, bad, family === 'ipv4' ? 'an IPv4 address or host name, with an optional /mask' : 'an IPv6 address or host name, with an optional /mask'));
    }
  }
  for (const r of options) {
    if (!r.optionInfo) continue;
    const p = problemWith(r.option, r.optionInfo, family);
    if (p) out.push(p);
  }
};

/** The first comma-separated address the kernel would refuse whatever the machine. */
function firstBadAddress(value: string, family: Family): string | undefined {
  if (value.indexOf(',') < 0) return checkAddress(value, family) === 'bad' ? value : undefined;
  return value.split(',').find((a) => checkAddress(a, family) === 'bad');
}

export function checkBadValue(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleBadValue);
}
