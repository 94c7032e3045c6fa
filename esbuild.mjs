// Builds every bundle Stakes ships. `node esbuild.mjs [--production] [--watch]`.
// The activation bundle (dist/extension.js) must stay light: heavy features are separate
// bundles that the extension require()s on first use (see src/extension/lazy.ts).
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode'],
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node bundles: [entry, outfile, extra options]. Add a feature bundle here, not a new build script. */
const nodeBundles = [
  ['src/extension/extension.ts', 'dist/extension.js'],
  ['src/cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }],
];

/** Webview bundles (browser, IIFE). */
const webBundles = [
  ['src/webview/planView.ts', 'media/planView.js'],
  ['src/webview/auditReport.ts', 'media/auditReport.js'],
];

mkdirSync('dist', { recursive: true });
const contexts = [];
for (const [entry, outfile, extra] of nodeBundles) {
  contexts.push(await esbuild.context({ ...node, entryPoints: [entry], outfile, ...(extra ?? {}) }));
}
for (const [entry, outfile, extra] of webBundles) {
  contexts.push(await esbuild.context({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    minify: production, logLevel: 'warning', entryPoints: [entry], outfile, ...(extra ?? {}),
  }));
}
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
