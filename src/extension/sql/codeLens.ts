/** The "Explain" CodeLens above each explainable statement, with what its last explain found. */
import * as vscode from 'vscode';
import { isExplainable } from '../../core/sql/safety';
import { readSqlSettings } from './settings';
import { safeExtract, type LensArgs } from './targets';

/** Language ids whose files Stakes finds SQL in (SQL dialect ids as other SQL extensions set them). */
export const CODELENS_LANGUAGES = ['sql', 'pgsql', 'postgres', 'mysql', 'sqlite', 'plsql', 'tsql',
  'typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'python', 'go'];

export class ExplainCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Per document, statement start offset → what its last explain found. Dropped on edit (offsets move). */
  private readonly summaries = new Map<string, Map<number, string>>();

  explained(uri: vscode.Uri, startOffset: number, summary: string): void {
    const map = this.summaries.get(uri.toString()) ?? new Map<number, string>();
    map.set(startOffset, summary);
    this.summaries.set(uri.toString(), map);
    this.refresh();
  }

  edited(uri: vscode.Uri): void {
    if (this.summaries.delete(uri.toString())) this.refresh();
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!lensEnabled(doc.uri)) return [];
    // Very large files (generated dumps) are not worth scanning on every keystroke.
    if (doc.getText().length > 2_000_000) return [];
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
    // DDL and transaction control cannot be EXPLAINed: no lens above them (migrations are mostly DDL).
    const statements = safeExtract(doc.getText(), doc.languageId, file).filter((s) => isExplainable(s.sql));
    return statements.map((s) => {
      const range = new vscode.Range(s.range.start.line, s.range.start.character, s.range.start.line, s.range.start.character);
      const args: LensArgs = { uri: doc.uri.toString(), startOffset: s.startOffset };
      const summary = this.summaries.get(doc.uri.toString())?.get(s.startOffset);
      return new vscode.CodeLens(range, {
        title: `$(database) Explain${s.inLoop ? ' (runs inside a loop)' : ''}${summary ? ` · ${summary}` : ''}`,
        tooltip: 'Stakes: run EXPLAIN on this statement and show the plan, problems and verified index suggestions',
        command: 'stakes.sql.explain',
        arguments: [args],
      });
    });
  }
}

/** stakes.sql.codeLens; when the SQL settings are unusable (a bad connection URL) the lens still follows its own key. */
function lensEnabled(uri: vscode.Uri): boolean {
  try {
    return readSqlSettings(uri).codeLens;
  } catch {
    return vscode.workspace.getConfiguration('stakes.sql', uri).get<boolean>('codeLens', true);
  }
}
