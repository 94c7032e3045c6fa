/**
 * SQL EXPLAIN in VS Code: commands, CodeLens and menus. Light on purpose: finding the SQL
 * (core/sql/extract, pure and cheap) runs here; engines, the plan view and diagnostics live in
 * dist/sql.js (host.ts), loaded on the first explain.
 */
import * as vscode from 'vscode';
import { codeLanguage, extractStatements, selectionStatement, statementAt } from '../../core/sql/extract';
import { firstKeyword } from '../../core/sql/lexer';
import { isExplainable } from '../../core/sql/safety';
import type { ExtractedStatement } from '../../core/sql/types';
import { isFeatureLoaded, loadFeature } from '../lazy';
import type { Services } from '../services';
import { chooseConnection, clearPassword, setPassword } from './connection';
import { readSqlSettings } from './settings';

type Host = typeof import('./host');
type SqlFeature = ReturnType<Host['createSqlFeature']>;

/** What to explain: a statement and the document it came from. */
export interface ExplainTarget {
  uri: vscode.Uri;
  /** Carries `inLoop` when found inside a loop, which enables the N+1 finding. */
  statement: ExtractedStatement;
}

/** Arguments the CodeLens passes to stakes.sql.explain. */
interface LensArgs {
  uri: string;
  startOffset: number;
}

/** Language ids whose files Stakes finds SQL in (SQL dialect ids as other SQL extensions set them). */
const CODELENS_LANGUAGES = ['sql', 'pgsql', 'postgres', 'mysql', 'sqlite', 'plsql', 'tsql',
  'typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'python', 'go'];

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

function safeExtract(text: string, languageId: string, file: string): ExtractedStatement[] {
  try {
    return extractStatements(text, languageId, file);
  } catch {
    // Extraction is best-effort: a scanner bug must never break the command or the CodeLens.
    return [];
  }
}

class ExplainCodeLensProvider implements vscode.CodeLensProvider {
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
    let enabled = true;
    try {
      enabled = readSqlSettings(doc.uri).codeLens;
    } catch {
      enabled = vscode.workspace.getConfiguration('stakes.sql', doc.uri).get<boolean>('codeLens', true);
    }
    if (!enabled) return [];
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

export function register(context: vscode.ExtensionContext, services: Services): void {
  const lenses = new ExplainCodeLensProvider();
  let feature: SqlFeature | undefined;
  const getFeature = (): SqlFeature => {
    feature ??= loadFeature<Host>('sql').createSqlFeature(context, services, (uri, offset, summary) => lenses.explained(uri, offset, summary));
    return feature;
  };
  context.subscriptions.push({ dispose: () => { void feature?.dispose(); } });

  const resolveTarget = async (arg: unknown): Promise<ExplainTarget | undefined> => {
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
  };

  const explain = async (arg: unknown, analyze: boolean) => {
    const target = await resolveTarget(arg);
    if (!target) return;
    try {
      await getFeature().explain(target, { analyze });
    } catch (err) {
      // The host reports expected failures itself; anything reaching here is a bug, never a crash.
      services.output.error(`SQL explain failed: ${(err as Error)?.stack ?? String(err)}`);
      void vscode.window.showErrorMessage(`Stakes: EXPLAIN failed unexpectedly: ${(err as Error)?.message ?? String(err)}. Details are in the Stakes output channel.`);
    }
  };

  const uriOfActive = () => vscode.window.activeTextEditor?.document.uri;
  const testConnection = async (uri: vscode.Uri | undefined) => getFeature().testConnection(uri);
  const choose = () => chooseConnection(context.secrets, uriOfActive(), testConnection);

  context.subscriptions.push(
    vscode.commands.registerCommand('stakes.sql.explain', (arg?: unknown) => explain(arg, false)),
    vscode.commands.registerCommand('stakes.sql.explainAnalyze', (arg?: unknown) => explain(arg, true)),
    vscode.commands.registerCommand('stakes.sql.chooseConnection', choose),
    vscode.commands.registerCommand('stakes.sql.setPassword', () => setPassword(context.secrets, uriOfActive(), choose)),
    vscode.commands.registerCommand('stakes.sql.clearPassword', () => clearPassword(context.secrets, uriOfActive())),
    vscode.commands.registerCommand('stakes.sql.stopEmbedded', async () => {
      if (!isFeatureLoaded('sql') || !feature) {
        void vscode.window.showInformationMessage('Stakes: the embedded PostgreSQL is not running.');
        return;
      }
      await feature.stopEngines();
      void vscode.window.showInformationMessage('Stakes: embedded PostgreSQL stopped; it starts again on the next explain.');
    }),
    vscode.languages.registerCodeLensProvider(CODELENS_LANGUAGES.map((language) => ({ language })), lenses),
    lenses,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('stakes.sql.codeLens')) lenses.refresh();
      if (e.affectsConfiguration('stakes.sql')) feature?.settingsChanged();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => feature?.settingsChanged()),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) lenses.edited(e.document.uri); }),
  );
  if (process.env.STAKES_UNDER_TEST === '1') {
    // Read-only view of the plan panel's state for test/integration; not contributed, not in the palette.
    context.subscriptions.push(vscode.commands.registerCommand('stakes.sql.testSnapshot', () => feature?.testSnapshot()));
  }
}

function isLensArgs(arg: unknown): arg is LensArgs {
  return typeof arg === 'object' && arg !== null && typeof (arg as LensArgs).uri === 'string' && typeof (arg as LensArgs).startOffset === 'number';
}
