/** The shape of an agent tool and what it may use while it runs. */
import type { z } from 'zod';
import type { StakesConfig } from '../routing/config';
import type { Workspace, Root } from './workspace';
import type { ExplainResult, ExplainRequest } from '../sql/api';

/** What a tool may use while it runs: the roots, the routing table per root, the configured SQL engine. */
export interface AgentContext {
  workspace: Workspace;
  /** The routing configuration that applies under a root, the files git sees as changed there, and problems to report. */
  rootState(root: Root): { config: StakesConfig; workingTree: string[]; problems: string[] };
  now(): number;
  /** Aborted when the client cancels the call. */
  signal?: AbortSignal;
  /** EXPLAIN on the engine the user configured when the server started; never one chosen by the agent. */
  explain(req: Omit<ExplainRequest, 'engine' | 'analyze' | 'confirmDataChange'>): Promise<ExplainResult>;
  /** How the configured engine is described to agents ("embedded PostgreSQL with the workspace's migrations"). */
  engineDescription(): string;
  /** The configured engine's kind, for messages. */
  engineKind(): 'embedded' | 'postgres' | 'mysql' | 'sqlite';
  /** Options the user set for EXPLAIN (schema paths, assumed rows, timeout, index trials). */
  sqlOptions(): SqlOptions;
}

export interface SqlOptions {
  schemaPaths?: string[];
  rows?: Record<string, number>;
  defaultRows?: number;
  statementTimeoutMs?: number;
  /** Try candidate indexes (rolled back) and suggest verified ones. Default true. */
  suggestIndexes?: boolean;
}

export interface ToolDefinition<I extends z.ZodType, O extends z.ZodType> {
  name: string;
  title: string;
  /** One line for people (VS Code's tool picker). */
  summary: string;
  /** What the tool does and when to call it, written for a model. */
  description: string;
  input: I;
  output: O;
  /** True when the tool reaches outside this machine (a configured database server). */
  openWorld(ctx: AgentContext): boolean;
  run(args: z.output<I>, ctx: AgentContext): Promise<z.input<O>>;
}
