// Builds every bundle Stakes ships. `node esbuild.mjs [--production] [--watch]`.
// The activation bundle (dist/extension.js) must stay light: heavy features are separate
// bundles that the extension require()s on first use (see src/extension/lazy.ts).
// test/unit/architecture/activation.test.ts imports the options below to check the activation bundle.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

export const node = {
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
export const nodeBundles = [
  ['src/extension/extension.ts', 'dist/extension.js'],
  ['src/cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }],
  // Embedded PostgreSQL runs in a forked child process; the CJS build of PGlite is required (the ESM
  // build rewrites import.meta.url to {} in a CJS bundle). Its assets are copied by copySqlAssets().
  ['src/core/sql/engines/pglite-worker.ts', 'dist/pglite-worker.js', { alias: { '@electric-sql/pglite': './node_modules/@electric-sql/pglite/dist/index.cjs' } }],
  // The classifier (signal table, learned model's features, lexicons), required on the first classification.
  ['src/extension/classify/host.ts', 'dist/classify.js'],
  ['src/extension/audit/host.ts', 'dist/audit.js'],
  // Review debt: git, the records and the classifier per region, loaded shortly after start-up.
  ['src/extension/review/host.ts', 'dist/review.js'],
  // SQL EXPLAIN in VS Code: engines (pg, mysql2, sql.js), advice and the plan panel, loaded on the first explain.
  ['src/extension/sql/host.ts', 'dist/sql.js'],
  // Offline rules: a light host that runs the rules (TypeScript compiler, web-tree-sitter) in a worker
  // thread; the grammar wasm is copied next to the worker by copyRulesAssets().
  ['src/extension/rules/host.ts', 'dist/rules.js'],
  ['src/extension/rules/worker.ts', 'dist/rules-worker.js'],
];

/** Webview bundles (browser, IIFE). */
const webBundles = [
  ['src/webview/planView.ts', 'media/planView.js'],
  ['src/webview/auditReport.ts', 'media/auditReport.js'],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildAll();

async function buildAll() {
  mkdirSync('dist', { recursive: true });
  copySqlAssets();
  copyRulesAssets();
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
}

/** PGlite's wasm, data and contrib tarballs → media/pglite/ (gitignored); sql.js's wasm → dist/. */
function copySqlAssets() {
  const pglite = 'node_modules/@electric-sql/pglite/dist';
  mkdirSync('media/pglite', { recursive: true });
  for (const f of readdirSync(pglite)) {
    if (f === 'pglite.wasm' || f === 'pglite.data' || f === 'initdb.wasm' || f.endsWith('.tar.gz')) copyIfChanged(`${pglite}/${f}`, `media/pglite/${f}`);
  }
  copyIfChanged('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
}

/** web-tree-sitter's runtime and the Python and Go grammars → dist/, next to every bundle that runs the rules. */
function copyRulesAssets() {
  copyIfChanged('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
  copyIfChanged('node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm');
  copyIfChanged('node_modules/tree-sitter-go/tree-sitter-go.wasm', 'dist/tree-sitter-go.wasm');
}

function copyIfChanged(from, to) {
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) return;
  copyFileSync(from, to);
}
