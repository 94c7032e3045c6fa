/** `stakes classify PATH... [--open FILE]... [--edited FILE]... [--json] [--config FILE]` */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify } from '../../core/classify';
import type { Classification, DocumentInput } from '../../core/classify';
import { findWorkspaceRoot, readHead, relativePath, walkFiles } from '../../core/files';
import { recommend, ConfigError, parseStakesFile, applyLayer, defaultConfig, type StakesConfig } from '../../core/routing/config';
import { loadConfig } from '../../core/routing/load';
import { uncommittedFiles } from '../git-changes';
import { parseCommandArgs, UserError, type CliIO } from '../io';

const HELP = `usage: stakes classify PATH... [--open FILE]... [--edited FILE]... [--json] [--config FILE]

Labels each file as sensitive, complex, context-heavy or boilerplate, recommends a model and says why.
  PATH            files or directories (directories are walked, respecting .gitignore)
  --open FILE     a document open beside the one classified (specs, docs, many sources); repeatable
  --edited FILE   a file edited in the last few minutes (activity makes work "complex"); repeatable
  --json          one JSON object per file per line
  --config FILE   a .stakes.json to use instead of the one in the workspace root
Exit codes: 0 success, 2 bad input.`;

export const command = {
  summary: 'label the work and recommend a model',
  async run(argv: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(argv, {
      open: { type: 'string', multiple: true },
      edited: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      config: { type: 'string' },
    }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length === 0) throw new UserError(`no PATH given.\n${HELP}`);
    const resolve = (p: string) => path.resolve(io.cwd, p);
    const root = findWorkspaceRoot(resolve(positionals[0]));
    const config = readConfig(root, values.config ? resolve(values.config) : undefined);

    let files: string[];
    try {
      files = walkFiles(positionals, root, io.cwd);
    } catch (e) {
      throw new UserError(`${(e as Error).message}. Check the path and try again.`);
    }
    const open = (values.open ?? []).map((f) => loadDoc(resolve(f), root, '--open'));
    const now = Date.now();
    const activity = (values.edited ?? []).map((f) => {
      const abs = resolve(f);
      if (!fs.existsSync(abs)) throw new UserError(`--edited ${f}: no such file. Give files you edited recently.`);
      return { path: relativePath(root, abs), at: now, size: 0 };
    });

    // Many uncommitted files across modules make the work complex, whether or not an editor saw the edits.
    const workingTree = uncommittedFiles(root).map((f) => relativePath(root, f));
    for (const file of files) {
      const doc = loadDoc(file, root, 'PATH');
      const result = classify({ active: doc, others: open, activity, now, workingTree }, { config });
      // Paths are printed the way git and eslint print them: relative to where the command runs.
      const shown = { ...result, file: displayPath(io.cwd, file) };
      io.stdout(values.json ? JSON.stringify(toJson(shown, config)) + '\n' : toText(shown, config));
    }
    if (files.length === 0) io.stderr('stakes classify: no files found (everything was ignored by .gitignore or the directory is empty)\n');
    return 0;
  },
};

/** A path relative to the current directory (absolute when that is shorter to read, outside it). */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel.startsWith('..' + path.sep + '..' + path.sep + '..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
}

function readConfig(root: string, explicit?: string): StakesConfig {
  if (explicit) {
    let text: string;
    try {
      text = fs.readFileSync(explicit, 'utf8');
    } catch (e) {
      throw new UserError(`--config ${explicit}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    try {
      return applyLayer(defaultConfig(), parseStakesFile(text, explicit), explicit);
    } catch (e) {
      if (e instanceof ConfigError) throw new UserError(e.message);
      throw e;
    }
  }
  const { config, errors } = loadConfig(root);
  if (errors.length) throw new UserError(errors.map((e) => e.message).join('\n'));
  return config;
}

function loadDoc(abs: string, root: string, flag: string): DocumentInput {
  let head;
  try {
    head = readHead(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${flag} ${abs}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory (only files can be --open)' : (e as Error).message.replace(`${abs} `, '')}.`);
  }
  // A head of a huge file: the whole file's size and line count go with it.
  return { path: relativePath(root, abs), content: head.bytes, ...(head.size > head.bytes.length ? { length: head.size, totalLines: head.lines } : {}) };
}

export function toJson(r: Classification, config: StakesConfig) {
  const rec = recommend(config, r.label);
  return {
    file: r.file,
    label: r.label,
    confidence: r.confidence,
    scores: r.scores,
    recommendation: rec ? { name: rec.name, provider: rec.provider, model: rec.model } : null,
    reasons: r.reasons.map((x) => ({ signal: x.signal, detail: x.detail, file: x.file ?? null, line: x.line ?? null })),
    runnerUp: r.runnerUp,
    ...(r.evidence ? { evidence: r.evidence } : {}),
    ...(r.modelError ? { modelError: r.modelError } : {}),
    ...(r.override ? { override: r.override } : {}),
    ...(r.skipped.length ? { skipped: r.skipped } : {}),
  };
}

export function toText(r: Classification, config: StakesConfig): string {
  const rec = recommend(config, r.label);
  const lines = [
    `${r.file}: ${r.label}${r.evidence ? '?' : ''} (confidence ${r.confidence.toFixed(2)}) → ${rec ? `${rec.name} (${rec.provider})` : 'no model: every candidate is excluded'}`,
  ];
  if (r.evidence) lines.push(`    ${r.evidence.detail}`);
  for (const reason of r.reasons.slice(0, 6)) lines.push(`    - [${reason.label}] ${reason.detail}`);
  if (r.runnerUp) lines.push(`    runner-up: ${r.runnerUp.label} (${r.runnerUp.score.toFixed(2)})`);
  for (const s of r.skipped) lines.push(`    skipped: ${s}`);
  if (r.modelError) lines.push(`    note: the learned model could not be read (${r.modelError}); the signal table's own weights decided`);
  return lines.join('\n') + '\n';
}
