/**
 * Entry point of dist/pglite-worker.js: embedded PostgreSQL (PGlite) in its own process, so the
 * extension host and the CLI never carry its memory. Talks to pglite.ts over IPC:
 *   parent → { id, method, params }   child → { id, ok, result | error }
 * Assets are loaded explicitly from the assets directory (never resolved through import.meta/URLs:
 * install paths containing '#' or '%' break that).
 *
 * Storage (pglite-store.ts): every session runs on its own copy of a data directory on disk, never
 * in memory, so the dead pages the assumed table sizes write cost disk, not RAM. The copy is of the
 * workspace's migrated database when the cache has it (the schema loads once per fingerprint), else
 * of the initialised template built with the assets (initdb never runs on a user's machine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PgliteStore, type CachedSchema, type SessionSource } from './pglite-store';

interface InitParams {
  assetsDir: string;
  cacheDir: string;
  extensions: string[];
  /** The schema's cache key (embedded.ts); absent: start from the template, cache nothing. */
  schemaKey?: string;
  /** Run on this session directory as it is: the one a previous process of the same engine released. */
  adopt?: string;
}

interface WireError { message: string; code?: string; position?: number; detail?: string; hint?: string }

type PGliteType = import('@electric-sql/pglite').PGlite;
let db: PGliteType | undefined;
let store: PgliteStore | undefined;
let session: string | undefined;
/** The spare copy being made for the next start (pglite-store.ts); closing waits for it. */
let spare: Promise<void> | undefined;

const loadPglite = (): typeof import('@electric-sql/pglite') => require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');

/**
 * PGlite's memory, against its defaults: shared_buffers 16 MB instead of 128 MB, which PostgreSQL
 * touches whole at start (RSS ~285 → ~170 MB). The planner never reads shared_buffers (its cache
 * assumption is effective_cache_size, unchanged), so plans are the same.
 */
const MEMORY_SETTINGS = ['-c', 'shared_buffers=16MB'];
/** How long this process, once closed, lets the spare copies finish before it exits (nobody waits for it). */
const SPARE_WAIT_MS = 10_000;

function readAsset(dir: string, f: string): Uint8Array<ArrayBuffer> {
  const p = path.join(dir, f);
  if (!fs.existsSync(p)) throw new Error(`PGlite asset missing: ${p}. Rebuild with \`node esbuild.mjs\` (it copies the assets into media/pglite/).`);
  const b = fs.readFileSync(p);
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
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

async function init(p: InitParams): Promise<unknown> {
  const t0 = Date.now();
  const { PGlite } = loadPglite();
  store = new PgliteStore(p.cacheDir, p.assetsDir);
  const compiled = WebAssembly.compile(readAsset(p.assetsDir, 'pglite.wasm'));
  // The copy (I/O, libuv's pool) runs while the wasm compiles (CPU).
  const cached: CachedSchema | undefined = p.schemaKey ? store.cachedSchema(p.schemaKey) : undefined;
  const source = cached ? store.schemaSource(cached) : store.templateSource();
  const started = p.adopt ? { dir: store.adoptSession(p.adopt), fromSpare: false } : await store.newSession(source);
  session = started.dir;
  const pgliteWasmModule = await compiled;
  const t1 = Date.now();
  db = await PGlite.create({
    dataDir: session,
    pgliteWasmModule,
    fsBundle: new Blob([readAsset(p.assetsDir, 'pglite.data')]),
    extensions: extensionsFor(p.extensions, p.assetsDir),
    relaxedDurability: true,
    startParams: [...PGlite.defaultStartParams, ...MEMORY_SETTINGS],
  });
  const v = await db.query<{ v: string }>('SELECT version() AS v');
  // The next start from the same source takes a spare. A schema just saved gets its spare, then the
  // template's, here in the process that took over its session; a start on the template that saves
  // nothing gets the template's when it closes.
  if (cached) prepareSpare(source);
  if (cached && p.adopt) prepareSpare(store.templateSource());
  return {
    copyMs: t1 - t0, openMs: Date.now() - t1, version: v.rows[0]?.v ?? '', session, fromSpare: started.fromSpare,
    ...(cached ? { cachedReport: cached.report } : {}),
  };
}

function prepareSpare(source: SessionSource): void {
  const previous = spare ?? Promise.resolve();
  spare = previous.then(() => store?.prepareSpare(source));
}

/** Keeps this session's database (the migrations just run) for the next start with the same key. */
async function saveSchema(p: { key: string; report: unknown }): Promise<unknown> {
  if (!db || !store || !session) throw new Error('PGlite is not initialised');
  const t0 = Date.now();
  // Every change on disk, so the copy is a consistent database (nothing else runs meanwhile: requests are serialized).
  await db.exec('CHECKPOINT');
  const saved = await store.saveSchema(p.key, session, p.report);
  return { saved, saveMs: Date.now() - t0 };
}

/**
 * Shuts PostgreSQL down and leaves the session's directory for a new process to adopt, then exits.
 * Running the migrations grows this process by the whole schema's catalog (~320 MB for 150 tables);
 * a fresh process on the same directory starts at ~200 MB.
 */
async function release(): Promise<unknown> {
  if (!db || !session) throw new Error('PGlite is not initialised');
  await db.close();
  db = undefined;
  const dir = session;
  session = undefined;
  released = true;
  return dir;
}
let released = false;

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

/** Closes PostgreSQL and removes the session's directory (the parent removes it too if this process is killed). Once. */
let closing: Promise<void> | undefined;
function closeDatabase(): Promise<void> {
  return (closing ??= (async () => {
    await db?.close().catch(() => undefined);
    db = undefined;
    if (session) await fs.promises.rm(session, { recursive: true, force: true }).catch(() => undefined);
    session = undefined;
  })());
}

/** After closing: lets a spare copy being made finish (bounded), so that the next start can take it, then exits. */
async function exitWhenSpared(): Promise<never> {
  if (!spare && store && !released) prepareSpare(store.templateSource());
  setTimeout(() => process.exit(0), SPARE_WAIT_MS + 1000).unref();
  await Promise.race([spare, new Promise((r) => setTimeout(r, SPARE_WAIT_MS))]);
  process.exit(0);
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
      else if (msg.method === 'saveSchema') result = await saveSchema(msg.params as { key: string; report: unknown });
      else if (msg.method === 'release') result = await release();
      else if (msg.method === 'memory') result = process.memoryUsage();
      else if (msg.method === 'close') {
        await closeDatabase();
        result = true;
      } else throw new Error(`unknown method ${msg.method}`);
      process.send?.({ id: msg.id, ok: true, result });
      if (msg.method === 'close') void exitWhenSpared();
      if (msg.method === 'release') setTimeout(() => process.exit(0), 10);
    } catch (e) {
      process.send?.({ id: msg.id, ok: false, error: wireError(e) });
    }
  });
});

process.on('disconnect', () => {
  // Parent went away (or closed us): do not linger holding the database.
  void closeDatabase().finally(() => exitWhenSpared());
});

process.send?.({ ready: true });
