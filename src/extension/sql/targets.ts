/**
 * What SQL EXPLAIN runs on in the editor: a statement and its document, from the CodeLens, the
 * selection or the cursor. Light (core/sql/extract only): the register half uses it.
 */
import * as vscode from 'vscode';
import { codeLanguage, extractStatements, selectionStatement, statementAt } from '../../core/sql/extract';
import { firstKeyword } from '../../core/sql/lexer';
import { isExplainable } from '../../core/sql/safety';
import type { ExtractedStatement } from '../../core/sql/types';

/** What to explain: a statement and the document it came from. */
export interface ExplainTarget {
  uri: vscode.Uri;
  /** Carries `inLoop` when found inside a loop, which enables the N+1 finding. */
  statement: ExtractedStatement;
}

/** Arguments the CodeLens passes to stakes.sql.explain. */
export interface LensArgs {
  uri: string;
  startOffset: number;
}

/** The statement to explain in an editor: the selection, else the SQL under the cursor. */
export function targetInEditor(editor: vscode.TextEditor): ExplainTarget | { error: string } {
  const doc = editor.document;
  const text = doc.getText();
  const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
  const siblings = safeExtract(text, doc.languageId, file);
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const start = doc.offsetAt(sel.start);
    const end = doc.offsetAt(sel.end);
    // A selection inside (or exactly around) one SQL literal in code keeps that literal's placeholders and loop context.
    const within = siblings.find((s) => start >= s.startOffset && end <= s.endOffset && (end - start) >= (s.endOffset - s.startOffset) * 0.9);
    const statement = within ?? selectionStatement(text, start, end, doc.languageId, file);
    if (!statement.sql.trim()) return { error: 'The selection is empty or only whitespace. Select an SQL statement to explain.' };
    return { uri: doc.uri, statement };
  }
  const offset = doc.offsetAt(sel.active);
  const statement = statementAt(text, doc.languageId, offset, file);
  if (statement) return { uri: doc.uri, statement };
  const lang = codeLanguage(doc.languageId, file);
  if (lang === 'sql') return { error: 'No SQL statement under the cursor. Put the cursor inside a statement, or select the SQL to explain.' };
  if (lang) {
    return { error: 'No SQL under the cursor. Put the cursor inside an SQL string passed to a query call (pg client.query, Prisma $queryRaw, knex.raw, ' +
      'TypeORM query, cursor.execute, SQLAlchemy text(), db.Query…), or select the SQL to explain.' };
  }
  return { error: `Stakes finds SQL in .sql, TypeScript/JavaScript, Python and Go files; this is ${doc.languageId}. Select the SQL to explain it.` };
}

export function safeExtract(text: string, languageId: string, file: string): ExtractedStatement[] {
  try {
    return extractStatements(text, languageId, file);
  } catch {
    // Extraction is best-effort: a scanner bug must never break the command or the CodeLens.
    return [];
  }
}

/**
 * What a Stakes: Explain SQL command explains: the CodeLens's statement, else the selection or the
 * statement under the cursor. Undefined after telling the user why there is nothing to explain.
 */
export async function resolveTarget(arg: unknown): Promise<ExplainTarget | undefined> {
  if (isLensArgs(arg)) {
    const uri = vscode.Uri.parse(arg.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const file = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    const siblings = safeExtract(doc.getText(), doc.languageId, file);
    const statement = siblings.find((s) => s.startOffset === arg.startOffset) ?? statementAt(doc.getText(), doc.languageId, arg.startOffset, file);
    if (!statement) {
      void vscode.window.showWarningMessage('Stakes: the SQL statement moved or changed since the CodeLens was drawn. Put the cursor in it and run "Stakes: Explain SQL".');
      return undefined;
    }
    return { uri, statement };
  }
  // With the plan view focused there is no active text editor: use the one editor beside it.
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme !== 'output');
  const editor = vscode.window.activeTextEditor ?? (visible.length === 1 ? visible[0] : undefined);
  if (!editor) {
    void vscode.window.showWarningMessage('Stakes: open a .sql file or code with SQL in it, put the cursor in a statement (or select it), then run "Stakes: Explain SQL".');
    return undefined;
  }
  const t = targetInEditor(editor);
  if ('error' in t) {
    void vscode.window.showWarningMessage(`Stakes: ${t.error}`);
    return undefined;
  }
  if (!isExplainable(t.statement.sql)) {
    const kw = firstKeyword(t.statement.sql) || 'This';
    void vscode.window.showWarningMessage(`Stakes: ${kw} statements cannot be explained. EXPLAIN covers SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES: ` +
      'put the cursor in a query (or select one) and run "Stakes: Explain SQL" again.');
    return undefined;
  }
  return t;
}

function isLensArgs(arg: unknown): arg is LensArgs {
  return typeof arg === 'object' && arg !== null && typeof (arg as LensArgs).uri === 'string' && typeof (arg as LensArgs).startOffset === 'number';
}
