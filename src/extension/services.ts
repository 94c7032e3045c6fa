/** What every extension feature gets from activation: shared, light objects only. */
import type * as vscode from 'vscode';
import type { Classification } from '../core/classify/types';
import type { StakesConfig } from '../core/routing/config';
import type { ExplainRequest, ExplainResult } from '../core/sql/types';
import type { ReviewDebtSignal } from './reviewDebt';

export interface Services {
  output: vscode.LogOutputChannel;
  /** Label a document (or a range of it) with the same rules, globs and pins as the status bar. */
  classifyDocument(document: vscode.TextDocument, range?: vscode.Range): Classification;
  /** The effective routing configuration (defaults ← settings ← .stakes.json). */
  config(): StakesConfig;
  /** Fires after settings or .stakes.json changed and the configuration was reloaded. */
  onDidChangeConfig: vscode.Event<StakesConfig>;
  /** The database the user configured for EXPLAIN (stakes.sql.*, workspace trust applied), for other features (the agent tools). */
  sqlConfiguration(uri?: vscode.Uri): Promise<ConfiguredSql>;
  /**
   * EXPLAIN on the SQL feature's engines, so the editor keeps one embedded PostgreSQL, warm, for
   * every feature. Set by the SQL feature's register(); until then it fails with a reason.
   */
  explainSql: (req: ExplainRequest) => Promise<ExplainResult>;
  /** The review debt count (set by the review feature, shown by the status bar) and "a record was written" (from the audit feature). */
  reviewDebt: ReviewDebtSignal;
}

/** The SQL settings as plain data (it crosses to worker threads and child processes). */
export interface ConfiguredSql {
  /** '' for the embedded engine; otherwise the URL without a password (sqlite: paths absolute). */
  connection: string;
  kind: 'embedded' | 'postgres' | 'mysql' | 'sqlite';
  /** The password stored for the connection in SecretStorage; never logged or shown. */
  password?: string;
  /** Schema file or migrations folder for the embedded engine, when set. */
  schemaPaths?: string[];
  assumedRows: Record<string, number>;
  defaultAssumedRows: number;
  statementTimeoutMs: number;
  /** Set when stakes.sql.connection cannot be used; the message says what to do. */
  problem?: string;
}
