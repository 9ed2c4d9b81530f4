/**
 * Registers the checks and the packet trace with the fuzz harness, so every
 * fuzz run exercises them too.
 */
import { extraOperations } from './fuzz';
import { checkFailures, runChecks } from '../../server/src/checks';
import { keysOfEachCheck, problemKeys } from './checkedAlone';

// A check that throws is left out quietly in the editor; here it is a failure.
extraOperations.push({
  name: 'checks', scope: 'document', run: (analysis) => {
    const problems = runChecks(analysis);
    const failed = checkFailures(analysis);
    if (failed.length) throw new Error(`checks threw and were left out: ${failed.join(', ')}`);
    return problems;
  },
});

// The walk reads one rule per shape (checks/shape.ts) and keeps facts per rule: on any dump it finds what each check finds on its own.
extraOperations.push({
  name: 'checks alone', scope: 'document', run: (analysis) => {
    const walked = new Set(problemKeys(runChecks(analysis)));
    const alone = new Set(keysOfEachCheck(analysis));
    const missing = [...alone].filter((k) => !walked.has(k));
    const extra = [...walked].filter((k) => !alone.has(k));
    if (missing.length || extra.length) throw new Error(`the walk differs from the checks run alone: missing ${missing.slice(0, 3).join(' | ')}; extra ${extra.slice(0, 3).join(' | ')}`);
    return walked.size;
  },
});
