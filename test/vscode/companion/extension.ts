/**
 * Companion test extension. Installed beside iptables-lens by the code-server
 * runner (`npm run test:vscode`), it runs the Mocha suite once on start-up
 * when IPTABLES_LENS_TEST_OUT names a results file, then stays idle. Without
 * that variable it does nothing, so a stray install is harmless.
 */
import type { ExtensionContext } from 'vscode';
import * as fs from 'fs';
import { runSuite } from '../suite/index';

export async function activate(_context: ExtensionContext): Promise<void> {
  const out = process.env.IPTABLES_LENS_TEST_OUT;
  if (!out || fs.existsSync(out)) return;
  try {
    await runSuite(out);
  } catch (e) {
    // The runner waits for the results file: write the crash there rather than hang it.
    fs.writeFileSync(out, JSON.stringify({ vscodeVersion: '', passed: 0, failed: 1, skipped: 0,
      tests: [{ title: 'the suite runner', state: 'failed', reason: e instanceof Error ? e.stack : String(e) }] }));
  }
}

export function deactivate(): void {}
