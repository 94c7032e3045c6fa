/** What every engine adapter implements; the explain pipeline (api.ts) only talks to this. */
import type { CandidateOutcome, EngineKind, IndexCandidate, PlanFormat, PlanNode, PlanSummary, SchemaLoadReport } from '../types';

export interface EngineExplainRequest {
  /** User's SQL with placeholders normalized to `$n`. */
  sql: string;
  paramCount: number;
  analyze: boolean;
  statementTimeoutMs: number;
}

export interface EngineExplainOutput {
  raw: unknown;
  format: PlanFormat;
  plan: PlanNode;
  summary: PlanSummary;
  /** The SQL actually sent (engine placeholder style / sample values inlined). */
  sentSql: string;
  parameterMode: 'none' | 'generic-plan' | 'prepared-generic' | 'sample-values';
  warnings: string[];
}

export interface TableInfo {
  /** Estimated rows per table (lower-case name). */
  rows: Record<string, number>;
  /** Existing btree-like indexes per table: column lists (lower-case). */
  indexes: Record<string, string[][]>;
  /** Columns per table (lower-case), with type names. */
  columns: Record<string, Record<string, string>>;
  /** Schema per table when known. */
  schemas: Record<string, string>;
}

export interface TrialResult {
  plan: PlanNode;
  cost: number;
  /** Whether the new plan uses the candidate index. */
  used: boolean;
}

export interface ExplainEngine {
  readonly kind: EngineKind;
  readonly label: string;
  /** Server/engine version string. */
  version(): Promise<string>;
  explain(req: EngineExplainRequest): Promise<EngineExplainOutput>;
  tableInfo(tables: string[]): Promise<TableInfo>;
  /** Re-explains with a hypothetical or trial index in place; nothing persists. */
  tryIndex(req: EngineExplainRequest, candidate: IndexCandidate, info: TableInfo): Promise<TrialResult>;
  readonly indexMethod: 'hypopg' | 'trial-index';
  /** Text of the suggestion statement for this engine. */
  createIndexStatement(candidate: IndexCandidate): string;
  /** MySQL/MariaDB: cost without the index on the same temporary copy the trials use. */
  trialBaseline?(req: EngineExplainRequest, table: string): Promise<number>;
  /** Plan cost used to compare candidates (PostgreSQL total cost; rows examined on MariaDB/SQLite). */
  planCost(plan: PlanNode): number;
  /** Embedded only: costs rest on assumed sizes. */
  readonly estimate: boolean;
  assumedRows?(): Record<string, number>;
  schemaReport?(): SchemaLoadReport | undefined;
  close(): Promise<void>;
}

export type { CandidateOutcome };
