/**
 * Which Node binary the benchmarks measure on. By default the one running
 * them; `--node PATH` measures the parser children and the language server
 * on another, such as the Node an editor runs the server on (VS Code runs
 * it on its own Electron's Node, code-server on the Node it was started
 * with: see scripts/vscode/setup-code-server.sh for the one the real-editor
 * tests use).
 */
import { spawnSync } from 'child_process';

export interface Runtime {
  /** The Node binary that runs what is measured. */
  node: string;
  /** Its `--version`, and its path when it is not the Node running the benchmark. */
  label: string;
  /** The arguments left once `--node PATH` is taken out. */
  args: string[];
}

export function runtimeFrom(argv: string[]): Runtime {
  const args = [...argv];
  let node = process.execPath;
  const at = args.indexOf('--node');
  if (at >= 0) {
    if (!args[at + 1]) {
      console.error('--node needs the path of a Node binary');
      process.exit(2);
    }
    node = args[at + 1];
    args.splice(at, 2);
  }
  const r = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !/^v\d+/.test(r.stdout)) {
    console.error(`cannot run ${node} --version${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(2);
  }
  return { node, label: `node ${r.stdout.trim()}${node === process.execPath ? '' : ` (${node})`}`, args };
}
