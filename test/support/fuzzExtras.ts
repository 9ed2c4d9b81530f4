/**
 * Registers the checks and the packet trace with the fuzz harness, so every
 * fuzz run exercises them too.
 */
import { extraOperations } from './fuzz';
import { runChecks } from '../../server/src/checks';

extraOperations.push({ name: 'checks', scope: 'document', run: (analysis) => runChecks(analysis) });
