/**
 * Applying a finding's suggested fix: the evidence is located again in the document as it is now
 * (it may have moved since the audit), and only an exact quote (whitespace aside) is replaced, so
 * an abbreviated quote ("a ... b") or code that changed since is never overwritten blindly.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../core/audit/findings';
import { GroundingIndex } from '../../core/audit/grounding';

function compact(s: string): string {
  return s.replace(/\s+/g, '');
}

/** The range of the finding's evidence in the document now, or why it cannot be found. */
export function locateEvidenceNow(document: vscode.TextDocument, finding: Finding, nearLine: number): vscode.Range | string {
  const anchor = new GroundingIndex(document.getText()).locate(finding.evidence, nearLine);
  if (!anchor) {
    return 'The code this finding quotes is no longer in the file (it was edited since the audit). Re-run the audit.';
  }
  const range = new vscode.Range(anchor.startLine - 1, anchor.startColumn, anchor.endLine - 1, anchor.endColumn);
  if (compact(document.getText(range)) !== compact(finding.evidence)) {
    return 'The finding quotes the code only in part, so its fix cannot be applied automatically: copy the fix and apply it by hand.';
  }
  return range;
}

/** Fix text placed at the evidence's position: its first line takes the evidence's own indentation. */
export function fixText(fix: string): string {
  return fix.replace(/^\s+/, '').replace(/\s+$/, '');
}

export function buildFixEdit(document: vscode.TextDocument, finding: Finding, nearLine: number): vscode.WorkspaceEdit | string {
  if (finding.fix === null || finding.fix.trim() === '') return 'This finding has no suggested fix.';
  const where = locateEvidenceNow(document, finding, nearLine);
  if (typeof where === 'string') return where;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, where, fixText(finding.fix), {
    label: `Stakes: ${finding.title}`,
    needsConfirmation: false,
    description: finding.source === 'ai' ? 'AI-suggested fix: review it' : undefined,
  });
  return edit;
}
