/**
 * The embedded engine's parent side: forks dist/pglite-worker.js (in VS Code with process.execPath +
 * ELECTRON_RUN_AS_NODE=1), talks to it with request ids and timeouts, kills it when idle or closed,
 * The session's data lives in the child's memory: nothing to clean up on disk when it exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqlExplainError } from '../errors';
import type { PgDbError, PgSession } from './pg-engine';

export interface PgliteProcessOptions {
  cacheDir: string;
  assetsDir?: string;
  workerPath?: string;
  execPath?: string;
  env?: Record<string, string>;
  idleTimeoutMs?: number;
  requestTimeoutMs?: number;
  extensions: string[];
  log?: (line: string) => void;
}

export interface PgliteStartInfo {
  templateCreated: boolean;
  templateMs: number;
  openMs: number;
  version: string;
  forkMs: number;
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; method: string }

/** Locates a file shipped next to the bundle (dist/ or media/), or in the repository when running from out/. */
function locate(explicit: string | undefined, rel: string[], what: string): string {
  if (explicit) return explicit;
  const bases = [__dirname, path.join(__dirname, '..')];
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'esbuild.mjs'))) { bases.push(dir); break; }
    dir = path.dirname(dir);
  }
  for (const base of bases) {
    for (const r of rel) {
      const p = path.join(base, r);
      if (fs.existsSync(p)) return p;
    }
  }
  throw new SqlExplainError('config', `${what} not found (looked in ${bases.join(', ')}). Build first: \`node esbuild.mjs\`.`);
}

export class PgliteProcess implements PgSession {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private exited = false;
  startInfo: PgliteStartInfo | undefined;
  onExit: (() => void) | undefined;

  private constructor(private readonly opts: PgliteProcessOptions) {}

  get alive(): boolean {
    return !this.exited;
  }

  static async start(opts: PgliteProcessOptions): Promise<PgliteProcess> {
    const p = new PgliteProcess(opts);
    await p.spawn();
    return p;
  }

  private async spawn(): Promise<void> {
    const workerPath = locate(this.opts.workerPath, ['pglite-worker.js', 'dist/pglite-worker.js'], 'The embedded engine worker (dist/pglite-worker.js)');
    const assetsDir = path.dirname(locate(this.opts.assetsDir ? path.join(this.opts.assetsDir, 'pglite.wasm') : undefined, ['media/pglite/pglite.wasm', '../media/pglite/pglite.wasm'], 'PGlite assets (media/pglite/pglite.wasm)'));
    fs.mkdirSync(this.opts.cacheDir, { recursive: true });
    const t0 = Date.now();
    const child = fork(workerPath, [], {
      execPath: this.opts.execPath ?? process.execPath,
      env: { ...process.env, ...(this.opts.env ?? {}) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Electron's Node needs no extra flags; keep inspector/ts flags of the parent out of the child.
      execArgv: [],
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => { this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
    child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: PgDbError; ready?: boolean }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error?.message ?? 'embedded engine error'), m.error));
    });
    child.on('exit', (code, signal) => this.handleExit(code, signal));
    child.on('error', (e) => this.handleExit(null, null, e));
    const info = await this.request('init', {
      assetsDir, cacheDir: this.opts.cacheDir, extensions: this.opts.extensions,
    }, Math.max(this.opts.requestTimeoutMs ?? 60_000, 120_000)) as Omit<PgliteStartInfo, 'forkMs'>;
    this.startInfo = { ...info, forkMs: Date.now() - t0 };
    this.opts.log?.(`embedded PostgreSQL ready in ${Date.now() - t0} ms${info.templateCreated ? ' (first start: data directory initialised)' : ''}`);
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    if (this.exited) return;
    this.exited = true;
    clearTimeout(this.idleTimer);
    const why = err ? err.message : `exit code ${code ?? '?'}${signal ? `, signal ${signal}` : ''}`;
    const tail = this.stderrTail.trim() ? ` Last output: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SqlExplainError('engine', `The embedded PostgreSQL process stopped (${why}) during "${p.method}".${tail} It restarts on the next request.`));
      this.pending.delete(id);
    }
    this.onExit?.();
  }

  private request(method: string, params: unknown, timeoutMs = this.opts.requestTimeoutMs ?? 60_000): Promise<unknown> {
    if (this.exited || !this.child?.connected) {
      return Promise.reject(new SqlExplainError('engine', 'The embedded PostgreSQL process is not running; it restarts on the next request.'));
    }
    this.touch();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SqlExplainError('timeout', `The embedded PostgreSQL did not answer "${method}" within ${Math.round(timeoutMs / 1000)} s; it was stopped and restarts on the next request.`));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      try {
        this.child!.send({ id, method, params });
      } catch (e) {
        // The channel closed between the check and the send (the child is exiting).
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SqlExplainError('engine', `The embedded PostgreSQL process is not reachable (${(e as Error).message}); it restarts on the next request.`));
      }
    });
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const idle = this.opts.idleTimeoutMs ?? 5 * 60_000;
    if (idle > 0) {
      this.idleTimer = setTimeout(() => {
        if (this.pending.size === 0) void this.close();
        else this.touch();
      }, idle);
      this.idleTimer.unref();
    }
  }

  /**
   * Time limit for queries, set per EXPLAIN from its statement timeout. PGlite runs in one WASM thread
   * and ignores statement_timeout (pg_sleep(30) sleeps 30 s), so the limit is enforced from here: a
   * query past it has its process killed (the engine restarts on the next request).
   */
  queryTimeoutMs: number | undefined;

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    return (await this.request('query', sql, this.queryTimeoutMs ?? this.opts.requestTimeoutMs)) as Array<Record<string, unknown>>;
  }

  /** Run statements one by one (failures collected). `timeoutMs` bounds the whole request; past it the process is killed. */
  async execMany(statements: string[], timeoutMs = Math.max(this.opts.requestTimeoutMs ?? 60_000, 180_000)): Promise<Array<PgDbError | null>> {
    return (await this.request('execMany', statements, timeoutMs)) as Array<PgDbError | null>;
  }

  async memory(): Promise<NodeJS.MemoryUsage> {
    return (await this.request('memory', null)) as NodeJS.MemoryUsage;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  kill(): void {
    if (!this.exited) this.child?.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.child?.once('exit', () => r()));
    try {
      await Promise.race([this.request('close', null, 5000), new Promise((r) => setTimeout(r, 5000))]);
    } catch { /* killed below */ }
    const forced = setTimeout(() => this.kill(), 3000);
    await Promise.race([done, new Promise((r) => setTimeout(r, 3500))]);
    clearTimeout(forced);
    this.kill();
  }
}
