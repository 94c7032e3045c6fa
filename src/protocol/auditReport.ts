/**
 * Messages between the audit report webview and the extension host. The webview is untrusted
 * input: every message it posts is validated here before the host acts on it, and messages only
 * name findings by id, so a tampered webview cannot make the host edit an arbitrary file.
 */
import { z } from 'zod';
import type { AuditReport } from '../core/audit/findings';

const FindingRef = z.string().min(1).max(200);

export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('reveal'), findingId: FindingRef }).strict(),
  z.object({ type: z.literal('copyFix'), findingId: FindingRef }).strict(),
  z.object({ type: z.literal('applyFix'), findingId: FindingRef }).strict(),
  z.object({ type: z.literal('suppress'), findingId: FindingRef, suppressed: z.boolean() }).strict(),
  z.object({ type: z.literal('export'), format: z.enum(['sarif', 'markdown']) }).strict(),
  z.object({ type: z.literal('rerun') }).strict(),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** Parse an inbound message; returns a one-line reason instead of throwing. */
export function parseWebviewMessage(raw: unknown): { ok: true; message: WebviewMessage } | { ok: false; reason: string } {
  const result = WebviewMessage.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const at = issue && issue.path.length ? issue.path.join('.') : 'message';
  return { ok: false, reason: `${at}: ${issue?.message ?? 'invalid'}` };
}

/** What was audited, shown with the results (and as the whole answer when nothing was found). */
export interface ReportScope {
  /** "src/orders.ts", "selection in src/orders.ts (lines 10–42)", "uncommitted changes", "branch feature/x against origin/main". */
  title: string;
  /** Each file sent, with the lines judged ("whole file", "lines 10–42", "changed lines 4–9, 30–31"). */
  files: Array<{ file: string; judged: string }>;
  /** Files left out and why ("matches stakes.audit.exclude: **\/.env*", "binary"). */
  skipped: Array<{ file: string; reason: string }>;
  /** Secrets replaced by placeholders before sending. */
  redactions: number;
  /** Label that chose the model, with its reason, when routing decided. */
  label?: { label: string; why: string };
  /** Offline rules that ran over the same code ("3 rule findings passed to the model as hints"), when they did. */
  rules?: string;
  /** Anything else the reader should know: findings dropped on unchanged lines, a repaired answer, ignored settings. */
  notes?: string[];
}

export interface ReportRun {
  /** ISO time the results were produced. */
  finishedAt: string;
  durationMs: number;
  /** True when the results came from the cache and no call was made. */
  cached: boolean;
  /** Why the cost is what it is ("local server: no per-token cost", "billed to your Copilot plan"). */
  costNote?: string;
}

/** Host → webview: the full state to render. Sent on open, on every new run and on suppression changes. */
export interface ReportStateMessage {
  type: 'state';
  report: AuditReport | null;
  scope: ReportScope | null;
  run: ReportRun | null;
  /** Ids of findings marked as false positives. */
  suppressed: string[];
  /** Set while an audit is running, so the view can say so. */
  running?: string;
}

export interface ReportFocusMessage {
  type: 'focus';
  findingId: string;
}

export type HostMessage = ReportStateMessage | ReportFocusMessage;
