/**
 * `stakes demo [DIR]`: what `npm start` runs. Everything Stakes can do with no server and no API
 * key, on one project: label every file and recommend a model, run the offline audit rules, and
 * EXPLAIN the project's SQL on the embedded PostgreSQL built from its migrations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify } from '../../core/classify';
import type { Classification } from '../../core/classify';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import * as rules from '../../core/rules';
import { createExplainer, isSqlExplainError } from '../../core/sql/api';
import { renderWorkspace } from '../../core/sql/render';
import { findWorkspaceRoot, readHead, relativePath, walkFiles } from '../../core/files';
import { LABELS, type Label } from '../../core/labels';
import { recommend } from '../../core/routing/config';
import { loadConfig } from '../../core/routing/load';
import { parseCommandArgs, UserError, type CliIO } from '../io';

const HELP = `usage: stakes demo [DIR] [--no-sql]

Runs every check that needs no server and no API key on DIR (default: examples/shop-api):
  1. labels every file and recommends a model, with the main reason;
  2. runs the offline audit rules (no key, no network);
  3. EXPLAINs the SQL found in the code on an embedded PostgreSQL loaded from DIR's migrations
     (skip with --no-sql; the first run builds a template database, ~5 s).
For an AI audit, see \`stakes audit --help\`.`;

export const command = {
  summary: 'run every offline check on a project',
  async run(argv: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(argv, { 'no-sql': { type: 'boolean' } }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const dir = path.resolve(io.cwd, positionals[0] ?? 'examples/shop-api');
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`${dir} is not a directory. Give a project directory, e.g. \`stakes demo examples/shop-api\`.`);
    const root = findWorkspaceRoot(dir);
    const { config, errors } = loadConfig(root);
    if (errors.length) throw new UserError(errors.map((e) => e.message).join('\n'));

    io.stdout(`Stakes on ${relativePath(io.cwd, root) || '.'}\n\n1. What kind of work is each file, and which model fits it\n\n`);
    const files = walkFiles([dir], root);
    const results: Classification[] = [];
    const started = process.hrtime.bigint();
    for (const file of files) {
      results.push(classify({ active: { path: relativePath(root, file), content: readHead(file).bytes } }, { config }));
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const width = Math.min(48, Math.max(...results.map((r) => r.file.length)));
    for (const r of results) {
      const rec = recommend(config, r.label);
      const top = r.reasons.find((x) => x.label === r.label) ?? r.reasons[0];
      io.stdout(`  ${r.file.padEnd(width)}  ${r.label.padEnd(13)} ${(rec?.name ?? '-').padEnd(16)} ${top ? top.detail : ''}\n`);
    }
    const counts = Object.fromEntries(LABELS.map((l) => [l, results.filter((r) => r.label === l).length])) as Record<Label, number>;
    io.stdout(`\n  ${files.length} files in ${ms.toFixed(0)} ms: ${LABELS.map((l) => `${counts[l]} ${l}`).join(', ')}\n`);

    await offlineRules(files, root, io);
    if (!values['no-sql']) await explainSql(dir, root, io);
    return 0;
  },
};

async function offlineRules(files: string[], root: string, io: CliIO): Promise<void> {
  io.stdout('\n2. Offline audit rules (no key, no network)\n\n');
  const inputs = files
    .filter((f) => rules.languageOf(f) !== null)
    .map((f) => ({ path: relativePath(root, f), text: fs.readFileSync(f, 'utf8') }));
  const skipped: string[] = [];
  const started = process.hrtime.bigint();
  const findings = await rules.auditOffline(inputs, { onSkip: (p, why) => skipped.push(`${p}: ${why}`) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  for (const f of findings) {
    io.stdout(`  ${f.severity.toUpperCase().padEnd(8)} ${`${f.file}:${f.startLine}`.padEnd(34)} ${f.title} [${f.ruleId ?? f.category}${f.cwe ? `, ${f.cwe}` : ''}]\n`);
  }
  for (const s of skipped) io.stdout(`  skipped ${s}\n`);
  io.stdout(`\n  ${findings.length} findings in ${inputs.length} files (${ms.toFixed(0)} ms). Suppress one with \`// stakes-ignore RULE reason\`.\n`);
}

async function explainSql(dir: string, root: string, io: CliIO): Promise<void> {
  io.stdout('\n3. SQL in the code, EXPLAINed on an embedded PostgreSQL built from the migrations\n\n');
  const explainer = createExplainer({ cacheDir: cacheLayout(stakesCacheDir(io.env)).sql });
  try {
    const report = await explainer.explainWorkspace(dir);
    io.stdout(renderWorkspace(report, (file) => relativePath(root, file)).replace(/^/gm, '  '));
    io.stdout('\n  Costs on the embedded engine assume table sizes (default 100,000 rows a table): they are estimates.\n' +
      '  For real plans: stakes explain FILE:LINE --db postgres://USER@HOST/DB\n');
  } catch (e) {
    if (isSqlExplainError(e)) throw new UserError(`EXPLAIN failed: ${e.message}`);
    throw e;
  } finally {
    await explainer.dispose();
  }
}
