/**
 * SQL findings as diagnostics ('stakes-sql') on the explained statement's range, so they show in
 * the Problems panel and as squiggles. One entry per explained statement; entries go stale (and
 * are removed) when the document is edited at or before them.
 */
import * as vscode from 'vscode';
import { registerCommands } from '../commands';
import type { Severity } from '../../core/audit/findings';
import type { ExplainResult, ExtractedStatement, IndexSuggestion, SqlFinding, SqlRange } from '../../core/sql/types';

const SOURCE = 'Stakes SQL';

export function toRange(r: SqlRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function diagnosticSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'critical': return vscode.DiagnosticSeverity.Error;
    case 'high':
    case 'medium': return vscode.DiagnosticSeverity.Warning;
    case 'low': return vscode.DiagnosticSeverity.Information;
    default: return vscode.DiagnosticSeverity.Hint;
  }
}

/** The diagnostic text: what, why, what to do, and the verified index when there is one. */
export function findingMessage(f: SqlFinding, result: Pick<ExplainResult, 'suggestions' | 'estimate'>): string {
  const lines = [`${f.title}${f.relation ? ` (${f.relation})` : ''}${result.estimate ? ' [estimate: assumed table sizes]' : ''}`, f.why, `What to do: ${f.action}`];
  const verified = result.suggestions.find((s) => f.relation && s.table === f.relation);
  if (verified && (f.id === 'indexable-seq-scan' || f.id === 'index-scan-filters-most-rows' || f.id === 'mysql-full-scan' || f.id === 'sqlite-full-scan')) {
    lines.push(`Verified index: ${verified.statement} (cost ${Math.round(verified.costBefore)} → ${Math.round(verified.costAfter)})`);
  }
  return lines.join('\n');
}

interface Entry {
  range: vscode.Range;
  diagnostics: vscode.Diagnostic[];
  /** Offset of the statement in its document, to explain it again from a quick fix. */
  startOffset: number;
  suggestions: IndexSuggestion[];
}

/** Internal command behind the "Copy verified index" quick fix (not contributed, not in the palette). */
export const COPY_INDEX_COMMAND = 'stakes.sql.copyIndexStatement';

export class SqlDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  readonly collection = vscode.languages.createDiagnosticCollection('stakes-sql');
  private readonly entries = new Map<string, Entry[]>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(output: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        const list = this.entries.get(e.document.uri.toString());
        if (!list?.length) return;
        const firstChangedLine = Math.min(...e.contentChanges.map((c) => c.range.start.line));
        // Diagnostics do not move with edits: drop those at or after the first edited line.
        const kept = list.filter((en) => en.range.end.line < firstChangedLine);
        if (kept.length !== list.length) this.store(e.document.uri, kept);
      }),
      vscode.languages.registerCodeActionsProvider({ scheme: '*' }, this, { providedCodeActionKinds: SqlDiagnostics.providedCodeActionKinds }),
      // The quick fix's command: registered with the SQL feature's bundle, never contributed.
      ...registerCommands([{ id: COPY_INDEX_COMMAND, run: async (statement) => {
        if (typeof statement !== 'string' || !/^CREATE INDEX/i.test(statement)) return;
        await vscode.env.clipboard.writeText(statement.endsWith(';') ? statement : `${statement};`);
        void vscode.window.setStatusBarMessage('$(check) Stakes: CREATE INDEX copied', 3000);
      } }], output),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        // Keep diagnostics of closed files only while their entries exist; nothing to do here
        // except for untitled documents, whose URI will never come back.
        if (doc.uri.scheme === 'untitled') this.store(doc.uri, []);
      }),
    );
  }

  /** Replaces the diagnostics of this statement with the result's findings. */
  setResult(uri: vscode.Uri, statement: ExtractedStatement, result: ExplainResult): void {
    const range = toRange(statement.range);
    const diagnostics = result.findings.map((f) => {
      const r = f.range && (!f.file || f.file === statement.file) ? toRange(f.range) : range;
      const d = new vscode.Diagnostic(r, findingMessage(f, result), diagnosticSeverity(f.severity));
      d.source = SOURCE;
      d.code = f.id;
      return d;
    });
    this.replace(uri, range, diagnostics, statement.startOffset, result.suggestions);
  }

  /** Quick fixes on Stakes SQL diagnostics: copy the verified index, explain the statement again. */
  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === SOURCE);
    if (!ours.length) return [];
    const entries = (this.entries.get(doc.uri.toString()) ?? []).filter((e) => e.diagnostics.some((d) => ours.includes(d)));
    const actions: vscode.CodeAction[] = [];
    for (const entry of entries) {
      const mine = entry.diagnostics.filter((d) => ours.includes(d));
      entry.suggestions.forEach((s, i) => {
        const a = new vscode.CodeAction(`Copy verified index: ${s.statement} (cost ${Math.round(s.costBefore)} → ${Math.round(s.costAfter)})`, vscode.CodeActionKind.QuickFix);
        a.command = { command: COPY_INDEX_COMMAND, title: 'Copy CREATE INDEX', arguments: [s.statement] };
        a.diagnostics = mine;
        a.isPreferred = i === 0;
        actions.push(a);
      });
      const again = new vscode.CodeAction('Explain this SQL again (Stakes)', vscode.CodeActionKind.QuickFix);
      again.command = { command: 'stakes.sql.explain', title: 'Explain SQL', arguments: [{ uri: doc.uri.toString(), startOffset: entry.startOffset }] };
      again.diagnostics = mine;
      actions.push(again);
    }
    return actions;
  }

  /** A syntax or schema error as one Error diagnostic (at the position when known). */
  setError(uri: vscode.Uri, statement: ExtractedStatement, message: string, at?: vscode.Range): void {
    const range = toRange(statement.range);
    const d = new vscode.Diagnostic(at ?? range, message, vscode.DiagnosticSeverity.Error);
    d.source = SOURCE;
    d.code = 'explain-error';
    this.replace(uri, range, [d], statement.startOffset, []);
  }

  private replace(uri: vscode.Uri, range: vscode.Range, diagnostics: vscode.Diagnostic[], startOffset = 0, suggestions: IndexSuggestion[] = []): void {
    const overlaps = (r: vscode.Range) => {
      const i = r.intersection(range);
      return !!i && (!i.isEmpty || r.isEqual(range));
    };
    const list = (this.entries.get(uri.toString()) ?? []).filter((e) => !overlaps(e.range));
    if (diagnostics.length) list.push({ range, diagnostics, startOffset, suggestions });
    this.store(uri, list);
  }

  private store(uri: vscode.Uri, list: Entry[]): void {
    if (list.length) this.entries.set(uri.toString(), list);
    else this.entries.delete(uri.toString());
    this.collection.set(uri, list.flatMap((e) => e.diagnostics));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
    this.entries.clear();
  }
}
