/**
 * `stakes mcp` as an agent sees it: the built CLI (dist/cli.js) started over stdio by the MCP
 * SDK's own client. Used by the MCP tests and the agent bench.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ROOT } from './activation';

export const CLI = path.join(ROOT, 'dist/cli.js');
/** The embedded engine's template cache the SQL tests share. */
export const TEST_CACHE_DIR = path.join(os.tmpdir(), 'stakes-test-cache');

export interface StakesMcp {
  client: Client;
  /** From spawning the server to the answer to initialize. */
  readyMs: number;
  stderr(): string;
  close(): Promise<void>;
}

export async function startStakesMcp(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<StakesMcp> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, { STAKES_CACHE_DIR: TEST_CACHE_DIR }, options.env ?? {});
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env, stderr: 'pipe', ...(options.cwd ? { cwd: options.cwd } : {}) });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  const client = new Client({ name: 'stakes-tests', version: '1.0.0' });
  const t0 = performance.now();
  await client.connect(transport);
  const readyMs = performance.now() - t0;
  return { client, readyMs, stderr: () => stderr, close: () => client.close() };
}

/** The JSON error body of a failed call. */
export function toolError(r: CallToolResult): { code: string; message: string; action: string; retryable: boolean; details?: Record<string, unknown> } {
  if (!r.isError) throw new Error(`expected an error result, got ${JSON.stringify(r.structuredContent).slice(0, 300)}`);
  const first = r.content[0];
  if (first?.type !== 'text') throw new Error('error result without text');
  return (JSON.parse(first.text) as { error: ReturnType<typeof toolError> }).error;
}
