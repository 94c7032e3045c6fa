/**
 * Stakes for agents inside the real extension host: vscode.lm.tools lists the Stakes tools,
 * vscode.lm.invokeTool returns their results (the same JSON as the MCP server), the MCP server
 * definition VS Code is offered starts and answers, and stakes.agentTools.enabled turns both off.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { stakes, waitFor, withSetting, WorkspaceFiles } from './helpers';

const TOOLS = ['stakes_classify', 'stakes_check', 'stakes_explain_sql', 'stakes_review_status'];

const PROBE = 'src/orders/agent-probe.ts';
const PROBE_TEXT = [
  "import { pool } from '../db/pool';",
  'export async function ordersFor(req: any, res: any) {',
  "  const byEmail = await pool.query('SELECT id, total_cents FROM orders WHERE customer_email = $1', [req.query.email]);",
  '  const unsafe = await pool.query("SELECT * FROM orders WHERE id = " + req.params.id);',
  '  res.json({ byEmail: byEmail.rows, unsafe: unsafe.rows });',
  '}',
  '',
].join('\n');

function stakesTools(): string[] {
  return vscode.lm.tools.filter((t) => t.name.startsWith('stakes_')).map((t) => t.name).sort();
}

async function invoke(name: string, input: object): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  const part = result.content[0];
  assert.ok(part instanceof vscode.LanguageModelTextPart, `expected a text part, got ${JSON.stringify(result.content).slice(0, 300)}`);
  return JSON.parse(part.value) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One JSON-RPC exchange with a server started from an MCP server definition, as VS Code would start it. */
async function initializeAndList(def: vscode.McpStdioServerDefinition): Promise<{ serverName: string; tools: string[] }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(def.env)) if (v === null) delete env[k]; else env[k] = String(v);
  const child = spawn(def.command, def.args, { env, cwd: def.cwd?.fsPath, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
  const line = async (n: number): Promise<Record<string, any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const lines = await waitFor(() => { const l = out.split('\n').filter(Boolean); return l.length >= n ? l : undefined; }, () => `server said ${out || '(nothing)'}; stderr ${err}`, 60_000);
    return JSON.parse(lines[n - 1]) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  try {
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'vscode-test', version: '1' } } });
    const init = await line(1);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const list = await line(2);
    return { serverName: init.result.serverInfo.name, tools: list.result.tools.map((t: { name: string }) => t.name) };
  } finally {
    child.stdin.end();
    child.kill();
  }
}

describe('agent tools (vscode.lm)', function () {
  this.timeout(180_000);
  const files = new WorkspaceFiles();

  before(async () => {
    await stakes();
    await files.write(PROBE, PROBE_TEXT);
    await waitFor(() => stakesTools().length === TOOLS.length, () => `vscode.lm.tools has ${JSON.stringify(vscode.lm.tools.map((t) => t.name))}`, 20_000);
  });
  after(() => files.restore());

  it('vscode.lm.tools lists the Stakes tools with their input schemas', () => {
    assert.deepEqual(stakesTools(), [...TOOLS].sort());
    const classify = vscode.lm.tools.find((t) => t.name === 'stakes_classify')!;
    assert.match(classify.description, /sensitive/);
    assert.equal((classify.inputSchema as { type?: string }).type, 'object');
    assert.ok(classify.tags.includes('stakes'));
  });

  it('stakes_classify and stakes_check return the label, the model and rule findings', async () => {
    const c = await invoke('stakes_classify', { paths: [PROBE] });
    assert.equal(c.error, undefined, JSON.stringify(c.error));
    assert.equal(c.files[0].path, PROBE);
    assert.equal(c.label, 'sensitive');
    assert.ok(c.recommendation.name);
    const k = await invoke('stakes_check', { paths: [PROBE] });
    const injection = k.findings.find((f: { ruleId: string }) => f.ruleId === 'sql-injection');
    assert.ok(injection, JSON.stringify(k.findings));
    assert.equal(injection.startLine, 4);
  });

  it('stakes_explain_sql explains the query at path:line on the embedded PostgreSQL', async () => {
    const r = await invoke('stakes_explain_sql', { path: PROBE, line: 3 });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.engine.kind, 'embedded');
    assert.equal(r.statements[0].location.line, 3);
    assert.ok(r.statements[0].plan.some((n: { relation: string | null }) => n.relation === 'orders'), JSON.stringify(r.statements[0].plan));
  });

  it('errors reach the model as codes: a path outside the workspace is refused', async () => {
    const r = await invoke('stakes_classify', { paths: ['../../../etc/passwd'] });
    assert.equal(r.error?.code, 'OUTSIDE_WORKSPACE');
    assert.ok(r.error.action);
  });

  it('offers an MCP server that starts and lists the same tools', async () => {
    const defs = await vscode.commands.executeCommand<vscode.McpStdioServerDefinition[]>('stakes.agent.testMcpServers');
    assert.equal(defs?.length, 1, 'one server definition');
    assert.ok(defs[0].args.includes('mcp') && defs[0].args.includes('--root'), defs[0].args.join(' '));
    const answer = await initializeAndList(defs[0]);
    assert.equal(answer.serverName, 'stakes');
    assert.deepEqual(answer.tools, TOOLS);
  });

  it('stakes.agentTools.enabled: false withdraws the tools and the MCP server', async () => {
    // vscode.lm.tools lists contributed tools whatever their when-clause (chat applies it); a withdrawn tool has no implementation.
    const undo = await withSetting('agentTools.enabled', false);
    try {
      await waitFor(async () => {
        try {
          await vscode.lm.invokeTool('stakes_classify', { input: { paths: [PROBE] }, toolInvocationToken: undefined });
          return false;
        } catch {
          return true;
        }
      }, () => 'stakes_classify still answers with the setting off');
      const defs = await vscode.commands.executeCommand<vscode.McpStdioServerDefinition[]>('stakes.agent.testMcpServers');
      assert.deepEqual(defs, []);
    } finally {
      await undo();
    }
    const back = await waitFor(async () => {
      try {
        return await invoke('stakes_classify', { paths: [PROBE] });
      } catch {
        return undefined;
      }
    }, () => 'stakes_classify does not answer after re-enabling');
    assert.equal(back.label, 'sensitive');
  });
});
