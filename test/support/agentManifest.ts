/**
 * package.json's `contributes.languageModelTools`, generated from the agent tool table
 * (src/core/agent/tools.ts): the names, descriptions and input schemas VS Code shows to models are
 * the MCP server's. test/unit/agent/manifest.test.ts fails when package.json is stale;
 * `node out/test/support/agentManifest.js --write` rewrites it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonSchema, TOOLS } from '../../src/core/agent/tools';
import { ROOT } from './activation';

/** The setting that turns the tools (and the MCP server definition) off. */
export const AGENT_TOOLS_SETTING = 'stakes.agentTools.enabled';

const REFERENCE_NAMES: Record<string, string> = {
  stakes_classify: 'stakesClassify',
  stakes_check: 'stakesCheck',
  stakes_explain_sql: 'stakesExplainSql',
  stakes_review_status: 'stakesReviewStatus',
};

export function languageModelToolsContribution(): Array<Record<string, unknown>> {
  return TOOLS.map((t) => ({
    name: t.name,
    displayName: t.title,
    toolReferenceName: REFERENCE_NAMES[t.name] ?? t.name,
    canBeReferencedInPrompt: true,
    userDescription: t.summary,
    modelDescription: t.description,
    icon: '$(shield)',
    tags: ['stakes', 'security', 'backend'],
    when: `config.${AGENT_TOOLS_SETTING}`,
    inputSchema: jsonSchema(t.input, 'input'),
  }));
}

if (require.main === module && process.argv.includes('--write')) {
  const file = path.join(ROOT, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { contributes: Record<string, unknown> };
  pkg.contributes.languageModelTools = languageModelToolsContribution();
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  process.stdout.write(`wrote ${TOOLS.length} language-model tools to package.json\n`);
}
