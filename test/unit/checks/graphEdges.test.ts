/**
 * edgesInto picks, through the graph's lists of edges in, the edges
 * edgesWhere picks by testing each edge's target chain: the same edges in
 * the same order, on every fixture and a generated dump, save and listing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgesInto, edgesWhere } from '../../../server/src/checks/graphEdges';
import { Analysis } from '../../../server/src/model/analysis';
import { declLine, ruleCount } from '../../../server/src/model/saveRule';
import type { Chain } from '../../../server/src/model/types';
import { fixtureTexts } from '../../support/fixtureFiles';
import { generateKubeProxy } from '../../support/kubeProxy';

const kube = generateKubeProxy({ services: 60, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 7 });
const TEXTS = [...fixtureTexts(/\.(save|rules|v4|v6|txt)$/), kube.save, kube.listing];

/** Tests of a target chain, as the checks ask them, and two that pick chains of all kinds. */
const TESTS: Record<string, (to: Chain) => boolean> = {
  builtin: (to) => to.builtin,
  empty: (to) => !to.builtin && ruleCount(to) === 0 && declLine(to) >= 0,
  'odd name length': (to) => to.name.length % 2 === 1,
  every: () => true,
};

test('edgesInto picks what edgesWhere picks, in the same order', () => {
  let picked = 0;
  let graphs = 0;
  for (const text of TEXTS) {
    const analysis = Analysis.of(text);
    for (const table of analysis.ruleset.tables) {
      const graph = analysis.graphOf(table);
      graphs++;
      for (const [name, pick] of Object.entries(TESTS)) {
        const slow: string[] = [];
        const fast: string[] = [];
        const seen = (into: string[]) => (rule: { chain: string; index: number }, to: Chain) => into.push(`${rule.chain}#${rule.index}>${to.name}@${to.index}`);
        // Keys of their own, so neither finds the other's picks kept for the graph.
        edgesWhere(graph, {}, (to) => pick(to), seen(slow));
        edgesInto(graph, {}, pick, seen(fast));
        assert.deepEqual(fast, slow, `${name} in table ${table.name}`);
        picked += fast.length;
      }
    }
  }
  // The comparison must have covered many edges, or it proves little.
  assert.ok(graphs > 100 && picked > 1000, `${graphs} graphs, ${picked} picks`);
});
