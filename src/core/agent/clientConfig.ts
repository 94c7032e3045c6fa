/**
 * How each MCP client is told to start `stakes mcp`: Claude Code, Cursor, VS Code (Copilot) and
 * Codex, in the file format each reads. The README shows these, and the editor's "Copy MCP server
 * configuration…" command fills them in with this installation's paths.
 */

export type McpClient = 'claude-code' | 'cursor' | 'vscode' | 'codex';

export interface ClientSnippet {
  client: McpClient;
  label: string;
  /** Where it goes, for the user. */
  where: string;
  text: string;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** The configuration for each client. `root` is how the workspace is named in that client's file. */
export function clientSnippets(server: ServerCommand): ClientSnippet[] {
  const withRoot = (root: string | undefined) => (root ? [...server.args, '--root', root] : server.args);
  const json = (top: string, entry: Record<string, unknown>) => JSON.stringify({ [top]: { stakes: entry } }, null, 2);
  return [
    {
      client: 'claude-code', label: 'Claude Code', where: 'run in the project folder (or put the JSON in the project\'s .mcp.json)',
      // Claude Code starts project servers in the project folder: the default root is right.
      text: `claude mcp add stakes -- ${[server.command, ...server.args].map(shellQuote).join(' ')}\n\n` +
        json('mcpServers', { command: server.command, args: server.args }),
    },
    {
      client: 'cursor', label: 'Cursor', where: '.cursor/mcp.json in the project',
      text: json('mcpServers', { command: server.command, args: withRoot('${workspaceFolder}') }),
    },
    {
      client: 'vscode', label: 'VS Code / GitHub Copilot', where: '.vscode/mcp.json (the Stakes extension also offers the server by itself)',
      text: json('servers', { type: 'stdio', command: server.command, args: withRoot('${workspaceFolder}') }),
    },
    {
      client: 'codex', label: 'Codex', where: '~/.codex/config.toml (Codex starts it in the folder you run codex in)',
      text: `[mcp_servers.stakes]\ncommand = ${tomlString(server.command)}\nargs = [${server.args.map(tomlString).join(', ')}]\n`,
    },
  ];
}
