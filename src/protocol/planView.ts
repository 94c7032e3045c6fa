/**
 * Messages between the SQL plan webview and the extension host. The host validates every inbound
 * message with `PlanViewInbound` (a webview is untrusted input); the webview imports types only,
 * so zod stays out of media/planView.js.
 */
import { z } from 'zod';
import type { ExplainResult, SqlErrorKind } from '../core/sql/types';

/** Where the explained SQL came from, as the view shows it. */
export interface PlanSource {
  /** Workspace-relative path for display, e.g. "src/orders/repository.ts". */
  label: string;
  /** 1-based line for display. */
  line: number;
  /** How it was found ("tagged sql template", "selection", ".sql file"). */
  via: string;
}

/** The result as sent to the webview: suggestions' after-plans are kept, raw plan pre-rendered. */
export interface PlanViewData {
  result: ExplainResult;
  source?: PlanSource;
  /** Raw plan as text (JSON pretty-printed, or the engine's text). */
  rawText: string;
  rawLabel: string;
  /** Workspace-relative path → label for skipped migration statements. */
  workspaceRoot?: string;
}

export type PlanViewOutbound =
  | { type: 'running'; title: string; detail?: string; analyze: boolean }
  | { type: 'result'; data: PlanViewData }
  | {
    type: 'error'; title: string; kind: SqlErrorKind | 'internal'; message: string; source?: PlanSource; sql?: string;
    position?: { line: number; character: number };
    /** Set when the embedded engine lacks a table or column: where its schema comes from. */
    schemaHint?: string;
  };

export const PlanViewInbound = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('copySql') }).strict(),
  z.object({ type: z.literal('copyIndex'), index: z.number().int().min(0).max(1000) }).strict(),
  z.object({ type: z.literal('copyRaw') }).strict(),
  z.object({ type: z.literal('revealSql') }).strict(),
  z.object({ type: z.literal('rerun'), analyze: z.boolean() }).strict(),
  z.object({ type: z.literal('openSetting'), setting: z.enum(['stakes.sql.assumedRows', 'stakes.sql.defaultAssumedRows', 'stakes.sql.connection', 'stakes.sql.migrationsPath', 'stakes.sql.schemaFile']) }).strict(),
  z.object({ type: z.literal('chooseConnection') }).strict(),
  z.object({ type: z.literal('openSkipped'), index: z.number().int().min(0).max(100000) }).strict(),
]);
export type PlanViewInbound = z.infer<typeof PlanViewInbound>;
