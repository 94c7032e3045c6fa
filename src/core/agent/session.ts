/**
 * One agent session: the roots it may read, the routing configuration per root (re-read when
 * .stakes.json changes), and the SQL engine the user configured, kept warm between calls. The MCP
 * server (`stakes mcp`) and VS Code's language-model tools each hold one.
 */
import * as path from 'node:path';
import { uncommittedFiles } from '../git';
import { loadConfig } from '../routing/load';
import type { StakesConfig } from '../routing/config';
import { createExplainer, type EngineSpec, type ExplainerOptions, type ExplainRequest, type ExplainResult } from '../sql/api';
import type { AgentContext, SqlOptions } from './types';
import { toPosix, Workspace, type Root } from './workspace';

export interface AgentSessionOptions {
  roots: readonly string[];
  /** VS Code's `stakes.routing` setting, layered under each root's .stakes.json like the status bar does. */
  routingSettings?: unknown;
  /** The engine the user configured (default: the embedded PostgreSQL). */
  engine?: EngineSpec;
  sql?: SqlOptions;
  /** Where the embedded engine's template lives and how its child process starts (the session's own engines). */
  explainer?: ExplainerOptions;
  /** EXPLAIN on engines someone else keeps (the editor's SQL feature) instead of the session's own. */
  explainWith?: (req: ExplainRequest) => Promise<ExplainResult>;
  now?: () => number;
}

/** How long a root's configuration and git status are reused: agents call in bursts; edits show within this. */
const ROOT_STATE_TTL_MS = 2_000;

interface RootState {
  at: number;
  config: StakesConfig;
  workingTree: string[];
  problems: string[];
}

export class AgentSession {
  readonly workspace: Workspace;
  private readonly engine: EngineSpec;
  private readonly states = new Map<string, RootState>();
  private explainer: ReturnType<typeof createExplainer> | undefined;

  constructor(private readonly options: AgentSessionOptions) {
    this.workspace = new Workspace(options.roots);
    this.engine = options.engine ?? { kind: 'embedded' };
  }

  /** The context tools run with; `signal` is the call's cancellation. */
  context(signal?: AbortSignal): AgentContext {
    return {
      workspace: this.workspace,
      rootState: (root) => this.rootState(root),
      now: this.options.now ?? Date.now,
      ...(signal ? { signal } : {}),
      explain: (req) => this.explain(req),
      engineDescription: () => describeEngine(this.engine),
      engineKind: () => this.engine.kind,
      sqlOptions: () => this.options.sql ?? {},
    };
  }

  private rootState(root: Root): RootState {
    const now = Date.now();
    const cached = this.states.get(root.real);
    if (cached && now - cached.at < ROOT_STATE_TTL_MS) return cached;
    const { config, errors } = loadConfig(root.real, this.options.routingSettings, 'settings (stakes.routing)');
    const problems = errors.map((e) => `${path.basename(e.file)} is not valid (${e.problems.slice(0, 3).join('; ')}); the rest of the configuration applies`);
    const workingTree = uncommittedFiles(root.real).map((f) => toPosix(path.relative(root.real, f))).filter((f) => !f.startsWith('..'));
    const state = { at: now, config, workingTree, problems };
    this.states.set(root.real, state);
    return state;
  }

  private explain(req: Omit<ExplainRequest, 'engine' | 'analyze' | 'confirmDataChange'>): Promise<ExplainResult> {
    // Plain EXPLAIN only: analyze is never set, so nothing the statement would do is executed.
    const full: ExplainRequest = { ...req, engine: this.engine, analyze: false, confirmDataChange: false };
    if (this.options.explainWith) return this.options.explainWith(full);
    if (!this.options.explainer) throw new Error('AgentSession needs explainer options or explainWith');
    this.explainer ??= createExplainer(this.options.explainer);
    return this.explainer.explainStatement(full);
  }

  /** Stops the embedded engine's child process and closes database connections. */
  async dispose(): Promise<void> {
    const e = this.explainer;
    this.explainer = undefined;
    if (e) await e.dispose();
  }
}

export function describeEngine(spec: EngineSpec): string {
  switch (spec.kind) {
    case 'embedded': return 'embedded PostgreSQL (PGlite) loaded with the workspace\'s migrations; it holds no data, so costs are estimates from assumed table sizes';
    case 'sqlite': return `SQLite file ${spec.file} (an in-memory copy; the file is never changed)`;
    case 'postgres': return `PostgreSQL at ${redactedUrl(spec.url)}, configured by the user (read-only transactions)`;
    case 'mysql': return `MySQL/MariaDB at ${redactedUrl(spec.url)}, configured by the user (read-only transactions)`;
  }
}

/** A database URL safe to show: password masked, query parameters dropped. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}
