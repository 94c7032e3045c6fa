/**
 * What VS Code reads from package.json matches the tool table: the language-model tools (names,
 * descriptions, input schemas), the MCP server definition provider, the setting that turns both
 * off; and the client snippets the copy command and the README give are valid for each client.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clientSnippets } from '../../../src/core/agent/clientConfig';
import { TOOLS } from '../../../src/core/agent/tools';
import { ROOT } from '../../support/activation';
import { AGENT_TOOLS_SETTING, languageModelToolsContribution } from '../../support/agentManifest';

interface Manifest {
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    languageModelTools: Array<Record<string, unknown>>;
    mcpServerDefinitionProviders: Array<{ id: string; label: string }>;
    configuration: { properties: Record<string, { type: string; default: unknown }> };
  };
}

describe('agent tools in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('contributes every tool of the table, with its description and input schema', () => {
    assert.deepEqual(pkg.contributes.languageModelTools, languageModelToolsContribution(),
      'package.json is stale: run `npx tsc -p . && node out/test/support/agentManifest.js --write`');
    assert.deepEqual(pkg.contributes.languageModelTools.map((t) => t.name), TOOLS.map((t) => t.name));
    for (const t of pkg.contributes.languageModelTools) {
      assert.match(String(t.name), /^(?!copilot_|vscode_)[\w-]+$/);
      assert.equal(t.when, `config.${AGENT_TOOLS_SETTING}`);
    }
  });

  it('offers the MCP server and has one setting, on by default, for both', () => {
    assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders, [{ id: 'stakes.mcp', label: 'Stakes' }]);
    const setting = pkg.contributes.configuration.properties[AGENT_TOOLS_SETTING];
    assert.equal(setting.type, 'boolean');
    assert.equal(setting.default, true);
    const [major, minor] = pkg.engines.vscode.replace(/^\^/, '').split('.').map(Number);
    assert.ok(major > 1 || minor >= 101, 'registerMcpServerDefinitionProvider needs VS Code 1.101');
  });

  it('gives each MCP client a configuration in its own format', () => {
    const snippets = clientSnippets({ command: 'node', args: ['/opt/stakes path/dist/cli.js', 'mcp'] });
    assert.deepEqual(snippets.map((s) => s.client), ['claude-code', 'cursor', 'vscode', 'codex']);
    const claude = snippets[0].text.split('\n\n');
    assert.equal(claude[0], "claude mcp add stakes -- node '/opt/stakes path/dist/cli.js' mcp");
    assert.deepEqual(JSON.parse(claude[1]), { mcpServers: { stakes: { command: 'node', args: ['/opt/stakes path/dist/cli.js', 'mcp'] } } });
    assert.deepEqual(JSON.parse(snippets[1].text).mcpServers.stakes.args, ['/opt/stakes path/dist/cli.js', 'mcp', '--root', '${workspaceFolder}']);
    assert.equal(JSON.parse(snippets[2].text).servers.stakes.type, 'stdio');
    assert.equal(snippets[3].text, '[mcp_servers.stakes]\ncommand = "node"\nargs = ["/opt/stakes path/dist/cli.js", "mcp"]\n');
  });
});
