/**
 * Entry point of dist/pglite-worker.js: embedded PostgreSQL (PGlite, ~300–700 MB) in its own process,
 * so the extension host and the CLI never carry its memory. Talks to pglite.ts over IPC:
 *   parent → { id, method, params }   child → { id, ok, result | error }
 * Assets are loaded explicitly from the assets directory (never resolved through import.meta/URLs:
 * install paths containing '#' or '%' break that).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface InitParams {
  assetsDir: string;
  cacheDir: string;
  extensions: string[];
}

interface WireError { message: string; code?: string; position?: number; detail?: string; hint?: string }

type PGliteType = import('@electric-sql/pglite').PGlite;
let db: PGliteType | undefined;

const loadPglite = (): typeof import('@electric-sql/pglite') => require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');

async function assets(dir: string): Promise<{ pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module; fsBundle: Blob }> {
  const read = (f: string): Uint8Array<ArrayBuffer> => {
    const p = path.join(dir, f);
    if (!fs.existsSync(p)) throw new Error(`PGlite asset missing: ${p}. Rebuild with \`node esbuild.mjs\` (it copies the assets into media/pglite/).`);
    const b = fs.readFileSync(p);
    return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
  };
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([WebAssembly.compile(read('pglite.wasm')), WebAssembly.compile(read('initdb.wasm'))]);
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([read('pglite.data')]) };
}

function extensionsFor(names: string[], dir: string): Record<string, { name: string; setup: () => Promise<{ bundlePath: URL }> }> {
  const out: Record<string, { name: string; setup: () => Promise<{ bundlePath: URL }> }> = {};
  for (const name of names) {
    const file = path.join(dir, `${name}.tar.gz`);
    if (!fs.existsSync(file)) continue;
    out[name.replace(/[^A-Za-z0-9_]/g, '_')] = { name, setup: async () => ({ bundlePath: pathToFileURL(file) }) };
  }
  return out;
}

/**
 * An initialised data directory, made once per PGlite version (initdb takes seconds) and kept as a
 * tarball in the cache; each session loads it into memory (no disk I/O per statement).
 */
async function ensureTemplate(p: InitParams, a: Awaited<ReturnType<typeof assets>>): Promise<{ file: string; created: boolean }> {
  const { PGlite } = loadPglite();
  const versionTag = fs.statSync(path.join(p.assetsDir, 'pglite.wasm')).size;
  const file = path.join(p.cacheDir, `pglite-template-${versionTag}.tar`);
  if (fs.existsSync(file)) return { file, created: false };
  fs.mkdirSync(p.cacheDir, { recursive: true });
  const made = await PGlite.create({ ...a });
  const dump = await made.dumpDataDir('none');
  await made.close();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  // Atomic: a concurrent first start either sees no template or a complete one.
  fs.renameSync(tmp, file);
  return { file, created: true };
}

async function init(p: InitParams): Promise<unknown> {
  const t0 = Date.now();
  const a = await assets(p.assetsDir);
  const template = await ensureTemplate(p, a);
  const t1 = Date.now();
  const { PGlite } = loadPglite();
  db = await PGlite.create({ loadDataDir: new Blob([fs.readFileSync(template.file)]), ...a, extensions: extensionsFor(p.extensions, p.assetsDir), relaxedDurability: true });
  const v = await db.query<{ v: string }>('SELECT version() AS v');
  return { templateCreated: template.created, templateMs: t1 - t0, openMs: Date.now() - t1, version: v.rows[0]?.v ?? '' };
}

async function query(sql: string): Promise<unknown> {
  if (!db) throw new Error('PGlite is not initialised');
  const results = await db.exec(sql);
  return results.length ? results[results.length - 1].rows : [];
}

/** Runs statements one by one; failures are collected, not fatal (migration loading). */
async function execMany(statements: string[]): Promise<Array<WireError | null>> {
  if (!db) throw new Error('PGlite is not initialised');
  const out: Array<WireError | null> = [];
  for (const sql of statements) {
    try {
      await db.exec(sql);
      out.push(null);
    } catch (e) {
      out.push(wireError(e));
      // A failed statement inside a migration's own transaction block would poison the rest.
      await db.exec('ROLLBACK').catch(() => undefined);
    }
  }
  return out;
}

function wireError(e: unknown): WireError {
  const err = e as Omit<WireError, 'position'> & { position?: string | number };
  return {
    message: err?.message ?? String(e),
    ...(err?.code ? { code: String(err.code) } : {}),
    ...(err?.position !== undefined && err.position !== '' ? { position: Number(err.position) } : {}),
    ...(err?.detail ? { detail: String(err.detail) } : {}),
    ...(err?.hint ? { hint: String(err.hint) } : {}),
  };
}

let chain: Promise<unknown> = Promise.resolve();

process.on('message', (msg: { id: number; method: string; params: unknown }) => {
  // Requests run strictly in order: PGlite is single-session and transactions must not interleave.
  chain = chain.then(async () => {
    try {
      let result: unknown;
      if (msg.method === 'init') result = await init(msg.params as InitParams);
      else if (msg.method === 'query') result = await query(msg.params as string);
      else if (msg.method === 'execMany') result = await execMany(msg.params as string[]);
      else if (msg.method === 'memory') result = process.memoryUsage();
      else if (msg.method === 'close') {
        await db?.close();
        db = undefined;
        result = true;
      } else throw new Error(`unknown method ${msg.method}`);
      process.send?.({ id: msg.id, ok: true, result });
      if (msg.method === 'close') setTimeout(() => process.exit(0), 10);
    } catch (e) {
      process.send?.({ id: msg.id, ok: false, error: wireError(e) });
    }
  });
});

process.on('disconnect', () => {
  // Parent went away: do not linger holding hundreds of MB.
  void db?.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

process.send?.({ ready: true });
