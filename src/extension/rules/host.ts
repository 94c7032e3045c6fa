/**
 * The offline rules for the editor, off the extension host's thread: requests go to a worker
 * (dist/rules-worker.js) that holds the TypeScript compiler and the tree-sitter parser. A worker
 * that crashes or hangs is replaced; the caller gets an error it can log, never a frozen host.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { mainBranchHistory } from '../../core/review/git';
import { mayBeMigration } from '../../core/rules/migrationPath';
import type { FileResult } from '../../core/rules';
import type { RulesRequest, RulesResponse } from './worker';

/** Generous: the first file loads the compiler; a busy machine can be slow. A hang beyond this restarts the worker. */
const REQUEST_TIMEOUT_MS = 30_000;

interface Pending {
  resolve: (r: FileResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(reason: string): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    p.reject(new Error(reason));
    pending.delete(id);
  }
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(path.join(__dirname, 'rules-worker.js'));
  w.unref(); // never keeps VS Code (or a test run) alive
  w.on('message', (msg: RulesResponse) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if ('error' in msg) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  w.on('error', (err) => {
    worker = undefined;
    failAll(`the rules worker failed: ${err.message}`);
  });
  w.on('exit', (code) => {
    if (worker === w) worker = undefined;
    if (code !== 0) failAll(`the rules worker exited with code ${code}`);
  });
  worker = w;
  return w;
}

/** How long one answer about the main branch is reused: saves and git operations are seconds apart. */
const HISTORY_TTL_MS = 15_000;
const histories = new Map<string, { at: number; answer: ReturnType<typeof mainBranchHistory> }>();

/** Whether a file is on the main branch and unchanged since (a migration there has run); false when git cannot tell. */
async function onMainBranch(absPath: string): Promise<boolean> {
  if (!mayBeMigration(absPath)) return false;
  const dir = path.dirname(absPath);
  let entry = histories.get(dir);
  if (!entry || Date.now() - entry.at > HISTORY_TTL_MS) {
    entry = { at: Date.now(), answer: mainBranchHistory(dir).catch(() => null) };
    histories.set(dir, entry);
  }
  const history = await entry.answer;
  return !!history && history.has(path.relative(history.root, absPath).split(path.sep).join('/'));
}

export async function analyzeDocument(filePath: string, text: string, absPath?: string): Promise<FileResult> {
  const history = absPath ? await onMainBranch(absPath) : false;
  const w = ensureWorker();
  const id = nextId++;
  return new Promise<FileResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`the rules took longer than ${REQUEST_TIMEOUT_MS / 1000} s on ${filePath}; the worker was restarted`));
      if (worker === w) worker = undefined;
      void w.terminate();
    }, REQUEST_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    w.postMessage({ id, path: filePath, text, onMainBranch: history } satisfies RulesRequest);
  });
}

/** Stop the worker (extension deactivation). */
export function disposeRulesWorker(): void {
  failAll('the rules worker was stopped');
  const w = worker;
  worker = undefined;
  void w?.terminate();
}
