/**
 * The packet trace: `trace(analysis, "tcp 10.1.2.3:40000 -> 10.0.0.1:80")`
 * walks the packet through the ruleset the way the kernel does and answers
 * every branch the walk can take, with each rule it evaluated.
 */
import { Analysis } from '../model/analysis';
import type { Ruleset } from '../model/types';
import type { TraceResult } from '../protocol';
import { parsePacket, packetToJson, type Packet, type PacketError } from './packet';
import { traverse, type TraverseOptions } from './traverse';

export { parsePacket, formatPacket, packetToJson } from './packet';
export type { Packet, PacketError } from './packet';
export { HOOK_TABLES } from './traverse';
export type { TraverseOptions as TraceOptions } from './traverse';

/** Either the trace, or what is wrong with the packet description. */
export type TraceOutcome = { result: TraceResult; error?: undefined } | { result?: undefined; error: PacketError };

/**
 * Traces a packet (a description or an already parsed packet) through a
 * ruleset. Never throws; a bad description comes back as `error`.
 */
export function trace(input: Analysis | Ruleset, packet: string | Packet, options: TraverseOptions = {}): TraceOutcome {
  const ruleset = input instanceof Analysis ? input.ruleset : input;
  let pkt: Packet;
  if (typeof packet === 'string') {
    const parsed = parsePacket(packet, ruleset.family);
    if (parsed.error) return { error: parsed.error };
    pkt = parsed.packet;
  } else pkt = packet;
  const { branches, omittedBranches } = traverse(ruleset, pkt, options);
  const result: TraceResult = { packet: packetToJson(pkt), branches };
  if (omittedBranches) result.omittedBranches = omittedBranches;
  return { result };
}
