// Bundles the three entry points with esbuild: the extension client (vscode
// external), the self-contained language server, and the CLI.
import { build } from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The chain graph webview script (with dagre bundled in): a local asset, no network.
  build({ ...common, platform: 'browser', target: 'es2020', format: 'iife', entryPoints: ['media/graph/main.ts'], outfile: 'dist/graph.js' }),
]);
