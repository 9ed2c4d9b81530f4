/**
 * Go to definition: a chain name anywhere (jump/goto target, `-A`/`-I`/`-N`/`-P`
 * chain name, listing target column, `Chain X` header) leads to the chain's
 * declaration in the same table block; a built-in chain leads to its policy
 * line. Target names that are not chains have no definition.
 */
import type { LocationLink } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { chainAnchor, chainAt } from './chainOccurrences';
import { toRange } from './convert';

export function findDefinition(analysis: Analysis, uri: string, line: number, character: number): LocationLink[] {
  const ref = chainAt(analysis, line, character);
  if (!ref?.chain) return [];
  const anchor = chainAnchor(ref.chain);
  if (!anchor) return [];
  return [{
    originSelectionRange: toRange(ref.span),
    targetUri: uri,
    targetRange: toRange(anchor.range),
    targetSelectionRange: toRange(anchor.selection),
  }];
}
