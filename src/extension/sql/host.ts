/**
 * The heavy half of SQL EXPLAIN in VS Code (bundled to dist/sql.js, loaded on the first explain):
 * runs the core Explainer (embedded PGlite in a forked child process, or pg / mysql2 / sql.js),
 * asks before ANALYZE, shows the plan view and sets diagnostics. Nothing leaves the machine
 * except the connection to the database the user configured.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createExplainer, parseEngineUrl } from '../../core/sql/api';
import { isSqlExplainError } from '../../core/sql/errors';
import { changesData } from '../../core/sql/safety';
import { statementAt } from '../../core/sql/extract';
import type { EngineSpec, ExplainRequest, ExplainResult, ExtractedStatement, SqlErrorKind } from '../../core/sql/types';
import { resultSummary } from '../../core/sql/render';
import type { PlanSource, PlanViewData, PlanViewInbound, PlanViewOutbound } from '../../protocol/planView';
import type { Services } from '../services';
import { SqlDiagnostics, toRange } from './diagnostics';
import { PlanPanel } from './planPanel';
import type { ExplainTarget } from './targets';
import { redactUrl } from './connectionUrl';
import { readSqlSettings, withPassword, type SqlSettings } from './settings';

type Explainer = ReturnType<typeof createExplainer>;

const VIA_TEXT: Record<ExtractedStatement['via'], string> = {
  'sql-file': 'SQL file',
  'template-literal': 'template literal',
  'tagged-sql': 'sql`…` template',
  prisma: 'Prisma raw query',
  knex: 'knex.raw',
  typeorm: 'TypeORM query',
  pg: 'pg query',
  'python-execute': 'cursor.execute',
  sqlalchemy: 'SQLAlchemy text()',
  go: 'database/sql call',
  'string-literal': 'string literal',
  selection: 'selection',
};

const RAW_LABEL: Record<ExplainResult['rawFormat'], string> = {
  'postgres-json': 'PostgreSQL JSON',
  'mysql-json': 'MySQL JSON',
  'mariadb-json': 'MariaDB JSON',
  'sqlite-eqp': 'SQLite EXPLAIN QUERY PLAN',
};

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface LastRun {
  target: ExplainTarget;
  result?: ExplainResult;
  rawText?: string;
}

export interface ExplainOptions {
  analyze: boolean;
}

export class SqlFeature implements vscode.Disposable {
  private explainer: Explainer | undefined;
  private embeddedStarted = false;
  private readonly diagnostics: SqlDiagnostics;
  private readonly panel: PlanPanel;
  private last: LastRun | undefined;
  private runSeq = 0;
  private progressReport: ((line: string) => void) | undefined;
  private warnedUntrusted = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: Services,
    /** Tells the CodeLens what the last explain of a statement found. */
    private readonly onExplained?: (uri: vscode.Uri, startOffset: number, summary: string) => void,
  ) {
    this.diagnostics = new SqlDiagnostics(services.output);
    this.panel = new PlanPanel(context.extensionUri, (m) => this.onViewMessage(m), services.output);
  }

  private getExplainer(): Explainer {
    if (!this.explainer) {
      const distDir = path.join(this.context.extensionPath, 'dist');
      this.explainer = createExplainer({
        cacheDir: this.context.globalStorageUri.fsPath,
        // Fork VS Code's own binary as plain Node: PGlite's ~400–700 MB never enter the extension host.
        execPath: process.execPath,
        env: { ELECTRON_RUN_AS_NODE: '1' },
        workerPath: path.join(distDir, 'pglite-worker.js'),
        assetsDir: path.join(this.context.extensionPath, 'media', 'pglite'),
        log: (line: string) => {
          this.services.output.info(`[sql] ${line}`);
          this.progressReport?.(line);
        },
      });
    }
    return this.explainer;
  }

  /** Kills the embedded engine's child process and closes server pools. */
  async stopEngines(): Promise<void> {
    const e = this.explainer;
    this.explainer = undefined;
    this.embeddedStarted = false;
    if (e) await e.dispose();
  }

  settingsChanged(): void {
    this.warnedUntrusted = false;
  }

  private readSettings(uri: vscode.Uri): SqlSettings | undefined {
    try {
      const s = readSqlSettings(uri);
      if (s.ignoredUntrustedConnection && !this.warnedUntrusted) {
        this.warnedUntrusted = true;
        const trust = 'Manage Workspace Trust';
        void vscode.window.showWarningMessage(
          `Stakes: this workspace is not trusted, so its stakes.sql.connection (${redactUrl(s.ignoredUntrustedConnection)}) is ignored; ` +
          `EXPLAIN runs on ${s.connection ? redactUrl(s.connection) : 'the embedded PostgreSQL'} instead.`, trust)
          .then((c) => { if (c === trust) void vscode.commands.executeCommand('workbench.trust.manage'); });
      }
      return s;
    } catch (err) {
      const choose = 'Choose SQL connection…';
      void vscode.window.showErrorMessage(`Stakes: ${(err as Error).message}`, choose)
        .then((c) => { if (c === choose) void vscode.commands.executeCommand('stakes.sql.chooseConnection'); });
      return undefined;
    }
  }

  private async engineFor(s: SqlSettings): Promise<EngineSpec> {
    if (s.kind === 'embedded') return { kind: 'embedded' };
    if (s.kind === 'sqlite') return parseEngineUrl(s.connection);
    const spec = parseEngineUrl(s.connection);
    const full = await withPassword(s.connection, this.context.secrets);
    if (full !== s.connection && (spec.kind === 'postgres' || spec.kind === 'mysql')) {
      const password = decodeURIComponent(new URL(full).password);
      return { ...spec, password };
    }
    return spec;
  }

  private engineText(s: SqlSettings): string {
    return s.kind === 'embedded' ? 'the embedded PostgreSQL (PGlite)' : redactUrl(s.connection);
  }

  private request(statement: ExtractedStatement, engine: EngineSpec, s: SqlSettings, analyze: boolean, confirmDataChange: boolean): ExplainRequest {
    const schemaPaths = s.schemaFile ? [s.schemaFile] : s.migrationsPath ? [s.migrationsPath] : undefined;
    return {
      sql: statement.sql,
      engine,
      analyze,
      confirmDataChange,
      rows: s.assumedRows,
      defaultRows: s.defaultAssumedRows,
      schemaPaths,
      workspaceRoot: s.folder?.uri.fsPath,
      suggestIndexes: true,
      statementTimeoutMs: s.statementTimeoutMs,
      source: statement,
    };
  }

  private source(target: ExplainTarget): PlanSource {
    return {
      label: vscode.workspace.asRelativePath(target.uri, false),
      line: target.statement.range.start.line + 1,
      via: VIA_TEXT[target.statement.via] ?? target.statement.via,
    };
  }

  /** Explain a statement and show it. Expected failures are shown to the user, never thrown. */
  async explain(target: ExplainTarget, opts: ExplainOptions): Promise<void> {
    const s = this.readSettings(target.uri);
    if (!s) return;
    let engine: EngineSpec;
    try {
      engine = await this.engineFor(s);
    } catch (err) {
      this.showFailure(target, 'config', (err as Error).message);
      return;
    }
    if (opts.analyze) {
      const go = 'Run with ANALYZE';
      const c = await vscode.window.showWarningMessage(
        `Run EXPLAIN ANALYZE on ${this.engineText(s)}?`,
        { modal: true, detail: `ANALYZE executes the statement, not just plans it. Stakes runs it inside a transaction that is always rolled back, with a ${formatTimeout(s.statementTimeoutMs)} statement timeout.` +
          (s.kind === 'embedded' ? '\n\nThe embedded database has no rows, so timings there say little: use a real database for ANALYZE.' : '') },
        go);
      if (c !== go) return;
    }
    let confirmDataChange = false;
    if (opts.analyze && changesData(target.statement.sql)) {
      if (!(await confirmDataChanging(target.statement))) return;
      confirmDataChange = true;
    }
    const seq = ++this.runSeq;
    const source = this.source(target);
    this.last = { target };
    const analyzeText = opts.analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN';
    this.panel.post({ type: 'running', title: `${analyzeText} on ${this.engineText(s)}…`, detail: `${source.label}:${source.line}`, analyze: opts.analyze });

    for (;;) {
      try {
        const result = await this.runWithProgress(s, () => this.getExplainer().explainStatement(this.request(target.statement, engine, s, opts.analyze, confirmDataChange)));
        if (seq !== this.runSeq) return; // a newer explain replaced this one
        if (s.kind === 'embedded') this.embeddedStarted = true;
        this.showResult(target, result);
        return;
      } catch (err) {
        if (seq !== this.runSeq) return;
        if (err instanceof Cancelled) {
          this.showFailure(target, 'internal', 'Cancelled. Run "Stakes: Explain SQL" again when you are ready.', 'EXPLAIN cancelled', undefined, false);
          return;
        }
        const kind = errorKind(err);
        if (kind === 'unsafe' && opts.analyze && !confirmDataChange) {
          // The engine found a data change the up-front check missed: ask now.
          if (!(await confirmDataChanging(target.statement))) {
            this.showFailure(target, 'unsafe', 'EXPLAIN ANALYZE was not run: the statement changes data and you did not confirm.', 'Not run', undefined, false);
            return;
          }
          confirmDataChange = true;
          continue;
        }
        const message = errorMessage(err);
        // Undefined table, column or function (SQLSTATE 42P01/42703/42883) on the embedded engine: say
        // where its schema came from, in terms of this extension's settings (the core's hint names CLI flags).
        const schemaGap = s.kind === 'embedded' && isSqlExplainError(err) && ['42P01', '42703', '42883'].includes(err.code ?? '');
        const schemaHint = schemaGap ? await this.schemaHint(s) : undefined;
        this.showFailure(target, kind, message, undefined, errorPosition(err), true, schemaHint);
        if (kind === 'internal') this.services.output.error(`[sql] ${(err as Error)?.stack ?? String(err)}`);
        return;
      }
    }
  }

  private async runWithProgress<T>(s: SqlSettings, work: () => Promise<T>): Promise<T> {
    const title = s.kind === 'embedded' && !this.embeddedStarted
      ? 'Starting embedded PostgreSQL (first run builds a template, ~3 s)'
      : `Stakes: explaining SQL on ${this.engineText(s)}`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      new Promise<T>((resolve, reject) => {
        let settled = false;
        this.progressReport = (line) => progress.report({ message: line });
        const cancel = token.onCancellationRequested(() => {
          if (settled) return;
          settled = true;
          this.progressReport = undefined;
          // The only way to stop a start-up or a running statement is to drop the engine:
          // the child process is killed and server connections are closed.
          void this.stopEngines();
          reject(new Cancelled());
        });
        work().then((v) => {
          if (settled) return;
          settled = true;
          resolve(v);
        }, (e: unknown) => {
          if (settled) return;
          settled = true;
          reject(e);
        }).finally(() => {
          cancel.dispose();
          this.progressReport = undefined;
        });
      }));
  }

  private showResult(target: ExplainTarget, shown: ExplainResult): void {
    // The view's estimate banner says what the core's "Estimate: …" warning says (with CLI wording).
    const result = shown.estimate ? { ...shown, warnings: shown.warnings.filter((w) => !/^Estimate:/.test(w)) } : shown;
    const rawText = typeof result.rawPlan === 'string' ? result.rawPlan : JSON.stringify(result.rawPlan, null, 2);
    this.last = { target, result, rawText };
    const data: PlanViewData = {
      result,
      source: this.source(target),
      rawText,
      rawLabel: RAW_LABEL[result.rawFormat] ?? result.rawFormat,
      workspaceRoot: vscode.workspace.getWorkspaceFolder(target.uri)?.uri.fsPath,
    };
    this.panel.post({ type: 'result', data });
    this.diagnostics.setResult(target.uri, target.statement, result);
    this.onExplained?.(target.uri, target.statement.startOffset, resultSummary(result));
    const t = result.timings;
    this.services.output.info(`[sql] ${result.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'} ${data.source!.label}:${data.source!.line} on ${result.engine.label}: ` +
      `cost ${result.summary.totalCost ?? result.plan.totalCost ?? '?'}, ${result.findings.length} finding(s), ${result.suggestions.length} index suggestion(s)` +
      `${result.estimate ? ' (estimate)' : ''}; ${Math.round(t.totalMs)} ms (start ${Math.round(t.startMs)}, schema ${Math.round(t.schemaMs)}, explain ${Math.round(t.explainMs)}, advice ${Math.round(t.adviseMs)})`);
    if (result.skippedMigrationStatements.length) {
      this.services.output.warn(`[sql] ${result.skippedMigrationStatements.length} migration statement(s) skipped by the embedded engine: ` +
        result.skippedMigrationStatements.map((k) => `${vscode.workspace.asRelativePath(k.file)}:${k.line + 1} (${k.kind})`).join(', '));
    }
  }

  /** What the embedded engine's schema was loaded from, for "relation … does not exist" errors. */
  private async schemaHint(s: SqlSettings): Promise<string> {
    const where = 'Set stakes.sql.migrationsPath or stakes.sql.schemaFile if the table is created elsewhere, or choose a real database.';
    try {
      const schemaPaths = s.schemaFile ? [s.schemaFile] : s.migrationsPath ? [s.migrationsPath] : undefined;
      const report = await this.getExplainer().loadSchema({ workspaceRoot: s.folder?.uri.fsPath, ...(schemaPaths ? { schemaPaths } : {}) });
      if (!report.files.length) return `The embedded PostgreSQL found no migrations or schema file in this workspace, so it has no tables. ${where}`;
      const shown = report.files.slice(0, 3).map((f) => vscode.workspace.asRelativePath(f)).join(', ');
      return `The embedded PostgreSQL only knows what ${report.files.length} file(s) create (${report.layout}: ${shown}${report.files.length > 3 ? ', …' : ''}` +
        `${report.skipped.length ? `; ${report.skipped.length} statement(s) were skipped` : ''}). ${where}`;
    } catch {
      return `The embedded PostgreSQL only knows the tables your migrations create. ${where}`;
    }
  }

  private showFailure(target: ExplainTarget, kind: SqlErrorKind | 'internal', message: string, title?: string,
    position?: { offset: number; line: number; character: number }, notify = true, schemaHint?: string): void {
    const heading = title ?? ERROR_TITLE[kind];
    this.panel.post({ type: 'error', title: heading, kind, message, source: this.source(target), sql: target.statement.sql,
      position: position ? { line: position.line, character: position.character } : undefined, ...(schemaHint ? { schemaHint } : {}) });
    if (kind === 'syntax' || kind === 'schema') {
      this.diagnostics.setError(target.uri, target.statement, message, position ? this.sourceRangeAt(target.statement, position.offset) : undefined);
    }
    this.services.output.warn(`[sql] ${heading}: ${message}`);
    if (!notify) return;
    const actions = kind === 'connection' || kind === 'config' ? ['Choose SQL connection…', 'Show output'] : ['Show output'];
    void vscode.window.showErrorMessage(`Stakes: ${heading}: ${message}${schemaHint ? ` ${schemaHint}` : ''}`, ...actions).then((c) => {
      if (c === 'Choose SQL connection…') void vscode.commands.executeCommand('stakes.sql.chooseConnection');
      if (c === 'Show output') this.services.output.show(true);
    });
  }

  /** Maps an offset in the SQL sent to the engine back to the source, when the text is the same. */
  private sourceRangeAt(statement: ExtractedStatement, offset: number): vscode.Range | undefined {
    if (statement.sql !== statement.text || offset < 0 || offset > statement.text.length) return undefined;
    const before = statement.text.slice(0, offset);
    const lines = before.split('\n');
    const line = statement.range.start.line + lines.length - 1;
    const character = (lines.length === 1 ? statement.range.start.character : 0) + lines[lines.length - 1].length;
    const tokenLength = /^[^\s,;()]*/.exec(statement.text.slice(offset))?.[0].length || 1;
    return new vscode.Range(line, character, line, character + tokenLength);
  }

  /** Runs SELECT 1 on the configured server, so the user knows the URL and password work. */
  async testConnection(uri: vscode.Uri | undefined): Promise<void> {
    const docUri = uri ?? vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
    const s = this.readSettings(docUri);
    if (!s) return;
    if (s.kind === 'embedded') {
      void vscode.window.showInformationMessage('Stakes: the embedded PostgreSQL needs no connection; it starts on the first explain.');
      return;
    }
    try {
      const engine = await this.engineFor(s);
      const result = await this.runWithProgress(s, () => this.getExplainer().explainStatement({
        sql: 'SELECT 1', engine, suggestIndexes: false, statementTimeoutMs: s.statementTimeoutMs,
      }));
      void vscode.window.showInformationMessage(`Stakes: connected to ${result.engine.label} — ${result.engine.version}. EXPLAIN runs there.`);
    } catch (err) {
      if (err instanceof Cancelled) return;
      const kind = errorKind(err);
      const actions = ['Choose SQL connection…', 'Set database password…'];
      const c = await vscode.window.showErrorMessage(`Stakes: could not use ${redactUrl(s.connection)}: ${errorMessage(err)}`, ...actions);
      if (c === actions[0]) void vscode.commands.executeCommand('stakes.sql.chooseConnection');
      if (c === actions[1]) void vscode.commands.executeCommand('stakes.sql.setPassword');
      if (kind === 'internal') this.services.output.error(`[sql] ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  private async onViewMessage(msg: PlanViewInbound): Promise<void> {
    const last = this.last;
    switch (msg.type) {
      case 'copySql': {
        const sql = last?.result?.sql ?? last?.target.statement.sql;
        if (!sql) return;
        await vscode.env.clipboard.writeText(sql);
        void vscode.window.setStatusBarMessage('$(check) Stakes: SQL copied', 3000);
        return;
      }
      case 'copyIndex': {
        const s = last?.result?.suggestions[msg.index];
        if (!s) return;
        await vscode.env.clipboard.writeText(s.statement.endsWith(';') ? s.statement : `${s.statement};`);
        void vscode.window.setStatusBarMessage('$(check) Stakes: CREATE INDEX copied', 3000);
        return;
      }
      case 'copyRaw':
        if (last?.rawText) {
          await vscode.env.clipboard.writeText(last.rawText);
          void vscode.window.setStatusBarMessage('$(check) Stakes: raw plan copied', 3000);
        }
        return;
      case 'revealSql':
        if (last) await revealStatement(last.target);
        return;
      case 'rerun':
        if (last) await this.explain(await this.refreshTarget(last.target), { analyze: msg.analyze });
        return;
      case 'openSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', msg.setting);
        return;
      case 'chooseConnection':
        await vscode.commands.executeCommand('stakes.sql.chooseConnection');
        return;
      case 'openSkipped': {
        const k = last?.result?.skippedMigrationStatements[msg.index];
        if (!k) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(k.file));
        const pos = new vscode.Position(Math.min(k.line, doc.lineCount - 1), 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
        return;
      }
      default:
        return;
    }
  }

  /** The statement again from the current document text, so "Re-run" sees the user's edits. */
  private async refreshTarget(target: ExplainTarget): Promise<ExplainTarget> {
    if (target.statement.via === 'selection') return target;
    try {
      const doc = await vscode.workspace.openTextDocument(target.uri);
      const file = target.statement.file;
      const again = statementAt(doc.getText(), doc.languageId, target.statement.startOffset, file);
      return again ? { ...target, statement: again } : target;
    } catch {
      return target;
    }
  }

  /** For the extension-host tests: what the plan view shows and for which document. */
  testSnapshot(): { message?: PlanViewOutbound; uri?: string; panelOpen: boolean } {
    return { message: this.panel.lastMessage, uri: this.last?.target.uri.toString(), panelOpen: this.panel.visible };
  }

  async dispose(): Promise<void> {
    this.panel.dispose();
    this.diagnostics.dispose();
    await this.stopEngines();
  }
}

const ERROR_TITLE: Record<SqlErrorKind | 'internal', string> = {
  syntax: 'SQL syntax error',
  connection: 'Could not connect to the database',
  unsafe: 'Not run',
  unsupported: 'This statement cannot be explained',
  timeout: 'EXPLAIN timed out',
  schema: 'The SQL does not match the schema',
  config: 'SQL connection settings are not usable',
  engine: 'The database engine failed',
  internal: 'EXPLAIN failed',
};

/** The explicit second confirmation before ANALYZE executes a data-changing statement. */
async function confirmDataChanging(statement: ExtractedStatement): Promise<boolean> {
  const go = 'Run it in a rolled-back transaction';
  const c = await vscode.window.showWarningMessage(
    'This statement changes data. Execute it with ANALYZE?',
    { modal: true, detail: `${firstLine(statement.sql)}\n\nStakes runs it inside a transaction that is always rolled back, so no change is kept. ` +
      'While it runs it still takes row and table locks, fires triggers, advances sequences and performs any external side effects.' },
    go);
  return c === go;
}

function errorKind(err: unknown): SqlErrorKind | 'internal' {
  if (isSqlExplainError(err)) return err.kind;
  return 'internal';
}

function errorMessage(err: unknown): string {
  if (isSqlExplainError(err)) return err.message;
  return `${(err as Error)?.message ?? String(err)} (an internal error; details are in the Stakes output channel)`;
}

function errorPosition(err: unknown): { offset: number; line: number; character: number } | undefined {
  return isSqlExplainError(err) ? err.position : undefined;
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

export async function revealStatement(target: ExplainTarget): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(target.uri);
  const range = toRange(target.statement.range);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.uri.toString());
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export function createSqlFeature(context: vscode.ExtensionContext, services: Services,
  onExplained?: (uri: vscode.Uri, startOffset: number, summary: string) => void): SqlFeature {
  return new SqlFeature(context, services, onExplained);
}
