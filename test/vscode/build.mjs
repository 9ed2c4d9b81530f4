// Bundles the real-editor test suite with esbuild, in two forms:
//   OUT/companion/  the companion test extension (package.json + extension.js)
//                   that code-server loads beside iptables-lens;
//   OUT/electron/index.js  the `--extensionTestsPath` module for @vscode/test-electron.
// Usage: node test/vscode/build.mjs [OUT]   (default: out/vscode-test)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds both bundles into `out` and returns their paths. */
export async function buildSuite(out = resolve(here, '../../out/vscode-test')) {
  const common = {
    bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: 'inline',
    external: ['vscode'], logLevel: 'error',
  };
  const companion = join(out, 'companion');
  mkdirSync(companion, { recursive: true });
  copyFileSync(join(here, 'companion', 'package.json'), join(companion, 'package.json'));
  writeFileSync(join(companion, '.vscodeignore'), '*.map\n');
  await Promise.all([
    build({ ...common, entryPoints: [join(here, 'companion', 'extension.ts')], outfile: join(companion, 'extension.js') }),
    build({ ...common, entryPoints: [join(here, 'suite', 'index.ts')], outfile: join(out, 'electron', 'index.js') }),
  ]);
  return { companion, electronIndex: join(out, 'electron', 'index.js') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = await buildSuite(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(JSON.stringify(paths));
}
