/**
 * Offline rule findings over the audited files, handed to the core as hints: the model is asked to
 * confirm or refute each, and the report marks findings as rule-backed, AI-only or both. Rules are
 * best effort here: if a parser fails, the audit still runs and the log says why.
 */
import type * as vscode from 'vscode';
import type { Finding } from '../../core/audit/findings';
import type { AuditTarget } from '../../core/audit/types';
import { languageOf, ruleHints as coreRuleHints } from '../../core/rules';

export interface RuleHintResult {
  hints: Finding[];
  /** For the report: which files the rules could read ("rules ran over 3 of 4 files (TypeScript, SQL)"). */
  note: string;
}

export async function ruleHints(targets: readonly AuditTarget[], log: vscode.LogOutputChannel): Promise<RuleHintResult> {
  const files = targets.filter((t) => languageOf(t.path) !== null).map((t) => ({ path: t.path, text: t.content }));
  if (files.length === 0) {
    return { hints: [], note: 'no offline rules for these file types (they cover TypeScript/JavaScript, Python and SQL)' };
  }
  try {
    const hints = await coreRuleHints(files);
    const langs = [...new Set(files.map((f) => languageOf(f.path)))].join(', ');
    return { hints, note: `offline rules ran over ${files.length} of ${targets.length} file${targets.length === 1 ? '' : 's'} (${langs}): ${hints.length} hit${hints.length === 1 ? '' : 's'} passed to the model to confirm or refute` };
  } catch (e) {
    log.warn(`Offline rules could not run, auditing without them: ${(e as Error)?.message ?? String(e)}`);
    return { hints: [], note: `offline rules could not run (${(e as Error)?.message ?? 'unknown error'}); see the Stakes log` };
  }
}
