import type { Label } from '../labels';

/** One document as the classifier sees it. Paths are workspace-relative with forward slashes. */
export interface DocumentInput {
  path: string;
  /** VS Code language id when known (typescript, python, sql…); otherwise derived from the extension. */
  languageId?: string;
  /** Text, or raw bytes when the caller does not know whether it is text (binary / non-UTF-8 detection). */
  content: string | Uint8Array;
  /** Full length in characters when `content` is only the head of the document (documents open beside it, huge files). */
  length?: number;
  /** Line count of the whole document when `content` is only its head. */
  totalLines?: number;
  /** 1-based inclusive line range of the selection or cursor, when known. */
  selection?: { startLine: number; endLine: number };
}

/** One edit seen recently: which file, when, how much. */
export interface EditEvent {
  path: string;
  /** Epoch milliseconds. */
  at: number;
  /** Characters inserted plus deleted. */
  size: number;
}

export interface ClassifyInput {
  active: DocumentInput;
  /** Other open and visible documents (text may be omitted for huge ones: pass ''). */
  others?: DocumentInput[];
  /** Recent edits, any order; the classifier keeps only those inside the activity window. */
  activity?: EditEvent[];
  /** Epoch ms "now" (tests pin it). */
  now?: number;
  /** Files with uncommitted changes in the working tree (from git), workspace-relative. */
  workingTree?: string[];
}

/** A piece of evidence: which signal fired, for which label, and where. */
export interface Reason {
  signal: string;
  label: Label;
  weight: number;
  /** Human sentence, e.g. "imports jsonwebtoken (line 3)". */
  detail: string;
  file?: string;
  line?: number;
}

export interface Classification {
  file: string;
  label: Label;
  /** 0..1: how clearly the winner beat the runner-up, damped when evidence is thin. */
  confidence: number;
  scores: Record<Label, number>;
  reasons: Reason[];
  runnerUp: { label: Label; score: number } | null;
  /** What the bounded scan did not look at, and why ("binary file", "lines after 20,000 not scanned"). */
  skipped: string[];
  /** Set when the label came from a pin or a `.stakes.json` glob rather than from signals. */
  override?: { source: 'pin' | 'glob'; detail: string };
  /** Set when the evidence is too thin for a confident label: the status bar shows the label as a guess. */
  evidence?: { thin: true; linesRead: number; detail: string };
  /** The learned model could not be read, so the signal table's own weights decided (why). */
  modelError?: string;
}
