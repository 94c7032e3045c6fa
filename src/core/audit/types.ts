/**
 * The audit pipeline's public types: what the extension and the CLI hand in, and what they get back.
 *
 * API (all in src/core/audit/, none imports vscode):
 *   prepareAudit(request)            → PreparedAudit   (pipeline.ts) exact redacted payload + estimate, sends nothing
 *   runAudit(request, options)       → Promise<AuditRun> (pipeline.ts) cache → local-only → budget → provider → repair → grounding
 *   countAuditTokens(request, {signal, timeoutMs}) → exact input tokens from the provider's counting endpoint (pipeline.ts)
 *   payloadText(prepared) / describeChecked(prepared) / describeUsage(report)   (pipeline.ts) texts for previews and messages
 *   parseUnifiedDiff(text)           → FileDiff[]      (diff.ts) `git diff` output → hunks
 *   changesScopeFromDiff(fileDiff, base) → AuditScope  (scope.ts); judgedRanges(target) → the lines that are judged
 *   modelChoices(config, inputTokens, maxOutputTokens, pricing?) → ModelChoice[] (cost.ts) every configured model with its cost
 *   estimateCost / priceFor / costOf / formatUsd (cost.ts); estimateTokens(text) (tokens.ts)
 *   GroundingIndex(text).locate(evidence, claimedLine, judged?) (grounding.ts) whitespace-insensitive re-anchoring
 *   findingId / mergeFindings (merge.ts); Redactor, excludedBy, DEFAULT_EXCLUDE_GLOBS (redaction.ts)
 *   checkBudget / recordSpend / spentToday (budget.ts); PROMPT_VERSION (prompt.ts)
 *   toSarif(report, options)         → SARIF 2.1.0 log (sarif.ts)
 *   toMarkdown(report, checked?)     → string          (markdown.ts)
 *   registerProvider(id, factory, {displayName, cloud}) / createProvider / isCloudProvider   (src/core/providers/registry.ts)
 *   structuredFromText(text, schema) / schemaPromptSection(schema)          (src/core/providers/json-output.ts) for vscode-lm
 * Errors: every failure is a ProviderError (src/core/providers/types.ts) whose `kind` says what
 * happened and whose message says what to do.
 */
import type { AuditReport, Finding } from './findings';
import type { ProviderSettings } from '../providers/types';

/** A 1-based inclusive line range. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** One line of a unified diff hunk. Removed lines have no new-file line number. */
export interface DiffLine {
  kind: 'add' | 'remove' | 'context';
  text: string;
  oldLine: number | null;
  newLine: number | null;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  oldPath: string | null;
  newPath: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  binary: boolean;
  hunks: DiffHunk[];
}

/** What part of a file is judged. Other lines may be sent as context but are never reported on. */
export type AuditScope =
  | { kind: 'file' }
  | { kind: 'selection'; startLine: number; endLine: number }
  | {
      kind: 'changes';
      /** What the changes are against, for messages: "HEAD" (uncommitted) or a branch/commit. */
      base: string;
      /** The file's diff hunks (new-file line numbers), from parseUnifiedDiff. */
      hunks: DiffHunk[];
    };

/** One file to audit: its current text and what part of it is judged. */
export interface AuditTarget {
  /** Workspace-relative path with forward slashes; used in the prompt, findings and SARIF. */
  path: string;
  content: string;
  languageId?: string;
  scope: AuditScope;
  /** Absolute path on disk, when the target is a saved file: exclusions follow symlinks through it. */
  file?: string;
}

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}
export type PricingTable = Record<string, ModelPrice>;

export interface AuditRequest {
  targets: AuditTarget[];
  /** Provider id: openai | anthropic | google | openai-compatible | vscode-lm (or one registered at runtime). */
  provider: string;
  model: string;
  settings?: ProviderSettings;
  /** Deterministic rule findings (source 'rule'): shown to the model as hints and merged into the report. */
  hints?: Finding[];
  /** Globs of files never sent (default DEFAULT_EXCLUDE_GLOBS in redaction.ts). Matched against `path`. */
  exclude?: string[];
  /** Refuse every provider whose requests leave the machine. */
  localOnly?: boolean;
  /** Per-model price overrides, merged over DEFAULT_PRICING (keys: model id). */
  pricing?: PricingTable;
  /** Context lines around changed hunks and selections (default 12). */
  contextLines?: number;
  /** Output token cap, reasoning included (default 16 000). */
  maxOutputTokens?: number;
  /** Refuse to send more than this many (estimated) input tokens in one audit (default 200 000). */
  maxInputTokens?: number;
}

export interface AuditOptions {
  signal?: AbortSignal;
  /** Per-attempt time limit, default 120 000 ms. */
  timeoutMs?: number;
  /** Directory for cached reports; omitted → no cache. */
  cacheDir?: string;
  /** Re-run even when a cached report exists. */
  refresh?: boolean;
  /** JSON ledger of spend per day (for budget.perDayUsd). Required when perDayUsd is set. */
  ledgerPath?: string;
  budget?: { perRunUsd?: number; perDayUsd?: number };
  /** Where raw responses that failed validation are written (default: <os tmp>/stakes-audit). */
  rawResponseDir?: string;
  /** Clock, for tests of the per-day ledger. */
  now?: () => Date;
  /** Stage names as the run progresses ("cache", "sending", "repairing", "grounding"), for progress UI. */
  onProgress?: (stage: string) => void;
}

export interface CostEstimate {
  inputTokens: number;
  /** The output cap; what `maxCostUsd` assumes. */
  maxOutputTokens: number;
  /** Input cost plus a typical review's output. null when the model has no known price. */
  costUsd: number | null;
  /** Input cost plus the full output cap: what budget caps are checked against. */
  maxCostUsd: number | null;
  /** Why the price is what it is ("local server: free", "no price known for model x: set stakes.audit.pricing"). */
  note?: string;
}

/** A secret replaced before sending, without its value. */
export interface RedactionNote {
  placeholder: string;
  kind: string;
  file: string;
  line: number;
}

/** Which lines of which file are judged, for "what was checked". */
export interface CheckedFile {
  path: string;
  scope: AuditScope['kind'];
  ranges: LineRange[];
  /** For changes: the base; for a selection: "lines 10–40". */
  detail: string;
}

export interface PreparedAudit {
  /** The exact text that will be sent (after redaction). */
  payload: { system: string; user: string };
  estimate: CostEstimate;
  model: { provider: string; id: string };
  checked: CheckedFile[];
  /** Files not sent, and why (exclusion glob, binary, nothing changed). */
  excluded: Array<{ path: string; reason: string }>;
  redactions: RedactionNote[];
  /** Lines not sent because they are too long to check for secrets (file, line, length). */
  withheld: Array<{ file: string; line: number; chars: number }>;
  /** Content hash + scope + provider + model + prompt version. */
  cacheKey: string;
  promptVersion: string;
}

export interface AuditRun {
  report: AuditReport;
  /** True when the report came from the cache and no call was made. */
  cached: boolean;
  /** The payload as sent (system + user), for "Show what was sent". */
  payloadPreview: string;
  /** Set when the first response failed validation and was kept for inspection. */
  rawResponsePath?: string;
  prepared: PreparedAudit;
  /** Findings the model placed outside the judged lines (unchanged code, outside the selection): dropped. */
  droppedOutsideScope: number;
  /** Findings that failed validation on their own and were dropped (one problem each); the valid ones were kept. */
  droppedInvalid: string[];
  /** One sentence: which files and lines were checked, for what, by which model. */
  checkedDescription: string;
  durationMs: number;
  /** True when the first answer failed validation and the repair attempt fixed it. */
  repaired: boolean;
}
