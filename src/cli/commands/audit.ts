/**
 * `stakes audit PATH... [--selection START:END] [--changes [BASE]] [--provider P] [--model ID]
 *  [--base-url URL] [--format text|json|sarif|markdown] [--fail-on SEVERITY] [--dry-run] [--offline [--baseline FILE] [--write-baseline]]`
 * Exit 0: done (no finding at/above --fail-on); 1: a finding at/above --fail-on; 2: bad input or provider failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LABELS, type Label } from '../../core/labels';
import { SEVERITIES, severityAtLeast, type AuditReport, type Finding, type Severity } from '../../core/audit/findings';
import type { AuditRequest, AuditTarget, PreparedAudit } from '../../core/audit/types';
import { ProviderError } from '../../core/providers/types';
import { findWorkspaceRoot, relativePath, walkFiles } from '../../core/files';
import { loadConfig } from '../../core/routing/load';
import { recommend, runnableModel, ConfigError, type StakesConfig } from '../../core/routing/config';
import { parseCommandArgs, EXIT_FINDINGS, UserError, type CliIO } from '../io';

/* eslint-disable @typescript-eslint/no-require-imports */

const HELP = `usage: stakes audit PATH... [options]

Audits code with a model and prints structured findings grounded in the code.
  PATH                    files or directories (directories are walked, respecting .gitignore)
  --selection START:END   judge only lines START..END (1-based, inclusive) of the single PATH
  --changes [BASE]        judge only changed lines: uncommitted changes against HEAD, or the branch's changes
                          against the merge base with BASE (also --changes=BASE)
  --provider P            openai | anthropic | google | openai-compatible (default: from the code's label)
  --model ID              model id (default: the routing table's model for the code's label and provider)
  --base-url URL          server URL (required for openai-compatible, e.g. http://127.0.0.1:11434/v1)
  --api-version V         Gemini API version (v1 or v1beta)
  --format F              text (default) | json | sarif | markdown
  --output FILE           write the report to FILE instead of stdout
  --fail-on SEVERITY      exit 1 when a finding at or above SEVERITY exists (${SEVERITIES.join(', ')})
  --dry-run               print the exact (redacted) payload and the cost estimate; send nothing
  --offline               deterministic rules only: no model, no network
  --baseline FILE         with --offline: hide findings recorded in FILE, so only new ones are reported and fail
  --write-baseline        with --offline: record the current findings in --baseline FILE (default .stakes-baseline.json)
  --local-only            refuse every provider that is not on this machine or a private network
  --timeout SECONDS       per-attempt time limit (default 120)
  --max-run-usd USD       refuse when this audit could cost more
  --max-day-usd USD       refuse when today's audits plus this one could cost more
  --max-input-tokens N    refuse to send more than N input tokens in one audit (default 200000)
  --max-output-tokens N   output cap per answer, reasoning included (default 16000)
  --no-cache              re-audit even when the code, scope and model are unchanged
Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), OPENAI_COMPATIBLE_API_KEY (optional).
Exit codes: 0 done, 1 a finding at or above --fail-on, 2 bad input or provider failure.`;

declare const STAKES_VERSION: string | undefined;
const TOOL_VERSION = typeof STAKES_VERSION === 'string' ? STAKES_VERSION : 'dev';

const CLI_PROVIDERS = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
type CliProvider = (typeof CLI_PROVIDERS)[number];
const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

const KEY_ENV: Record<CliProvider, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  'openai-compatible': ['OPENAI_COMPATIBLE_API_KEY'],
};

/** `--changes` takes an optional value: only when the next word names a commit and is not a path. */
function splitChangesFlag(argv: string[], cwd: string): { argv: string[]; changes: boolean; base?: string } {
  const out: string[] = [];
  let changes = false;
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--changes=')) { changes = true; base = a.slice('--changes='.length) || undefined; continue; }
    if (a !== '--changes') { out.push(a); continue; }
    changes = true;
    const next = argv[i + 1];
    if (next && !next.startsWith('-') && !fs.existsSync(path.resolve(cwd, next))) {
      const { isRevision } = require('../git-changes') as typeof import('../git-changes');
      if (isRevision(cwd, next)) { base = next; i++; }
    }
  }
  return { argv: out, changes, base };
}

function parseSelection(value: string): { startLine: number; endLine: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(value.trim());
  if (!m) throw new UserError(`--selection ${value}: expected START:END line numbers, e.g. --selection 10:40.`);
  const startLine = Number(m[1]);
  const endLine = m[2] === undefined ? startLine : Number(m[2]);
  if (startLine < 1 || endLine < startLine) {
    throw new UserError(`--selection ${value}: START must be at least 1 and END at least START.`);
  }
  return { startLine, endLine };
}

function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`${flag} ${value}: expected an amount in US dollars, e.g. ${flag} 0.50.`);
  return n;
}

const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'poetry.lock',
  'Pipfile.lock', 'uv.lock', 'Cargo.lock', 'go.sum', 'composer.lock', 'Gemfile.lock', 'packages.lock.json']);
const MAX_WALKED_FILE_BYTES = 512 * 1024;

/** Why a file found by walking a folder is not worth auditing (lockfile, minified, source map, huge), or null. */
function generatedReason(abs: string): string | null {
  const base = path.basename(abs);
  if (LOCKFILES.has(base)) return 'dependency lockfile';
  if (/\.(min\.(js|css)|map)$/.test(base)) return 'minified or source map';
  try {
    if (fs.statSync(abs).size > MAX_WALKED_FILE_BYTES) return 'larger than 512 KB (generated or vendored); name it explicitly to audit it';
  } catch { /* reported when read */ }
  return null;
}

function readText(abs: string, shown: string): string {
  try {
    return fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}.`);
  }
}

function cacheRoot(env: NodeJS.ProcessEnv): string {
  return env.STAKES_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'stakes');
}

/** The label of the audited code: the highest-precedence label among the files (sensitive wins). */
function labelOf(targets: AuditTarget[], config: StakesConfig): Label {
  const { classify } = require('../../core/classify') as typeof import('../../core/classify');
  let best: Label = 'boilerplate';
  for (const t of targets) {
    const selection = t.scope.kind === 'selection' ? { startLine: t.scope.startLine, endLine: t.scope.endLine } : undefined;
    const c = classify({ active: { path: t.path, content: t.content, languageId: t.languageId, selection } }, { config });
    if (LABELS.indexOf(c.label) < LABELS.indexOf(best)) best = c.label;
  }
  return best;
}

/**
 * Provider and model: flags win; otherwise the routing table's choice for the code's label. When the
 * recommended provider has no key in the environment, the first cloud provider that has one is used
 * (with that provider's model for the label), and the reason says so.
 */
function chooseModel(targets: AuditTarget[], config: StakesConfig, provider: string | undefined, model: string | undefined,
  hasKey: (p: CliProvider) => boolean): { provider: CliProvider; model: string; why: string } {
  if (provider && model) return { provider: provider as CliProvider, model, why: 'chosen with --provider and --model' };
  const label = labelOf(targets, config);
  let p = provider as CliProvider | undefined;
  let why = provider ? `the code is labelled ${label} (--provider ${provider})` : `the code is labelled ${label}`;
  if (!p) {
    const rec = recommend(config, label);
    const recommended = rec && (CLI_PROVIDERS as readonly string[]).includes(rec.provider) ? rec.provider as CliProvider : null;
    const withKey = (['openai', 'anthropic', 'google'] as const).find(hasKey);
    if (recommended && hasKey(recommended)) p = recommended;
    else if (withKey) {
      p = withKey;
      why += recommended ? ` (the routing table recommends ${recommended}, which has no key set; using ${withKey})`
        : ` (${rec?.name ?? 'the recommended model'} is not callable from the CLI; using ${withKey})`;
    } else p = recommended ?? 'openai';
  }
  try {
    return { provider: p, model: model ?? runnableModel(config, p, label), why };
  } catch (e) {
    if (e instanceof ConfigError) throw new UserError(`${e.message}\nPick a model with --model.`);
    throw e;
  }
}

/** What the audit uses of the deterministic rules engine (src/core/rules, built separately). */
interface RulesModule {
  /** Rule hits to show the model (highest severity first, capped). */
  ruleHints(files: Array<{ path: string; text: string }>): Promise<Finding[]>;
  /** Every rule finding for the files (the `--offline` report). */
  auditOffline(files: Array<{ path: string; text: string }>, options?: { onSkip?: (path: string, reason: string) => void }): Promise<Finding[]>;
}

/** The rules engine when it is part of this build, else null (the audit then runs without hints). */
function loadRules(): RulesModule | null {
  try {
    const mod = require('../../core/rules') as Partial<RulesModule>;
    return typeof mod.ruleHints === 'function' && typeof mod.auditOffline === 'function' ? (mod as RulesModule) : null;
  } catch {
    return null;
  }
}

function textReport(report: AuditReport, checked: string, extra: string[]): string {
  const out: string[] = [];
  for (const f of report.findings) {
    const where = f.startLine === f.endLine ? `${f.startLine}` : `${f.startLine}-${f.endLine}`;
    out.push(`${f.file}:${where}${f.startColumn !== undefined ? `:${f.startColumn + 1}` : ''}  ${f.severity.toUpperCase()}  [${f.category}${f.cwe ? ` ${f.cwe}` : ''}] ${f.title}` +
      (f.source !== 'ai' ? ` (${f.source === 'both' ? 'AI + ' : ''}rule ${f.ruleId})` : ''));
    out.push(...f.evidence.split('\n').map((l) => `    | ${l}`));
    out.push(`    ${f.explanation}`);
    if (f.fix !== null) out.push('    fix:', ...f.fix.split('\n').map((l) => `    + ${l}`));
    out.push('');
  }
  if (report.unverified.length) {
    out.push(`${report.unverified.length} unverified finding(s): the model quoted code that is not in the audited files:`);
    for (const f of report.unverified) out.push(`  - ${f.severity} ${f.title} (${f.file}, claimed line ${f.startLine})`);
    out.push('');
  }
  // "No findings. Checked …" already says what was checked: print it once.
  out.push(report.summary, ...(report.summary.includes(checked) ? [] : [checked]), ...extra);
  return out.join('\n') + '\n';
}

function estimateLine(prepared: PreparedAudit): string {
  const { formatUsd } = require('../../core/audit/cost') as typeof import('../../core/audit/cost');
  const e = prepared.estimate;
  return `${prepared.model.provider} ${prepared.model.id}: about ${e.inputTokens.toLocaleString('en-US')} input tokens, ` +
    `estimated ${formatUsd(e.costUsd)} (at most ${formatUsd(e.maxCostUsd)} with ${e.maxOutputTokens} output tokens)` +
    (e.note ? `; ${e.note}` : '');
}

export const command = {
  summary: 'audit code with a model: structured findings grounded in the code',
  async run(argv: string[], io: CliIO): Promise<number> {
    const pre = splitChangesFlag(argv, io.cwd);
    const parsed = parseCommandArgs(pre.argv, {
      selection: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-version': { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      'fail-on': { type: 'string' },
      'dry-run': { type: 'boolean' },
      offline: { type: 'boolean' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'boolean' },
      'local-only': { type: 'boolean' },
      timeout: { type: 'string' },
      'max-run-usd': { type: 'string' },
      'max-day-usd': { type: 'string' },
      'max-input-tokens': { type: 'string' },
      'max-output-tokens': { type: 'string' },
      'no-cache': { type: 'boolean' },
    }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length === 0) throw new UserError(`no PATH given.\n${HELP}`);
    const format = (values.format ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UserError(`--format ${values.format}: use one of ${FORMATS.join(', ')}.`);
    const failOn = values['fail-on'] as Severity | undefined;
    if (failOn !== undefined && !SEVERITIES.includes(failOn)) {
      throw new UserError(`--fail-on ${failOn}: use one of ${SEVERITIES.join(', ')}.`);
    }
    if (values.provider !== undefined && !(CLI_PROVIDERS as readonly string[]).includes(values.provider)) {
      throw new UserError(`--provider ${values.provider}: use one of ${CLI_PROVIDERS.join(', ')}. (VS Code's language models are available in the extension only.)`);
    }
    if (values.selection !== undefined && pre.changes) throw new UserError('--selection and --changes cannot be combined: pick one scope.');
    const timeoutSeconds = values.timeout === undefined ? 120 : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserError(`--timeout ${values.timeout}: expected a number of seconds, e.g. --timeout 60.`);
    const perRunUsd = parseUsd('--max-run-usd', values['max-run-usd']);
    const perDayUsd = parseUsd('--max-day-usd', values['max-day-usd']);
    const maxInputTokens = values['max-input-tokens'] === undefined ? undefined : Number(values['max-input-tokens']);
    if (maxInputTokens !== undefined && (!Number.isInteger(maxInputTokens) || maxInputTokens < 1000)) {
      throw new UserError(`--max-input-tokens ${values['max-input-tokens']}: expected a whole number of at least 1000.`);
    }
    const maxOutputTokens = values['max-output-tokens'] === undefined ? undefined : Number(values['max-output-tokens']);
    if (maxOutputTokens !== undefined && (!Number.isInteger(maxOutputTokens) || maxOutputTokens < 256)) {
      throw new UserError(`--max-output-tokens ${values['max-output-tokens']}: expected a whole number of at least 256.`);
    }

    const resolve = (p: string): string => path.resolve(io.cwd, p);
    const root = findWorkspaceRoot(resolve(positionals[0]));
    const loaded = loadConfig(root);
    if (loaded.errors.length) throw new UserError(loaded.errors.map((e) => e.message).join('\n'));
    const config = loaded.config;

    const targets: AuditTarget[] = [];
    if (pre.changes) {
      const { gitChanges, gitRoot } = require('../git-changes') as typeof import('../git-changes');
      const { parseUnifiedDiff } = require('../../core/audit/diff') as typeof import('../../core/audit/diff');
      for (const p of positionals) if (!fs.existsSync(resolve(p))) throw new UserError(`${p}: no such file or directory.`);
      const first = resolve(positionals[0]);
      const repo = gitRoot(fs.statSync(first).isDirectory() ? first : path.dirname(first));
      const changes = gitChanges(repo, positionals.map(resolve), pre.base);
      for (const fd of parseUnifiedDiff(changes.diff)) {
        if (fd.status === 'deleted' || fd.binary || !fd.newPath) continue;
        const abs = path.join(repo, fd.newPath);
        targets.push({ path: relativePath(root, abs), content: readText(abs, fd.newPath), scope: { kind: 'changes', base: changes.base, hunks: fd.hunks }, file: abs });
      }
      for (const rel of changes.untracked) {
        const abs = path.join(repo, rel);
        const content = readText(abs, rel);
        const n = content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
        if (n === 0) continue;
        const lines = content.split('\n').slice(0, n).map((text, i) => ({ kind: 'add' as const, text, oldLine: null, newLine: i + 1 }));
        targets.push({ path: relativePath(root, abs), content, scope: { kind: 'changes', base: `${changes.base} (new, untracked file)`, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: n, lines }] }, file: abs });
      }
      if (targets.length === 0) {
        io.stderr(`stakes audit: no changes against ${changes.base} under ${positionals.join(', ')}: nothing to audit.\n`);
        return 0;
      }
      // Changes only in files that are never sent (.env, keys) are not an error in a CI gate.
      const { exclusionOf, DEFAULT_EXCLUDE_GLOBS } = require('../../core/audit/redaction') as typeof import('../../core/audit/redaction');
      if (targets.every((t) => exclusionOf(t, DEFAULT_EXCLUDE_GLOBS))) {
        io.stderr(`stakes audit: the only changes are in files that are never sent (${targets.map((t) => t.path).join(', ')}): nothing to audit.\n`);
        return 0;
      }
    } else {
      let files: string[];
      try {
        files = walkFiles(positionals.map(resolve), root);
      } catch (e) {
        throw new UserError(`${(e as Error).message}. Check the path and try again.`);
      }
      // Inside walked folders, generated files would only burn tokens; files named on the command line are always taken.
      const named = new Set(positionals.map(resolve));
      files = files.filter((abs) => {
        if (named.has(abs)) return true;
        const why = generatedReason(abs);
        if (why) io.stderr(`stakes audit: skipped ${relativePath(root, abs)}: ${why}\n`);
        return !why;
      });
      if (files.length === 0) throw new UserError(`no files found under ${positionals.join(', ')} (everything is ignored by .gitignore, generated, or the directory is empty).`);
      let selection: { startLine: number; endLine: number } | undefined;
      if (values.selection !== undefined) {
        if (files.length !== 1) throw new UserError(`--selection applies to one file, but ${files.length} files were given.`);
        selection = parseSelection(values.selection);
      }
      for (const abs of files) {
        const shown = relativePath(root, abs);
        let content: string;
        try {
          content = readText(abs, shown);
        } catch (e) {
          // One unreadable file inside a walked folder costs only itself; a file named on the command line is an error.
          if (named.has(abs) || !(e instanceof UserError)) throw e;
          io.stderr(`stakes audit: skipped ${e.message}\n`);
          continue;
        }
        targets.push({ path: shown, content, scope: selection ? { kind: 'selection', ...selection } : { kind: 'file' }, file: abs });
      }
      if (targets.length === 0) throw new UserError(`no readable files under ${positionals.join(', ')}.`);
    }

    const rules = loadRules();
    const ruleFiles = targets.map((t) => ({ path: t.path, text: t.content }));
    if (values.offline && !rules) {
      throw new UserError('--offline needs the deterministic rules engine (src/core/rules), which is not part of this build. ' +
        'Run without --offline to audit with a model.');
    }

    const settingsEnv = (p: CliProvider): string | undefined => KEY_ENV[p].map((k) => io.env[k]).find((v) => v && v.trim());
    const { prepareAudit, runAudit, payloadText, describeChecked } = require('../../core/audit/pipeline') as typeof import('../../core/audit/pipeline');

    const emit = async (report: AuditReport, checked: string, extra: string[]): Promise<number> => {
      let text: string;
      if (format === 'json') text = JSON.stringify(report, null, 2) + '\n';
      else if (format === 'sarif') {
        const { toSarif } = require('../../core/audit/sarif') as typeof import('../../core/audit/sarif');
        text = JSON.stringify(toSarif(report, { toolVersion: TOOL_VERSION, checked }), null, 2) + '\n';
      } else if (format === 'markdown') {
        const { toMarkdown } = require('../../core/audit/markdown') as typeof import('../../core/audit/markdown');
        text = toMarkdown(report, checked);
      } else text = textReport(report, checked, extra);
      if (values.output) {
        try {
          fs.writeFileSync(resolve(values.output), text);
        } catch (e) {
          throw new UserError(`--output ${values.output}: cannot write (${(e as Error).message}).`);
        }
        io.stderr(`stakes audit: report written to ${values.output}\n`);
      } else io.stdout(text);
      if (format !== 'text') for (const line of extra) io.stderr(`stakes audit: ${line}\n`);
      const worst = failOn ? report.findings.filter((f) => severityAtLeast(f.severity, failOn)) : [];
      if (worst.length) {
        io.stderr(`stakes audit: ${worst.length} finding(s) at or above ${failOn}.\n`);
        return EXIT_FINDINGS;
      }
      return 0;
    };

    if (values.offline && rules) {
      const { runOfflineAudit } = require('./audit-offline') as typeof import('./audit-offline');
      const offline = await runOfflineAudit(targets, { root, cwd: io.cwd, baseline: values.baseline, writeBaseline: values['write-baseline'], stderr: io.stderr });
      if (offline.wroteBaseline) {
        io.stderr(`stakes audit: ${offline.checked}\n`);
        return 0;
      }
      return emit(offline.report, offline.checked, offline.extra);
    }
    if (values.baseline !== undefined || values['write-baseline']) throw new UserError('--baseline and --write-baseline apply to the deterministic rules: add --offline.');

    let hints: Finding[] = [];
    if (rules) {
      try {
        hints = await rules.ruleHints(ruleFiles);
      } catch (e) {
        io.stderr(`stakes audit: the deterministic rules failed (${(e as Error).message}); auditing without rule hints.\n`);
      }
    }
    const choice = chooseModel(targets, config, values.provider, values.model, (p) => settingsEnv(p) !== undefined);
    const request: AuditRequest = {
      targets, provider: choice.provider, model: choice.model, hints,
      settings: {
        apiKey: settingsEnv(choice.provider),
        baseUrl: values['base-url'] ?? (choice.provider === 'openai-compatible' ? io.env.OPENAI_COMPATIBLE_BASE_URL : undefined),
        apiVersion: values['api-version'],
      },
      localOnly: values['local-only'] ?? false,
      maxInputTokens,
      maxOutputTokens,
    };

    try {
      if (values['dry-run']) {
        const prepared = await prepareAudit(request);
        io.stdout(payloadText(prepared));
        io.stderr(`stakes audit: dry run, nothing sent. ${describeChecked(prepared)}\n`);
        io.stderr(`stakes audit: model ${choice.model} because ${choice.why}. ${estimateLine(prepared)}\n`);
        for (const e of prepared.excluded) io.stderr(`stakes audit: not sent: ${e.path}: ${e.reason}\n`);
        const { isCloudProvider } = require('../../core/providers/registry') as typeof import('../../core/providers/registry');
        if (request.localOnly && isCloudProvider(request.provider, request.settings)) {
          io.stderr(`stakes audit: --local-only would refuse ${request.provider}${request.settings?.baseUrl ? ` at ${request.settings.baseUrl}` : ''}: a real run sends nothing.\n`);
        }
        for (const w of prepared.withheld) io.stderr(`stakes audit: withheld ${w.file}:${w.line} (${w.chars.toLocaleString('en-US')} characters, too long to check for secrets)\n`);
        if (prepared.redactions.length) io.stderr(`stakes audit: ${prepared.redactions.length} secret(s) replaced by placeholders: ${prepared.redactions.map((r) => `${r.file}:${r.line} (${r.kind})`).join(', ')}\n`);
        return 0;
      }
      if (choice.provider !== 'openai-compatible' && !request.settings?.apiKey) {
        throw new UserError(`no API key for ${choice.provider}: set ${KEY_ENV[choice.provider].join(' or ')}, pick another --provider, ` +
          'or use --dry-run to see what would be sent.');
      }
      const cache = path.join(cacheRoot(io.env), 'audit-cache');
      const run = await runAudit(request, {
        timeoutMs: timeoutSeconds * 1000,
        cacheDir: values['no-cache'] ? undefined : cache,
        ledgerPath: path.join(cacheRoot(io.env), 'audit-spend.json'),
        budget: { perRunUsd, perDayUsd },
        rawResponseDir: path.join(cacheRoot(io.env), 'audit-raw'),
      });
      const { describeUsage } = require('../../core/audit/pipeline') as typeof import('../../core/audit/pipeline');
      const extra = [
        run.cached ? 'Served from the cache (code, scope, model and prompt unchanged): no call was made.' : `Usage: ${describeUsage(run.report)}.`,
        `Model ${choice.model} because ${choice.why}.`,
        ...(run.prepared.estimate.costUsd === null ? [`Cost unknown: ${run.prepared.estimate.note}.`] : []),
        ...run.prepared.excluded.map((e) => `Not sent: ${e.path}: ${e.reason}.`),
        ...(run.prepared.redactions.length ? [`${run.prepared.redactions.length} secret(s) were replaced by placeholders before sending.`] : []),
        ...(run.prepared.withheld.length ? [`${run.prepared.withheld.length} overlong line(s) were withheld (too long to check for secrets): ${run.prepared.withheld.map((w) => `${w.file}:${w.line}`).join(', ')}.`] : []),
        ...(run.droppedInvalid.length ? [`${run.droppedInvalid.length} finding(s) failed validation and were dropped (${run.droppedInvalid.slice(0, 3).join('; ')}); the others were kept.`] : []),
        ...(run.droppedOutsideScope ? [`${run.droppedOutsideScope} finding(s) on lines outside the audited scope were dropped.`] : []),
        ...(run.repaired ? [`The first answer did not match the schema and was repaired; it is kept in ${run.rawResponsePath}.`] : []),
      ];
      return await emit(run.report, run.checkedDescription, extra);
    } catch (e) {
      if (e instanceof ProviderError) throw new UserError(e.message);
      throw e;
    }
  },
};
