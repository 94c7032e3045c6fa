/**
 * The agent tools as one table, for every adapter (the MCP server, VS Code's language-model
 * tools): their JSON Schemas, and `callTool`, which validates the arguments, runs the tool, maps
 * every failure to an error code, and checks the result against the output schema before anyone
 * sees it. The resources (routing table, error codes) are here too.
 */
import { z } from 'zod';
import { LABELS } from '../labels';
import { AgentError, ERROR_CODES, type ToolErrorBody } from './errors';
import { classifyTool } from './classify';
import { checkTool } from './check';
import { explainSqlTool, sqlError } from './explainSql';
import { LIMITS } from './paging';
import { reviewStatusTool } from './reviewStatus';
import type { AgentContext, ToolDefinition } from './types';

// Every adapter (MCP server, VS Code's language-model tools) offers exactly this table.
export const TOOLS: readonly ToolDefinition<z.ZodType, z.ZodType>[] = [
  classifyTool as unknown as ToolDefinition<z.ZodType, z.ZodType>,
  checkTool as unknown as ToolDefinition<z.ZodType, z.ZodType>,
  explainSqlTool as unknown as ToolDefinition<z.ZodType, z.ZodType>,
  reviewStatusTool as unknown as ToolDefinition<z.ZodType, z.ZodType>,
];

export type ToolName = (typeof TOOLS)[number]['name'];

export interface ToolListing {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: { title: string; readOnlyHint: true; destructiveHint: false; idempotentHint: true; openWorldHint: boolean };
}

/**
 * JSON Schema (draft-07, as MCP clients and VS Code read it) of a zod schema, in the most portable
 * spelling: one `type` per schema (a nullable field is `anyOf` a type and null), since clients that
 * map tool schemas onto single-type dialects (Gemini's function declarations) drop type arrays.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = singleTypes(z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' })) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$comment']);

function singleTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(singleTypes);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, singleTypes(v)] as const);
  const obj = Object.fromEntries(entries) as Record<string, unknown>;
  if (!Array.isArray(obj.type)) return obj;
  const keep = Object.fromEntries(Object.entries(obj).filter(([k]) => ANNOTATIONS.has(k)));
  const constraints = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'type' && !ANNOTATIONS.has(k)));
  return { ...keep, anyOf: (obj.type as string[]).map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...constraints })) };
}

const schemas = new Map<string, { input: Record<string, unknown>; output: Record<string, unknown> }>();

export function listTools(ctx: AgentContext): ToolListing[] {
  return TOOLS.map((t) => {
    let s = schemas.get(t.name);
    if (!s) schemas.set(t.name, s = { input: jsonSchema(t.input, 'input'), output: jsonSchema(t.output, 'output') });
    return { t, s };
  }).map(({ t, s }) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    // Copies: a client adapter may annotate what it sends.
    inputSchema: structuredClone(s.input),
    outputSchema: structuredClone(s.output),
    annotations: { title: t.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: t.openWorld(ctx) },
  }));
}

export type ToolOutcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: ToolErrorBody };

/** Run a tool by name on raw arguments. Never throws: every failure is an error body with a code. */
export async function callTool(name: string, args: unknown, ctx: AgentContext): Promise<ToolOutcome> {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) {
    return fail(new AgentError('INVALID_INPUT', `no tool named ${name}`, { tools: TOOLS.map((t) => t.name) }, `Call one of: ${TOOLS.map((t) => t.name).join(', ')}.`));
  }
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) return fail(inputError(parsed.error));
  try {
    const value = await tool.run(parsed.data, ctx);
    const checked = tool.output.safeParse(value);
    if (!checked.success) {
      return fail(new AgentError('INTERNAL_ERROR', `${name} produced a result that does not match its output schema: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
    }
    return { ok: true, value: checked.data as Record<string, unknown> };
  } catch (e) {
    if (e instanceof AgentError) return fail(e);
    if (ctx.signal?.aborted || (e as Error)?.name === 'AbortError') return fail(new AgentError('CANCELLED', 'the call was cancelled'));
    if (name === explainSqlTool.name) return fail(sqlError(e));
    return fail(new AgentError('INTERNAL_ERROR', `${name} failed: ${(e as Error)?.message ?? String(e)}`));
  }
}

function fail(e: AgentError): ToolOutcome {
  return { ok: false, error: e.toBody() };
}

const SIZE_FIELDS = new Set(['paths', 'diff', 'sql', 'rules']);

/** zod's issues as INVALID_INPUT (or TOO_LARGE when only a size bound was exceeded), naming each field. */
function inputError(error: z.ZodError): AgentError {
  const issues = error.issues.slice(0, 10).map((i) => ({ field: fieldName(i.path), message: i.message }));
  const tooLarge = error.issues.length > 0 && error.issues.every((i) => i.code === 'too_big' && SIZE_FIELDS.has(String(i.path[0])));
  const text = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  if (tooLarge) return new AgentError('TOO_LARGE', `${text} (limits: ${LIMITS.paths} paths, ${LIMITS.diffChars.toLocaleString('en-US')} characters of diff, ${LIMITS.sqlChars.toLocaleString('en-US')} of SQL)`, { issues });
  return new AgentError('INVALID_INPUT', text, { issues });
}

function fieldName(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(arguments)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

// ---- Resources -----------------------------------------------------------------------------------

export interface ResourceListing {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: 'application/json';
}

export const RESOURCES: readonly ResourceListing[] = [
  {
    uri: 'stakes://routing-table', name: 'routing-table', title: 'Stakes routing table', mimeType: 'application/json',
    description: 'Which model each kind of work calls for (sensitive, complex, context-heavy, boilerplate), with the reason, the models Stakes runs per provider, ' +
      'the team\'s path rules and excluded models: built-in defaults ← settings ← the repository\'s .stakes.json.',
  },
  {
    uri: 'stakes://error-codes', name: 'error-codes', title: 'Stakes tool error codes', mimeType: 'application/json',
    description: 'Every error code the Stakes tools return, with what to do and whether retrying can help.',
  },
];

/** A resource's JSON text; undefined for an unknown URI. */
export function readResource(uri: string, ctx: AgentContext): string | undefined {
  if (uri === 'stakes://routing-table') {
    const roots = ctx.workspace.roots.map((root) => {
      const { config, problems } = ctx.rootState(root);
      return {
        root: root.dir,
        labels: LABELS.map((label) => ({ label, recommendation: config.recommendations[label], runnable: Object.fromEntries(Object.entries(config.runnable).map(([p, m]) => [p, m[label]])) })),
        paths: config.paths,
        excludeModels: config.excludeModels,
        customSignals: config.rules.length,
        contextTokenLimit: config.contextTokenLimit,
        activityWindowMinutes: config.activityWindowMinutes,
        sources: config.sources,
        problems,
      };
    });
    return JSON.stringify({ precedence: LABELS, roots }, null, 2);
  }
  if (uri === 'stakes://error-codes') {
    return JSON.stringify(Object.entries(ERROR_CODES).map(([code, m]) => ({ code, retryable: m.retryable, action: m.action })), null, 2);
  }
  return undefined;
}
