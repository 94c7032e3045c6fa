/**
 * The heavy half of the agent tools in VS Code (bundled to dist/agent.js, loaded on the first tool
 * call): the progress and confirmation messages, and the calls themselves, which run in a worker
 * thread (dist/agent-worker.js) over the same core as `stakes mcp`. Results go back to the model
 * as the same JSON the MCP server returns; errors as {"error": {code, message, action, retryable}}.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { clientSnippets } from '../../core/agent/clientConfig';
import type { ToolErrorBody } from '../../core/agent/errors';
import { redactedUrl } from '../../core/agent/session';
import type { ToolOutcome } from '../../core/agent/tools';
import { isSqlExplainError, parseEngineUrl, type EngineSpec, type ExplainRequest, type SqlExplainError } from '../../core/sql/api';
import type { ConfiguredSql, Services } from '../services';
import { agentRoots } from './roots';
import type { AgentWorkerRequest, AgentWorkerResponse, ExplainFailure, WorkerSessionOptions } from './worker';

/** Generous: the first EXPLAIN starts the embedded PostgreSQL (in the SQL feature); a busy machine can be slow. A hang beyond this restarts the worker. */
const CALL_TIMEOUT_MS = 180_000;
/** The worker (and the embedded engine it may hold) stops after this long without calls. */
const IDLE_MS = 5 * 60_000;

type Input = Record<string, unknown>;

interface Pending {
  resolve: (o: ToolOutcome) => void;
  timer: NodeJS.Timeout;
}

export class AgentHost implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly services: Services) {}

  async prepare(name: string, input: Input, _token: vscode.CancellationToken): Promise<vscode.PreparedToolInvocation> {
    if (name === 'stakes_classify') return { invocationMessage: `Stakes: labelling ${describeTargets(input)}` };
    if (name === 'stakes_check') return { invocationMessage: `Stakes: checking ${describeTargets(input)} with the offline rules` };
    if (name === 'stakes_explain_sql') {
      const sql = await this.services.sqlConfiguration(this.firstFolder());
      const what = typeof input.sql === 'string' ? `\`${oneLine(input.sql, 60)}\`` : `${String(input.path)}${input.line ? `:${String(input.line)}` : ''}`;
      if (sql.kind === 'postgres' || sql.kind === 'mysql') {
        const where = redactedUrl(sql.connection);
        return {
          invocationMessage: `Stakes: EXPLAIN ${what} on ${where}`,
          confirmationMessages: {
            title: 'Run EXPLAIN on your database?',
            message: new vscode.MarkdownString(`Stakes will run plain EXPLAIN (never ANALYZE) of ${what} on **${where}**, the connection set in \`stakes.sql.connection\`, ` +
              'in a read-only transaction with a statement timeout. Index suggestions are verified with hypothetical indexes (HypoPG) or trial indexes inside transactions that are rolled back.'),
          },
        };
      }
      return { invocationMessage: `Stakes: EXPLAIN ${what} on ${sql.kind === 'sqlite' ? 'a copy of the SQLite file' : 'the embedded PostgreSQL'}` };
    }
    if (name === 'stakes_review_status') return { invocationMessage: `Stakes: listing unreviewed sensitive changes${typeof input.base === 'string' ? ` against ${input.base}` : ''}` };
    return { invocationMessage: `Stakes: ${name}` };
  }

  async invoke(name: string, input: Input, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const outcome = await this.call(name, input, token);
    const text = JSON.stringify(outcome.ok ? outcome.value : { error: outcome.error });
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
  }

  /** Run a tool in the worker; never rejects (cancellation and crashes are error bodies too). */
  async call(name: string, args: Input, token?: vscode.CancellationToken): Promise<ToolOutcome> {
    const folder = this.firstFolder();
    const sql = await this.services.sqlConfiguration(folder);
    if (name === 'stakes_explain_sql' && sql.problem) return fail('DB_NOT_CONFIGURED', sql.problem, 'Fix stakes.sql.connection (or run "Stakes: Choose SQL connection…"), or clear it to use the embedded PostgreSQL.');
    const roots = agentRoots();
    if (roots.length === 0) return fail('INVALID_PATH', 'no folder is open in VS Code', 'Open the project folder, then call the tool again.');
    const session = this.sessionOptions(roots, sql, folder);
    const sessionKey = createHash('sha256').update(JSON.stringify(session)).digest('hex');
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ToolOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(fail('ENGINE_ERROR', `${name} took longer than ${CALL_TIMEOUT_MS / 1000} s; the worker was restarted`, 'Retry once; if it happens again, narrow the request.', true));
        this.restartWorker();
      }, CALL_TIMEOUT_MS);
      const cancel = token?.onCancellationRequested(() => w.postMessage({ kind: 'cancel', id } satisfies AgentWorkerRequest));
      this.pending.set(id, { resolve: (o) => { cancel?.dispose(); resolve(o); }, timer });
      // Plain data only: VS Code hands inputs and configuration values over as proxies, which cannot cross to a worker.
      w.postMessage(JSON.parse(JSON.stringify({ kind: 'call', id, tool: name, args, session, sessionKey } satisfies AgentWorkerRequest)) as AgentWorkerRequest);
    });
  }

  private sessionOptions(roots: string[], sql: ConfiguredSql, folder: vscode.Uri | undefined): WorkerSessionOptions {
    return {
      roots,
      routingSettings: vscode.workspace.getConfiguration('stakes', folder).get<unknown>('routing'),
      engine: engineFor(sql),
      sql: {
        ...(sql.schemaPaths ? { schemaPaths: sql.schemaPaths } : {}),
        rows: sql.assumedRows, defaultRows: sql.defaultAssumedRows, statementTimeoutMs: sql.statementTimeoutMs, suggestIndexes: true,
      },
    };
  }

  private firstFolder(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
  }

  private ensureWorker(): Worker {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => { if (this.pending.size === 0) this.restartWorker(); }, IDLE_MS);
    this.idle.unref();
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'agent-worker.js'));
    w.unref(); // never keeps VS Code (or a test run) alive
    w.on('message', (msg: AgentWorkerResponse) => {
      if (msg.kind === 'explain') { this.explainFor(w, msg.id, msg.req); return; }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      p.resolve(msg.outcome);
    });
    const failAll = (why: string): void => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve(fail('INTERNAL_ERROR', why, 'Call the tool again; the worker restarts.'));
        this.pending.delete(id);
      }
    };
    w.on('error', (err) => { this.services.output.error(`agent tools worker failed: ${err.stack ?? err.message}`); failAll(`the Stakes tools worker failed: ${err.message}`); });
    w.on('exit', (code) => { if (code !== 0) failAll(`the Stakes tools worker exited with code ${code}`); else if (this.worker === w) this.worker = undefined; });
    this.worker = w;
    return w;
  }

  /** The worker's EXPLAIN, on the SQL feature's engines; the answer (or the failure, as plain data) goes back. */
  private explainFor(w: Worker, id: number, req: ExplainRequest): void {
    this.services.explainSql(req).then(
      (result) => w.postMessage(JSON.parse(JSON.stringify({ kind: 'explained', id, result })) as AgentWorkerRequest),
      (err: unknown) => {
        const e = err as Partial<SqlExplainError> & Error;
        const error: ExplainFailure = {
          message: e?.message ?? String(err),
          ...(isSqlExplainError(err) ? { kind: err.kind, ...(err.code ? { code: err.code } : {}), ...(err.hint ? { hint: err.hint } : {}), ...(err.position ? { position: err.position } : {}) } : {}),
        };
        w.postMessage({ kind: 'explained', id, error } satisfies AgentWorkerRequest);
      },
    );
  }

  private restartWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  /** Settings or folders changed: the next call builds a new session (the key changes); nothing to do now. */
  settingsChanged(): void {
    // The session key is computed per call from the current folders and settings.
  }

  /** "Stakes: Copy MCP server configuration for an agent…": this installation's command, in the chosen client's format. */
  async copyClientConfig(): Promise<void> {
    const cli = path.join(this.context.extensionPath, 'dist', 'cli.js');
    const snippets = clientSnippets({ command: 'node', args: [cli, 'mcp'] });
    const pick = await vscode.window.showQuickPick(snippets.map((s) => ({ label: s.label, detail: s.where, snippet: s })), {
      title: 'Stakes: copy the MCP server configuration for…', placeHolder: 'Needs Node 22 or later on PATH',
    });
    if (!pick) return;
    await vscode.env.clipboard.writeText(pick.snippet.text);
    void vscode.window.showInformationMessage(`Stakes: the ${pick.label} configuration is on the clipboard (${pick.snippet.where}).`);
  }

  dispose(): void {
    clearTimeout(this.idle);
    for (const [, p] of this.pending) { clearTimeout(p.timer); p.resolve(fail('CANCELLED', 'VS Code is shutting the Stakes tools down', 'Call again later.', true)); }
    this.pending.clear();
    this.restartWorker();
  }
}

function engineFor(sql: ConfiguredSql): EngineSpec {
  if (sql.kind === 'embedded' || sql.problem) return { kind: 'embedded' };
  const spec = parseEngineUrl(sql.connection);
  return sql.password && (spec.kind === 'postgres' || spec.kind === 'mysql') ? { ...spec, password: sql.password } : spec;
}

function fail(code: ToolErrorBody['code'], message: string, action: string, retryable = false): ToolOutcome {
  return { ok: false, error: { code, message, action, retryable } };
}

function describeTargets(input: Input): string {
  if (typeof input.diff === 'string') return 'a diff';
  const paths = Array.isArray(input.paths) ? input.paths.map(String) : [];
  const named = paths.length ? `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}` : '';
  if (typeof input.base === 'string') return `the changes against ${input.base}${named ? ` under ${named}` : ''}`;
  return named || 'the given files';
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function createAgentHost(context: vscode.ExtensionContext, services: Services): AgentHost {
  return new AgentHost(context, services);
}
