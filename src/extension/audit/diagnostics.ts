/**
 * Audit findings in the Problems panel (collection "stakes", source "Stakes", code = category or
 * category/CWE linking to the CWE entry) and their quick fixes. Only grounded, not suppressed
 * findings become diagnostics; unverified ones stay in the report.
 */
import * as vscode from 'vscode';
import type { Finding, Severity } from '../../core/audit/findings';
import { countLineBreaks, shiftSpan, type LineEdit } from './lineShift';

export const DIAGNOSTIC_SOURCE = 'Stakes';

export interface PlacedFinding {
  id: string;
  uri: vscode.Uri;
  finding: Finding;
}

interface Entry {
  id: string;
  diagnostic: vscode.Diagnostic;
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  info: vscode.DiagnosticSeverity.Hint,
};

/** The range a grounded finding covers (columns when the core located them, else whole lines). */
export function findingRange(f: Finding): vscode.Range {
  const start = new vscode.Position(Math.max(0, f.startLine - 1), f.startColumn ?? 0);
  const end = new vscode.Position(Math.max(0, f.endLine - 1), f.endColumn ?? Number.MAX_SAFE_INTEGER);
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

function diagnosticCode(f: Finding): vscode.Diagnostic['code'] {
  const value = f.cwe ? `${f.category}/${f.cwe}` : f.category;
  const num = f.cwe ? /^CWE-(\d+)$/.exec(f.cwe)?.[1] : undefined;
  return num ? { value, target: vscode.Uri.parse(`https://cwe.mitre.org/data/definitions/${num}.html`) } : value;
}

function sourceNote(f: Finding): string {
  if (f.source === 'both') return ` [rule ${f.ruleId ?? ''} + AI]`.replace(' ]', ']');
  if (f.source === 'rule') return ` [rule ${f.ruleId ?? ''}]`.replace(' ]', ']');
  return ' [AI]';
}

export class AuditDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('stakes');
  private readonly entries = new Map<string, Entry[]>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    this.disposables.push(vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)));
  }

  /** Replace the diagnostics of the given files (other files keep theirs from earlier audits). */
  replace(files: readonly vscode.Uri[], findings: readonly PlacedFinding[]): void {
    for (const uri of files) {
      this.entries.delete(uri.toString());
      this.collection.delete(uri);
    }
    const byUri = new Map<string, { uri: vscode.Uri; list: Entry[] }>();
    for (const p of findings) {
      const key = p.uri.toString();
      const slot = byUri.get(key) ?? { uri: p.uri, list: [] };
      slot.list.push({ id: p.id, diagnostic: this.toDiagnostic(p.finding) });
      byUri.set(key, slot);
    }
    for (const [key, { uri, list }] of byUri) {
      this.entries.set(key, list);
      this.collection.set(uri, list.map((e) => e.diagnostic));
    }
  }

  /** Drop one finding's diagnostic (marked false positive, or its fix applied). */
  remove(id: string): void {
    for (const [key, list] of this.entries) {
      const next = list.filter((e) => e.id !== id);
      if (next.length !== list.length) {
        this.entries.set(key, next);
        this.collection.set(vscode.Uri.parse(key), next.map((e) => e.diagnostic));
      }
    }
  }

  clear(): void {
    this.entries.clear();
    this.collection.clear();
  }

  /** The finding id behind a diagnostic handed to a code action provider (a copy, so matched by range and message). */
  idOf(uri: vscode.Uri, d: vscode.Diagnostic): string | undefined {
    return this.entries.get(uri.toString())?.find((e) => e.diagnostic.range.isEqual(d.range) && e.diagnostic.message === d.message)?.id;
  }

  /** Current range of a finding's diagnostic (it moves with edits above it). */
  rangeOf(id: string): { uri: vscode.Uri; range: vscode.Range } | undefined {
    for (const [key, list] of this.entries) {
      const e = list.find((x) => x.id === id);
      if (e) return { uri: vscode.Uri.parse(key), range: e.diagnostic.range };
    }
    return undefined;
  }

  private toDiagnostic(f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(findingRange(f), `${f.title}${sourceNote(f)}\n${f.explanation}`, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = diagnosticCode(f);
    return d;
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const list = this.entries.get(key);
    if (!list || e.contentChanges.length === 0) return;
    const edits: LineEdit[] = e.contentChanges.map((c) => ({
      startLine: c.range.start.line, endLine: c.range.end.line, insertedLineBreaks: countLineBreaks(c.text),
    }));
    let changed = false;
    const next: Entry[] = [];
    for (const entry of list) {
      const r = entry.diagnostic.range;
      const span = shiftSpan({ startLine: r.start.line, endLine: r.end.line }, edits);
      if (!span) {
        changed = true;
        continue;
      }
      if (span.startLine !== r.start.line) {
        changed = true;
        const moved = new vscode.Diagnostic(
          new vscode.Range(span.startLine, r.start.character, span.endLine, r.end.character), entry.diagnostic.message, entry.diagnostic.severity);
        moved.source = entry.diagnostic.source;
        moved.code = entry.diagnostic.code;
        next.push({ id: entry.id, diagnostic: moved });
      } else {
        next.push(entry);
      }
    }
    if (changed) {
      this.entries.set(key, next);
      this.collection.set(e.document.uri, next.map((x) => x.diagnostic));
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Quick fixes on Stakes diagnostics: apply the suggested fix, open the finding in the report, mark it a false positive. */
export class AuditCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly diagnostics: AuditDiagnostics,
    private readonly lookup: (id: string) => PlacedFinding | undefined,
    /** The edit that replaces the finding's evidence in this document with its fix, or why it cannot. */
    private readonly fixEdit: (document: vscode.TextDocument, placed: PlacedFinding) => vscode.WorkspaceEdit | string,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const id = this.diagnostics.idOf(document.uri, d);
      const placed = id ? this.lookup(id) : undefined;
      if (!id || !placed) continue;
      const f = placed.finding;
      if (f.fix !== null && f.fix.trim() !== '') {
        const edit = this.fixEdit(document, placed);
        const apply = new vscode.CodeAction(`Stakes: apply suggested fix (${f.title})`, vscode.CodeActionKind.QuickFix);
        apply.diagnostics = [d];
        if (typeof edit === 'string') {
          apply.disabled = { reason: edit };
        } else {
          apply.edit = edit;
          // Runs after the edit: drops the diagnostic and records the fix in the report.
          apply.command = { command: 'stakes.audit.fixApplied', title: 'Fix applied', arguments: [id] };
          apply.isPreferred = f.source !== 'ai';
        }
        actions.push(apply);
      }
      const open = new vscode.CodeAction('Stakes: open in audit report', vscode.CodeActionKind.QuickFix);
      open.command = { command: 'stakes.audit.revealFinding', title: 'Open in audit report', arguments: [id] };
      open.diagnostics = [d];
      actions.push(open);
      const fp = new vscode.CodeAction('Stakes: mark as false positive', vscode.CodeActionKind.QuickFix);
      fp.command = { command: 'stakes.audit.suppressFinding', title: 'Mark as false positive', arguments: [id] };
      fp.diagnostics = [d];
      actions.push(fp);
    }
    return actions;
  }
}
