/**
 * `stakes mcp`: the agent tools (src/core/agent) as a Model Context Protocol server over stdio, on
 * the official TypeScript SDK. stdout carries the protocol only (anything else a library prints
 * goes to stderr); the server stops when the client closes stdin. Only this command loads the SDK.
 */
import * as path from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListToolsRequestSchema, McpError, ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { AgentSession } from '../../core/agent/session';
import { AGENT_INSTRUCTIONS } from '../../core/agent/instructions';
import { callTool, listTools, readResource, RESOURCES, TOOLS } from '../../core/agent/tools';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import { parseEngineUrl, isSqlExplainError, type EngineSpec } from '../../core/sql/api';
import { parseCommandArgs, UserError, type CliIO } from '../io';
import { parseRows, positiveInt } from './explain';

const HELP = `usage: stakes mcp [--root DIR]... [--db URL] [--schema PATH]... [--rows table=N,...] [--default-rows N] [--timeout MS] [--no-suggest]

Serves Stakes to AI agents over the Model Context Protocol (stdio): stakes_classify, stakes_check,
stakes_explain_sql, and the routing table as a resource. Read-only: it reads files only inside the
roots, never changes data, never calls a model provider.
  --root DIR           a workspace root the tools may read (repeatable; default: the current directory)
  --db URL             the database stakes_explain_sql uses: postgres://USER@HOST:5432/DB, mysql://USER@HOST:3306/DB
                       or sqlite:PATH (password: STAKES_DB_PASSWORD or the driver's own variable, e.g. PGPASSWORD).
                       Default: embedded PostgreSQL loaded with the workspace's migrations. Agents cannot choose another.
  --schema PATH        schema file or migrations folder for the embedded engine (repeatable)
  --rows table=N,...   assumed row counts for the embedded engine (default 100,000 per table)
  --default-rows N     assumed rows for tables not listed in --rows
  --timeout MS         statement_timeout for EXPLAIN (default 10000)
  --no-suggest         no index suggestions (they build trial indexes inside rolled-back transactions)
Exit codes: 0 when the client disconnects, 2 bad arguments.`;

export const command = {
  summary: 'serve the agent tools over MCP (stdio)',
  async run(argv: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(argv, {
      root: { type: 'string', multiple: true },
      db: { type: 'string' },
      schema: { type: 'string', multiple: true },
      rows: { type: 'string', multiple: true },
      'default-rows': { type: 'string' },
      timeout: { type: 'string' },
      'no-suggest': { type: 'boolean' },
    }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}": give workspace roots with --root DIR.\n${HELP}`);
    if (values.db && values.schema) throw new UserError('--schema is for the embedded engine; with --db the database\'s own schema is used. Drop one of them.');
    const roots = (values.root?.length ? values.root : [io.cwd]).map((r) => path.resolve(io.cwd, r));
    let engine: EngineSpec = { kind: 'embedded' };
    if (values.db) {
      try {
        engine = parseEngineUrl(values.db, io.cwd);
      } catch (e) {
        throw new UserError(isSqlExplainError(e) ? e.message : String(e));
      }
      const password = io.env.STAKES_DB_PASSWORD;
      if (password && (engine.kind === 'postgres' || engine.kind === 'mysql')) engine = { ...engine, password };
    }
    let session: AgentSession;
    try {
      session = new AgentSession({
        roots,
        engine,
        sql: {
          ...(values.schema ? { schemaPaths: values.schema.map((p) => path.resolve(io.cwd, p)) } : {}),
          rows: parseRows(values.rows ?? []),
          ...(values['default-rows'] !== undefined ? { defaultRows: positiveInt(values['default-rows'], '--default-rows') } : {}),
          statementTimeoutMs: values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : 10_000,
          suggestIndexes: !values['no-suggest'],
        },
        explainer: { cacheDir: cacheLayout(stakesCacheDir(io.env)).sql, log: (line) => io.stderr(`stakes mcp: [sql] ${line}\n`) },
      });
    } catch (e) {
      throw new UserError(`--root: ${(e as Error).message}.`);
    }
    return serve(session, io);
  },
};

declare const STAKES_VERSION: string | undefined;

async function serve(session: AgentSession, io: CliIO): Promise<number> {
  // stdout is the protocol channel: a library that logs must not corrupt it.
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  const server = new Server(
    { name: 'stakes', title: 'Stakes', version: typeof STAKES_VERSION === 'string' ? STAKES_VERSION : 'dev' },
    { capabilities: { tools: { listChanged: false }, resources: { listChanged: false } }, instructions: AGENT_INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listTools(session.context()) }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    // An unknown tool is a protocol error (the MCP spec); bad arguments are the model's to correct, so they are results.
    if (!TOOLS.some((t) => t.name === req.params.name)) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${req.params.name}. Stakes' tools: ${TOOLS.map((t) => t.name).join(', ')}.`);
    }
    const outcome = await callTool(req.params.name, req.params.arguments ?? {}, session.context(extra.signal));
    if (outcome.ok) return { content: [{ type: 'text', text: JSON.stringify(outcome.value) }], structuredContent: outcome.value };
    // Errors carry no structuredContent (it would have to match the output schema): the code is in the text, as JSON.
    return { content: [{ type: 'text', text: JSON.stringify({ error: outcome.error }) }], isError: true };
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [...RESOURCES] }));
  server.setRequestHandler(ReadResourceRequestSchema, (req) => {
    const text = readResource(req.params.uri, session.context());
    if (text === undefined) throw new McpError(ErrorCode.InvalidParams, `unknown resource ${req.params.uri}; list them with resources/list`);
    return { contents: [{ uri: req.params.uri, mimeType: 'application/json', text }] };
  });

  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  server.onerror = (e) => io.stderr(`stakes mcp: ${e.message}\n`);
  await server.connect(new StdioServerTransport());
  io.stderr(`stakes mcp: serving ${session.workspace.describeRoots().join(', ')} (${session.context().engineDescription()})\n`);
  await closed;
  await session.dispose().catch(() => undefined);
  await server.close().catch(() => undefined);
  return 0;
}
