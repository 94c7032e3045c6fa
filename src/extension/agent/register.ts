/**
 * Stakes for agents in VS Code, the light half: the language-model tools package.json contributes
 * (stakes_classify, stakes_check, stakes_explain_sql, stakes_review_status) registered with vscode.lm, and the Stakes MCP
 * server offered to MCP clients in VS Code. `stakes.agentTools.enabled` turns both off. Running a
 * tool loads dist/agent.js (host.ts), which runs the tools in a worker thread.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands, testCommands } from '../commands';
import { loadFeature } from '../lazy';
import type { Services } from '../services';
import { AGENT_TOOLS_SETTING, agentRoots, agentToolsEnabled as enabled } from './roots';

type Host = typeof import('./host');
type AgentHost = ReturnType<Host['createAgentHost']>;

const MCP_PROVIDER_ID = 'stakes.mcp';

export function register(context: vscode.ExtensionContext, services: Services): void {
  let host: AgentHost | undefined;
  const getHost = (): AgentHost => {
    host ??= loadFeature<Host>('agent').createAgentHost(context, services);
    return host;
  };
  context.subscriptions.push({ dispose: () => host?.dispose() });

  const toolNames = ((context.extension.packageJSON as { contributes?: { languageModelTools?: Array<{ name: string }> } })
    .contributes?.languageModelTools ?? []).map((t) => t.name);
  let registrations: vscode.Disposable[] = [];
  const syncTools = (): void => {
    registrations.forEach((d) => d.dispose());
    registrations = [];
    if (!enabled()) return;
    for (const name of toolNames) {
      registrations.push(vscode.lm.registerTool<Record<string, unknown>>(name, {
        prepareInvocation: (options, token) => getHost().prepare(name, options.input, token),
        invoke: (options, token) => getHost().invoke(name, options.input, token),
      }));
    }
  };
  syncTools();
  context.subscriptions.push({ dispose: () => registrations.forEach((d) => d.dispose()) });

  const mcpChanged = new vscode.EventEmitter<void>();
  const mcpServers = async (): Promise<vscode.McpStdioServerDefinition[]> => {
    const roots = agentRoots();
    if (!enabled() || roots.length === 0) return [];
    const sql = await services.sqlConfiguration(vscode.workspace.workspaceFolders?.[0]?.uri);
    return [mcpServerDefinition(context, roots, sql.problem ? '' : sql.connection, sql.schemaPaths)];
  };
  context.subscriptions.push(mcpChanged, vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: mcpChanged.event,
    provideMcpServerDefinitions: mcpServers,
    // Starting the server is where the stored database password is added (never in the definition VS Code lists).
    resolveMcpServerDefinition: async (server) => {
      if (!(server instanceof vscode.McpStdioServerDefinition)) return server;
      const sql = await services.sqlConfiguration(vscode.workspace.workspaceFolders?.[0]?.uri);
      if (sql.password) server.env = { ...server.env, STAKES_DB_PASSWORD: sql.password };
      return server;
    },
  }));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(AGENT_TOOLS_SETTING)) syncTools();
      if (e.affectsConfiguration(AGENT_TOOLS_SETTING) || e.affectsConfiguration('stakes.sql')) mcpChanged.fire();
      if (e.affectsConfiguration('stakes')) host?.settingsChanged();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => { mcpChanged.fire(); host?.settingsChanged(); }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => { mcpChanged.fire(); host?.settingsChanged(); }),
    ...registerCommands([
      { id: 'stakes.agent.copyMcpConfig', run: () => getHost().copyClientConfig() },
      // What VS Code is offered, for test/integration (it starts the server the same way).
      ...testCommands([{ id: 'stakes.agent.testMcpServers', run: mcpServers }]),
    ], services.output),
  );
}

/** `stakes mcp` from this installation, run by VS Code's own Node (the editor's binary as plain Node). */
function mcpServerDefinition(context: vscode.ExtensionContext, roots: string[], connection: string, schemaPaths: string[] | undefined): vscode.McpStdioServerDefinition {
  const args = [path.join(context.extensionPath, 'dist', 'cli.js'), 'mcp', ...roots.flatMap((r) => ['--root', r])];
  if (connection) args.push('--db', connection);
  else for (const p of schemaPaths ?? []) args.push('--schema', p);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const server = new vscode.McpStdioServerDefinition('Stakes', process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' }, version);
  server.cwd = vscode.Uri.file(roots[0]);
  return server;
}
