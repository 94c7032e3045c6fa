/**
 * Offline rule findings over the audited files, handed to the core as hints: the model is asked to
 * confirm or refute each, and the report marks findings as rule-backed, AI-only or both. The rules
 * run through the offline-rules feature (dist/rules.js, which keeps the TypeScript compiler and
 * tree-sitter off the extension host's thread), so the editor diagnostics and the audit share one
 * engine. Best effort: if the rules fail, the audit runs without them and says so.
 */
import type * as vscode from 'vscode';
import { compareSeverity, type Finding } from '../../core/audit/findings';
import type { AuditTarget } from '../../core/audit/types';
import { loadFeature } from '../lazy';

export interface RuleHintResult {
  hints: Finding[];
  /** For the report: which files the rules read and what they found. */
  note: string;
}

/** Same cap as the core's ruleHints: hints must never crowd the code out of the prompt. */
const MAX_HINTS = 40;

export async function ruleHints(targets: readonly AuditTarget[], log: vscode.LogOutputChannel): Promise<RuleHintResult> {
  let rules: typeof import('../rules/host');
  try {
    rules = loadFeature<typeof import('../rules/host')>('rules');
  } catch (e) {
    log.warn(`Offline rules are not available, auditing without them: ${(e as Error).message}`);
    return { hints: [], note: 'offline rules are not available in this build; see the Stakes log' };
  }
  const all: Finding[] = [];
  const languages = new Set<string>();
  const failed: string[] = [];
  let analysed = 0;
  for (const t of targets) {
    try {
      const r = await rules.analyzeDocument(t.path, t.content);
      if (!r.language || r.skipped) continue;
      analysed++;
      languages.add(r.language);
      all.push(...r.findings);
    } catch (e) {
      failed.push(t.path);
      log.warn(`Offline rules failed on ${t.path}, auditing it without them: ${(e as Error).message}`);
    }
  }
  const hints = all.sort((a, b) => compareSeverity(a.severity, b.severity)).slice(0, MAX_HINTS);
  const failures = failed.length ? `; they failed on ${failed.join(', ')} (see the Stakes log)` : '';
  if (analysed === 0) {
    return { hints: [], note: `no offline rules for these file types (they cover TypeScript/JavaScript, Python and SQL)${failures}` };
  }
  const n = hints.length;
  return {
    hints,
    note: `offline rules ran over ${analysed} of ${targets.length} file${targets.length === 1 ? '' : 's'} (${[...languages].join(', ')}): ` +
      `${n} hit${n === 1 ? '' : 's'} passed to the model to confirm or refute${failures}`,
  };
}
