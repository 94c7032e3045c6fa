/**
 * The embedded engine's databases on disk (used by pglite-worker.ts, in the engine's process):
 *
 *   <cacheDir>/pglite/<tag>/schemas/<key>/   a migrated data directory, one per schema key (the
 *                                            migrations' fingerprint), with its load report
 *                                            (stakes-schema.json); the 4 most recently used are kept
 *   <cacheDir>/pglite/<tag>/sessions/<pid>/  the running engine's own copy, removed when it stops
 *   <cacheDir>/pglite/<tag>/spares/<source>/ a copy made ahead (of a cached schema or the template)
 *                                            that the next start takes by renaming it: copying
 *                                            ~1,000–2,000 files is the slowest part of a start on
 *                                            a busy disk, so it happens after a start, not in one
 *
 *   <cacheDir>/pglite/<tag>/template/        the initialised data directory, unpacked once from
 *                                            media/pglite/template.tar.gz (made by esbuild.mjs)
 *
 * `tag` names the template (media/pglite/template.json: PGlite version, initdb options), so a new
 * PGlite never opens a directory an older one wrote. Sessions copy, never link: they write to their
 * files (the assumed sizes' dead pages, injected statistics, hint bits), and none of that may reach
 * the cached database, or the next session's plans would depend on this one's.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** Bumped when what a cached database holds changes meaning (a new way of loading migrations). */
const STORE_FORMAT = 1;
const MAX_SCHEMAS = 4;
const REPORT_FILE = 'stakes-schema.json';
/** PostgreSQL's lock file: a copy must not claim the running server's. */
const LOCK_FILE = 'postmaster.pid';

export interface CachedSchema {
  dir: string;
  report: unknown;
}

/** What a session starts from: a cached schema's database, or the template. */
export interface SessionSource {
  /** Names its spare copy: the schema key, or "template". */
  id: string;
  dir: string;
}

/** Spares kept at most: the template's and the most recently used schemas'. */
const MAX_SPARES = 3;

/** Files copied at once: a data directory is ~1,000–2,000 small files, and one at a time the disk waits on each. */
const COPY_CONCURRENCY = 8;

/**
 * Copies a data directory (without the lock file): copy-on-write where the file system can (APFS,
 * btrfs, XFS), else several files at a time (2–3x faster than fs.cp, which copies them one by one).
 */
async function copyDataDir(from: string, to: string): Promise<void> {
  const files: Array<[string, string]> = [];
  const walk = (src: string, dst: string): void => {
    fs.mkdirSync(dst, { recursive: true, mode: 0o700 });
    for (const e of fs.readdirSync(src, { withFileTypes: true })) {
      if (e.name === LOCK_FILE) continue;
      const a = path.join(src, e.name);
      const b = path.join(dst, e.name);
      if (e.isDirectory()) walk(a, b);
      else if (e.isFile()) files.push([a, b]);
    }
  };
  walk(from, to);
  let next = 0;
  await Promise.all(Array.from({ length: COPY_CONCURRENCY }, async () => {
    while (next < files.length) {
      const [a, b] = files[next++];
      await fs.promises.copyFile(a, b, fs.constants.COPYFILE_FICLONE);
    }
  }));
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `<name>` or `<name>.partial-<pid>`: the pid that owns a directory, if its name says. */
function ownerPid(name: string): number | undefined {
  const m = /(?:^|\.partial-)(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export class PgliteStore {
  readonly root: string;
  readonly template: string;
  private readonly archive: string;
  private readonly base: string;

  constructor(cacheDir: string, assetsDir: string) {
    this.archive = path.join(assetsDir, 'template.tar.gz');
    const stampFile = path.join(assetsDir, 'template.json');
    let stamp: string;
    try {
      stamp = fs.readFileSync(stampFile, 'utf8');
    } catch {
      throw new Error(`The embedded engine's initialised database is missing (${stampFile}). Rebuild with \`node esbuild.mjs\`: it creates media/pglite/template.tar.gz.`);
    }
    this.base = path.join(cacheDir, 'pglite');
    this.root = path.join(this.base, createHash('sha256').update(`${STORE_FORMAT}\0${stamp}`).digest('hex').slice(0, 12));
    this.template = path.join(this.root, 'template');
  }

  /** Unpacks the template into the cache, once (a concurrent start unpacks its own copy and one rename wins). */
  private async ensureTemplate(): Promise<void> {
    if (fs.existsSync(path.join(this.template, 'PG_VERSION'))) return;
    let packed: Buffer;
    try {
      packed = await fs.promises.readFile(this.archive);
    } catch {
      throw new Error(`The embedded engine's initialised database is missing (${this.archive}). Rebuild with \`node esbuild.mjs\`: it creates it.`);
    }
    const partial = `${this.template}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    try {
      await untar(zlib.gunzipSync(packed), partial);
      fs.renameSync(partial, this.template);
    } catch (e) {
      if (!fs.existsSync(path.join(this.template, 'PG_VERSION'))) throw e;
    } finally {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }

  /** The migrated database for `key`, if a session saved it; marks it used (pruning keeps the recent ones). */
  cachedSchema(key: string): CachedSchema | undefined {
    const dir = path.join(this.root, 'schemas', key);
    const reportFile = path.join(dir, REPORT_FILE);
    try {
      const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as unknown;
      const now = new Date();
      fs.utimesSync(reportFile, now, now);
      return { dir, report };
    } catch {
      return undefined;
    }
  }

  templateSource(): SessionSource {
    return { id: 'template', dir: this.template };
  }

  schemaSource(cached: CachedSchema): SessionSource {
    return { id: path.basename(cached.dir), dir: cached.dir };
  }

  /**
   * A fresh copy of `source` for this process to run on: its spare when one is ready (a rename),
   * else a copy made now. `fromSpare` says which.
   */
  async newSession(source: SessionSource): Promise<{ dir: string; fromSpare: boolean }> {
    this.sweep();
    if (source.dir === this.template) await this.ensureTemplate();
    const dir = path.join(this.root, 'sessions', String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(path.join(this.root, 'spares', source.id), dir);
      return { dir, fromSpare: true };
    } catch {
      // No spare (or another process took it): copy.
    }
    await copyDataDir(source.dir, dir);
    return { dir, fromSpare: false };
  }

  /** Takes over a session directory another process of this engine released (a rename: nothing is copied). */
  adoptSession(released: string): string {
    const dir = path.join(this.root, 'sessions', String(process.pid));
    if (path.resolve(released) !== dir) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(released, dir);
    }
    this.sweep();
    return dir;
  }

  /** Makes the spare of `source` for the next start, unless there is one. Failures only cost that start its head start. */
  async prepareSpare(source: SessionSource): Promise<void> {
    const spares = path.join(this.root, 'spares');
    const final = path.join(spares, source.id);
    if (fs.existsSync(final)) return;
    const partial = `${final}.partial-${process.pid}`;
    try {
      fs.rmSync(partial, { recursive: true, force: true });
      fs.mkdirSync(spares, { recursive: true });
      if (source.dir === this.template) await this.ensureTemplate();
      await copyDataDir(source.dir, partial);
      fs.renameSync(partial, final);
      this.pruneSpares(source.id);
    } catch {
      // Out of disk, or another process made it first: the next start copies.
    } finally {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }

  /**
   * Copies a session's directory (checkpointed by the caller, nothing running) into the cache under
   * `key`, with the load report. False when another process saved the same key first.
   */
  async saveSchema(key: string, sessionDir: string, report: unknown): Promise<boolean> {
    const schemas = path.join(this.root, 'schemas');
    const final = path.join(schemas, key);
    const partial = `${final}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(schemas, { recursive: true });
    try {
      await copyDataDir(sessionDir, partial);
      fs.writeFileSync(path.join(partial, REPORT_FILE), JSON.stringify(report));
      if (fs.existsSync(final)) return false;
      // Atomic: a concurrent start sees either no database for this key or a complete one.
      fs.renameSync(partial, final);
      this.prune();
      return true;
    } catch (e) {
      // Another process renamed its copy into place first.
      if (fs.existsSync(path.join(final, REPORT_FILE))) return false;
      throw e;
    } finally {
      fs.rmSync(partial, { recursive: true, force: true });
    }
  }

  /** Keeps the most recently used cached databases. */
  private prune(): void {
    const schemas = path.join(this.root, 'schemas');
    const done = listDirs(schemas).filter((n) => !n.includes('.partial-'))
      .map((n) => ({ dir: path.join(schemas, n), used: mtime(path.join(schemas, n, REPORT_FILE)) }))
      .sort((a, b) => b.used - a.used);
    for (const old of done.slice(MAX_SCHEMAS)) fs.rmSync(old.dir, { recursive: true, force: true });
  }

  /** Keeps the template's spare and those of the most recently used schemas (`current` among them). */
  private pruneSpares(current: string): void {
    const spares = path.join(this.root, 'spares');
    const schemas = path.join(this.root, 'schemas');
    const ranked = listDirs(spares).filter((n) => !n.includes('.partial-') && n !== 'template' && n !== current)
      .map((n) => ({ n, used: fs.existsSync(path.join(schemas, n)) ? mtime(path.join(schemas, n, REPORT_FILE)) : -1 }))
      .sort((a, b) => b.used - a.used);
    const room = MAX_SPARES - 1 - (current === 'template' ? 0 : 1);
    for (const [i, s] of ranked.entries()) {
      if (i >= room || s.used < 0) fs.rmSync(path.join(spares, s.n), { recursive: true, force: true });
    }
  }

  /**
   * Removes what dead processes left (their sessions, half-written copies), caches of other
   * templates nobody runs on, and the template tarballs earlier versions kept in the cache root.
   */
  private sweep(): void {
    for (const sub of ['sessions', 'schemas', 'spares', '.']) {
      const dir = path.join(this.root, sub);
      for (const name of listDirs(dir)) {
        if (sub !== 'sessions' && !name.includes('.partial-')) continue;
        const pid = ownerPid(name);
        if (pid !== undefined && pid !== process.pid && !alive(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
    }
    for (const tag of listDirs(this.base)) {
      const other = path.join(this.base, tag);
      if (other === this.root) continue;
      const running = listDirs(path.join(other, 'sessions')).some((n) => alive(ownerPid(n) ?? 0));
      if (!running) fs.rmSync(other, { recursive: true, force: true });
    }
    const cacheDir = path.dirname(this.base);
    for (const f of safeList(cacheDir)) {
      if (/^pglite-template-\d+\.tar(\.\d+\.tmp)?$/.test(f)) fs.rmSync(path.join(cacheDir, f), { force: true });
    }
  }
}

/**
 * Unpacks a ustar archive (as esbuild.mjs's tarOf() writes it: directories and regular files) into
 * `dest`. Files are made writable by their owner whatever the archive says: PostgreSQL writes to them.
 */
export async function untar(tar: Buffer, dest: string): Promise<void> {
  const text = (at: number, len: number): string => {
    const raw = tar.subarray(at, at + len);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? len : end).toString('utf8');
  };
  fs.mkdirSync(dest, { recursive: true, mode: 0o700 });
  const root = path.resolve(dest) + path.sep;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar[at] === 0) break; // the two zero blocks that end an archive
    const prefix = text(at + 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(at, 100);
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156] || 48);
    const target = path.resolve(dest, name);
    if (!target.startsWith(root) && target !== path.resolve(dest)) throw new Error(`the template archive holds a path outside it: ${name}`);
    at += 512;
    if (type === '5') fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.promises.writeFile(target, tar.subarray(at, at + size), { mode: 0o600 });
    } else throw new Error(`the template archive holds an entry of type "${type}" (${name}); rebuild it with \`node esbuild.mjs\``);
    at += Math.ceil(size / 512) * 512;
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function listDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
