/**
 * Where Stakes keeps what it may throw away and rebuild: audit results, the spend ledger, raw model
 * answers kept for debugging, and the embedded PostgreSQL's template database. One decision for
 * the CLI and the extension: $STAKES_CACHE_DIR when set; otherwise the host's own place (VS Code:
 * the extension's global storage); otherwise $XDG_CACHE_HOME/stakes, else ~/.cache/stakes.
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** The cache root. `hostDefault` is the host's own storage folder, when it has one. */
export function stakesCacheDir(env: NodeJS.ProcessEnv = process.env, hostDefault?: string): string {
  const pinned = env.STAKES_CACHE_DIR?.trim();
  if (pinned) return path.resolve(pinned);
  if (hostDefault) return hostDefault;
  // XDG Base Directory: an empty or relative XDG_CACHE_HOME is to be ignored.
  const xdg = env.XDG_CACHE_HOME?.trim();
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'stakes');
}

/** What lives under the cache root. */
export interface CacheLayout {
  root: string;
  /** Audit results by code, scope, model and prompt (core/audit/cache.ts). */
  auditResults: string;
  /** Today's estimated spend, for the per-day budget (core/audit/budget.ts). */
  spendLedger: string;
  /** A model's first answer when it failed validation and was repaired. */
  rawResponses: string;
  /** The embedded PostgreSQL's template database (core/sql: the Explainer's cacheDir). */
  sql: string;
}

export function cacheLayout(root: string): CacheLayout {
  return {
    root,
    auditResults: path.join(root, 'audit-cache'),
    spendLedger: path.join(root, 'audit-spend.json'),
    rawResponses: path.join(root, 'audit-raw'),
    sql: root,
  };
}
