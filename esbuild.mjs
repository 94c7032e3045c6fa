// Builds every bundle Stakes ships. `node esbuild.mjs [--production] [--watch]`.
// The activation bundle (dist/extension.js) must stay light: heavy features are separate
// bundles that the extension require()s on first use (see src/extension/lazy.ts). The CLI is split
// the same way: dist/cli.js is only the command table, each command its own bundle (cliBundles()).
// test/unit/architecture/ imports the options below to check the activation bundle and the CLI's split.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import * as path from 'node:path';
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
  // Agent tools (Copilot's language-model tools): a light host and the tools themselves (core/agent) in a worker.
  ['src/extension/agent/host.ts', 'dist/agent.js'],
  ['src/extension/agent/worker.ts', 'dist/agent-worker.js'],
];

/**
 * The CLI. `stakes` is one entry point (dist/cli.js, package.json "bin") holding only the command
 * table; every module the CLI `require()`s by a relative path is a chunk of its own, dist/cli-<name>.js,
 * built from that module and loaded only when it runs: each command (src/cli/main.ts's table), and the
 * heavy half of a command (`stakes audit` requires its model half only when a model is asked for).
 * A command added to the table gets its bundle from this alone. Static imports are bundled as usual.
 */
export const cliEntry = ['src/cli/main.ts', 'dist/cli.js'];
const cliBanner = { js: '#!/usr/bin/env node' };

/** A chunk's bundle name: src/cli/commands/audit-model.ts → cli-audit-model. */
const chunkName = (file) => `cli-${path.basename(file).replace(/\.[cm]?[jt]s$/, '')}`;

/** Marks each require('./relative') from src/cli as an external chunk and records its source in `found`. */
function cliChunks(found, root) {
  const cliDir = path.join(root, 'src', 'cli') + path.sep;
  return {
    name: 'stakes-cli-chunks',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.kind !== 'require-call' || !args.importer.startsWith(cliDir)) return undefined;
        const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
        if (resolved.errors.length) return { errors: resolved.errors };
        // Only modules of the CLI itself are chunks; anything else is bundled where it is required.
        if (!resolved.path.startsWith(cliDir)) return undefined;
        const name = chunkName(resolved.path);
        const other = [...found].find(([file, n]) => n === name && file !== resolved.path);
        if (other) return { errors: [{ text: `two CLI chunks would both be dist/${name}.js: ${path.relative(root, other[0])} and ${path.relative(root, resolved.path)}; rename one.` }] };
        found.set(resolved.path, name);
        return { path: `./${name}.js`, external: true };
      });
    },
  };
}

/**
 * The CLI's bundles: dist/cli.js, then every chunk reachable from it (breadth-first, each chunk built
 * once). `build(options)` runs one esbuild build (or creates a context) and returns what it returns;
 * the chunks a build found are known when it resolves.
 */
export async function cliBundles(build, extra = {}, root = process.cwd()) {
  const found = new Map();
  const outputs = [];
  const queue = [[path.join(root, cliEntry[0]), path.join(root, cliEntry[1])]];
  const seen = new Set();
  while (queue.length) {
    const [entry, outfile] = queue.shift();
    seen.add(entry);
    const result = await build({ ...node, banner: cliBanner, ...extra, entryPoints: [entry], outfile, absWorkingDir: root, plugins: [cliChunks(found, root)] });
    outputs.push({ entry, outfile, result });
    for (const [file, name] of found) {
      if (!seen.has(file) && !queue.some(([e]) => e === file)) queue.push([file, path.join(root, 'dist', `${name}.js`)]);
    }
  }
  return outputs;
}

/** Webview bundles (browser, IIFE). */
const webBundles = [
  ['src/webview/planView.ts', 'media/planView.js'],
  ['src/webview/auditReport.ts', 'media/auditReport.js'],
];


async function buildAll() {
  mkdirSync('dist', { recursive: true });
  const sqlAssets = copySqlAssets();
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
  // The CLI's chunks are found while building: each context's first build names the next ones.
  const cliContexts = [];
  const cli = cliBundles(async (options) => {
    const ctx = await esbuild.context(options);
    cliContexts.push(ctx);
    await ctx.rebuild();
    return ctx;
  });
  if (watch) {
    await Promise.all([cli, sqlAssets]);
    await Promise.all([...contexts, ...cliContexts].map((c) => c.watch()));
  } else {
    await Promise.all([cli, sqlAssets, ...contexts.map((c) => c.rebuild())]);
    await Promise.all([...contexts, ...cliContexts].map((c) => c.dispose()));
  }
}

/**
 * PGlite's wasm, data and contrib tarballs → media/pglite/ (gitignored), with an initialised data
 * directory (ensurePgliteTemplate); sql.js's wasm → dist/.
 */
async function copySqlAssets() {
  const pglite = 'node_modules/@electric-sql/pglite/dist';
  mkdirSync('media/pglite', { recursive: true });
  for (const f of readdirSync(pglite)) {
    if (f === 'pglite.wasm' || f === 'pglite.data' || f.endsWith('.tar.gz')) copyIfChanged(`${pglite}/${f}`, `media/pglite/${f}`);
  }
  // initdb.wasm runs here, at build time, never on a user's machine.
  rmSync('media/pglite/initdb.wasm', { force: true });
  copyIfChanged('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
  await ensurePgliteTemplate(pglite);
}

/** What the template was made with; the worker keys its caches by this file's content. */
const TEMPLATE_STAMP = 'media/pglite/template.json';
/** The data directory, as a tarball: 4.5 MB instead of 30 MB and ~1,000 files in the installed extension. */
const TEMPLATE_ARCHIVE = 'media/pglite/template.tar.gz';

/**
 * An initialised PostgreSQL data directory → media/pglite/template.tar.gz, made once per PGlite
 * version: initdb takes 2–7 s and 600+ MB, which no user's first start should pay (the engine
 * unpacks it into its cache once, src/core/sql/engines/pglite-store.ts). WAL segments of 1 MB
 * (initdb's default is 16 MB) keep the directory, which every engine start copies, at ~30 MB.
 */
async function ensurePgliteTemplate(pglite) {
  const version = JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version;
  const initdbArgs = ['--wal-segsize=1'];
  const stamp = JSON.stringify({ pglite: version, initdb: initdbArgs }, null, 1) + '\n';
  if (existsSync(TEMPLATE_ARCHIVE) && existsSync(TEMPLATE_STAMP) && readFileSync(TEMPLATE_STAMP, 'utf8') === stamp) return;
  const started = Date.now();
  const { PGlite } = createRequire(import.meta.url)(`./${pglite}/index.cjs`);
  const dir = mkdtempSync(path.join(tmpdir(), 'stakes-pglite-template-'));
  rmSync(TEMPLATE_STAMP, { force: true });
  rmSync('media/pglite/template', { recursive: true, force: true }); // an earlier build's unpacked directory
  try {
    const read = (f) => readFileSync(`${pglite}/${f}`);
    const db = await PGlite.create({
      dataDir: dir,
      pgliteWasmModule: await WebAssembly.compile(read('pglite.wasm')),
      initdbWasmModule: await WebAssembly.compile(read('initdb.wasm')),
      fsBundle: new Blob([read('pglite.data')]),
      initDbStartParams: initdbArgs,
    });
    await db.exec('CHECKPOINT');
    await db.close();
    rmSync(`${dir}/postmaster.pid`, { force: true });
    writeFileSync(`${TEMPLATE_ARCHIVE}.partial`, gzipSync(tarOf(dir), { level: 9 }));
    renameSync(`${TEMPLATE_ARCHIVE}.partial`, TEMPLATE_ARCHIVE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(TEMPLATE_STAMP, stamp);
  console.log(`esbuild.mjs: PGlite ${version} data directory initialised in ${((Date.now() - started) / 1000).toFixed(1)} s → ${TEMPLATE_ARCHIVE}`);
}

/**
 * A ustar archive of `dir` (directories and regular files; sorted, mtime 0, so the same directory
 * gives the same bytes). Read back by pglite-store.ts's untar().
 */
export function tarOf(dir) {
  const blocks = [];
  const header = (name, mode, size, type) => {
    const h = Buffer.alloc(512);
    // ustar: names over 100 bytes are split at a slash into a prefix (≤ 155) and the rest (≤ 100).
    const split = name.length > 100 ? name.indexOf('/', name.length - 101) : -1;
    const [prefix, base] = split >= 0 ? [name.slice(0, split), name.slice(split + 1)] : ['', name];
    if (base.length > 100 || prefix.length > 155) throw new Error(`tarOf: path too long for ustar: ${name}`);
    h.write(base, 0);
    h.write(`${(mode & 0o7777).toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.write(prefix, 345);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(path.join(dir, r));
      if (st.isDirectory()) {
        blocks.push(header(`${r}/`, st.mode, 0, '5'));
        walk(r);
      } else if (st.isFile()) {
        const data = readFileSync(path.join(dir, r));
        blocks.push(header(r, st.mode, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
      }
    }
  };
  walk('');
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** web-tree-sitter's runtime, the Python and Go grammars and libpg_query → dist/, next to every bundle that runs the rules. */
function copyRulesAssets() {
  copyIfChanged('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
  copyIfChanged('node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm');
  copyIfChanged('node_modules/tree-sitter-go/tree-sitter-go.wasm', 'dist/tree-sitter-go.wasm');
  // libpg_query (the PostgreSQL parser) for migrations; its loader looks next to the bundle that requires it.
  copyIfChanged('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');
}

function copyIfChanged(from, to) {
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) return;
  copyFileSync(from, to);
}

// Last: everything above (consts included) is initialised before a build starts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildAll();
