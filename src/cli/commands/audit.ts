/**
 * `stakes audit PATH... [--selection START:END] [--changes [BASE]] [--provider P] [--model ID]
 *  [--base-url URL] [--format text|json|sarif|markdown] [--fail-on SEVERITY] [--dry-run] [--offline [--baseline FILE] [--write-baseline]]`
 * Exit 0: done (no finding at/above --fail-on); 1: a finding at/above --fail-on; 2: bad input or provider failure.
 * What is judged: ../audit-targets.ts; how the report prints: ../audit-output.ts; --offline: audit-offline.ts.
 */
import * as path from 'node:path';
import { SEVERITIES, type Finding, type Severity } from '../../core/audit/findings';
import { describeChecked, describeUsage, payloadText, prepareAudit, runAudit } from '../../core/audit/pipeline';
import { formatUsd } from '../../core/audit/cost';
import { auditLabel, chooseAuditModel, labelTargets, type AuditModel } from '../../core/audit/route';
import type { AuditRequest, AuditTarget, PreparedAudit } from '../../core/audit/types';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import { findWorkspaceRoot } from '../../core/files';
import { isCloudProvider } from '../../core/providers/registry';
import { ProviderError } from '../../core/providers/types';
import { ConfigError, type StakesConfig } from '../../core/routing/config';
import { loadConfig } from '../../core/routing/load';
import { recordAudit } from '../../core/review';
import { ruleHints } from '../../core/rules';
import type { Label } from '../../core/labels';
import type { AuditReport } from '../../core/audit/findings';
import { emitReport, FORMATS, type Format, type OutputOptions } from '../audit-output';
import { changedTargets, fileTargets, splitChangesFlag, type ChangesBase } from '../audit-targets';
import { parseCommandArgs, UserError, type CliIO } from '../io';
import { runOfflineAudit } from './audit-offline';

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
  --no-record             do not write a review record in .stakes/reviews/ (see stakes gate)
Keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), OPENAI_COMPATIBLE_API_KEY (optional).
Exit codes: 0 done, 1 a finding at or above --fail-on, 2 bad input or provider failure.`;

const CLI_PROVIDERS = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
type CliProvider = (typeof CLI_PROVIDERS)[number];
/** Tried in this order when the routing table's provider for the label has no key in the environment. */
const KEYED_FALLBACKS = ['openai', 'anthropic', 'google'] as const;

const KEY_ENV: Record<CliProvider, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  'openai-compatible': ['OPENAI_COMPATIBLE_API_KEY'],
};

const keyFor = (provider: string, env: NodeJS.ProcessEnv): string | undefined =>
  KEY_ENV[provider as CliProvider]?.map((k) => env[k]).find((v) => v && v.trim());

/** Everything the command line says, checked. */
interface AuditOptions extends OutputOptions {
  paths: string[];
  selection?: string;
  changes: boolean;
  base?: string;
  provider?: CliProvider;
  model?: string;
  baseUrl?: string;
  apiVersion?: string;
  dryRun: boolean;
  offline: boolean;
  baseline?: string;
  writeBaseline: boolean;
  localOnly: boolean;
  timeoutSeconds: number;
  perRunUsd?: number;
  perDayUsd?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  noCache: boolean;
  noRecord: boolean;
}

function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`${flag} ${value}: expected an amount in US dollars, e.g. ${flag} 0.50.`);
  return n;
}

function parseTokens(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} ${value}: expected a whole number of at least ${min}.`);
  return n;
}

/** The options, or undefined after --help. Every bad value is a UserError saying what to pass instead. */
function parseAuditOptions(argv: string[], io: CliIO): AuditOptions | undefined {
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
    'no-record': { type: 'boolean' },
  }, HELP, io);
  if (!parsed) return undefined;
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
  return {
    paths: positionals, selection: values.selection, changes: pre.changes, base: pre.base,
    provider: values.provider as CliProvider | undefined, model: values.model, baseUrl: values['base-url'], apiVersion: values['api-version'],
    format, output: values.output, failOn, dryRun: values['dry-run'] ?? false, offline: values.offline ?? false,
    baseline: values.baseline, writeBaseline: values['write-baseline'] ?? false, localOnly: values['local-only'] ?? false, timeoutSeconds,
    perRunUsd: parseUsd('--max-run-usd', values['max-run-usd']),
    perDayUsd: parseUsd('--max-day-usd', values['max-day-usd']),
    maxInputTokens: parseTokens('--max-input-tokens', values['max-input-tokens'], 1000),
    maxOutputTokens: parseTokens('--max-output-tokens', values['max-output-tokens'], 256),
    noCache: values['no-cache'] ?? false,
    noRecord: values['no-record'] ?? false,
  };
}

/** Provider and model for these targets: the core's routing decision with the CLI's knobs and environment keys. */
function chooseModel(targets: AuditTarget[], config: StakesConfig, o: AuditOptions, env: NodeJS.ProcessEnv): AuditModel & { label: Label } {
  try {
    const label = auditLabel(labelTargets(targets, config)).label;
    return {
      label,
      ...chooseAuditModel({
        config, label, provider: o.provider, model: o.model,
        knobs: { provider: '--provider', model: '--model' }, fallbacks: KEYED_FALLBACKS, hasKey: (p) => keyFor(p, env) !== undefined,
      }),
    };
  } catch (e) {
    if (e instanceof ConfigError) throw new UserError(`${e.message}\nPick a model with --model.`);
    throw e;
  }
}

function estimateLine(prepared: PreparedAudit): string {
  const e = prepared.estimate;
  return `${prepared.model.provider} ${prepared.model.id}: about ${e.inputTokens.toLocaleString('en-US')} input tokens, ` +
    `estimated ${formatUsd(e.costUsd)} (at most ${formatUsd(e.maxCostUsd)} with ${e.maxOutputTokens} output tokens)` +
    (e.note ? `; ${e.note}` : '');
}

/** --dry-run: the exact payload on stdout, what would happen on stderr; nothing is sent. */
async function dryRun(request: AuditRequest, choice: AuditModel, io: CliIO): Promise<number> {
  const prepared = await prepareAudit(request);
  io.stdout(payloadText(prepared));
  io.stderr(`stakes audit: dry run, nothing sent. ${describeChecked(prepared)}\n`);
  io.stderr(`stakes audit: model ${choice.model} because ${choice.why}. ${estimateLine(prepared)}\n`);
  for (const e of prepared.excluded) io.stderr(`stakes audit: not sent: ${e.path}: ${e.reason}\n`);
  if (request.localOnly && isCloudProvider(request.provider, request.settings)) {
    io.stderr(`stakes audit: --local-only would refuse ${request.provider}${request.settings?.baseUrl ? ` at ${request.settings.baseUrl}` : ''}: a real run sends nothing.\n`);
  }
  for (const w of prepared.withheld) io.stderr(`stakes audit: withheld ${w.file}:${w.line} (${w.chars.toLocaleString('en-US')} characters, too long to check for secrets)\n`);
  if (prepared.redactions.length) io.stderr(`stakes audit: ${prepared.redactions.length} secret(s) replaced by placeholders: ${prepared.redactions.map((r) => `${r.file}:${r.line} (${r.kind})`).join(', ')}\n`);
  return 0;
}

/** Write the review record of a finished audit (.stakes/reviews/): what it covered, by which model, what it left open. */
async function record(report: AuditReport, targets: AuditTarget[], root: string, changes: ChangesBase | undefined, choice: AuditModel & { label: Label },
  config: StakesConfig, checked: string): Promise<string[]> {
  try {
    const outcome = await recordAudit({
      files: targets.map((t) => ({
        file: path.resolve(root, t.path), content: t.content, scope: t.scope, reportPath: t.path,
        ...(t.languageId ? { languageId: t.languageId } : {}),
        ...(changes?.renamedFrom.has(t.path) ? { basePath: changes.renamedFrom.get(t.path)! } : {}),
      })),
      report, ...(changes ? { changesBase: changes.against } : {}), ...(choice.routed ? { tier: choice.label } : {}), scope: checked, config,
    });
    return [
      ...outcome.written.map((w) => (w.existing
        ? `The same review is already recorded in ${w.file}.`
        : `Review recorded in ${w.file} (${w.covered} region${w.covered === 1 ? '' : 's'}): commit it with the change (stakes gate reads it).`)),
      ...outcome.notes.map((n) => `${n}.`),
    ];
  } catch (e) {
    return [`The review could not be recorded in .stakes/reviews/: ${(e as Error).message}`];
  }
}

/** The audit with a model: rule hints, routing, then --dry-run or the real call with cache, budget and timeout. */
async function modelAudit(targets: AuditTarget[], config: StakesConfig, o: AuditOptions, io: CliIO, root: string, changes?: ChangesBase): Promise<number> {
  let hints: Finding[] = [];
  try {
    hints = await ruleHints(targets.map((t) => ({ path: t.path, text: t.content })));
  } catch (e) {
    io.stderr(`stakes audit: the deterministic rules failed (${(e as Error).message}); auditing without rule hints.\n`);
  }
  const choice = chooseModel(targets, config, o, io.env);
  const request: AuditRequest = {
    targets, provider: choice.provider, model: choice.model, hints,
    settings: {
      apiKey: keyFor(choice.provider, io.env),
      baseUrl: o.baseUrl ?? (choice.provider === 'openai-compatible' ? io.env.OPENAI_COMPATIBLE_BASE_URL : undefined),
      apiVersion: o.apiVersion,
    },
    localOnly: o.localOnly,
    maxInputTokens: o.maxInputTokens,
    maxOutputTokens: o.maxOutputTokens,
  };
  if (o.dryRun) return dryRun(request, choice, io);
  if (choice.provider !== 'openai-compatible' && !request.settings?.apiKey) {
    throw new UserError(`no API key for ${choice.provider}: set ${KEY_ENV[choice.provider as CliProvider].join(' or ')}, pick another --provider, ` +
      'or use --dry-run to see what would be sent.');
  }
  const cache = cacheLayout(stakesCacheDir(io.env));
  const run = await runAudit(request, {
    timeoutMs: o.timeoutSeconds * 1000,
    cacheDir: o.noCache ? undefined : cache.auditResults,
    ledgerPath: cache.spendLedger,
    budget: { perRunUsd: o.perRunUsd, perDayUsd: o.perDayUsd },
    rawResponseDir: cache.rawResponses,
  });
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
    ...(o.noRecord ? [] : await record(run.report, targets, root, changes, choice, config, run.checkedDescription)),
  ];
  return emitReport(run.report, run.checkedDescription, extra, o, io);
}

export const command = {
  summary: 'audit code with a model: structured findings grounded in the code',
  async run(argv: string[], io: CliIO): Promise<number> {
    const o = parseAuditOptions(argv, io);
    if (!o) return 0;
    const root = findWorkspaceRoot(path.resolve(io.cwd, o.paths[0]));
    const loaded = loadConfig(root);
    if (loaded.errors.length) throw new UserError(loaded.errors.map((e) => e.message).join('\n'));

    const found = o.changes ? changedTargets(o.paths, root, o.base, io.cwd) : { targets: fileTargets(o.paths, root, o.selection, io.cwd, io.stderr) };
    if ('nothing' in found) {
      io.stderr(`stakes audit: ${found.nothing}\n`);
      return 0;
    }
    if (o.offline) {
      const offline = await runOfflineAudit(found.targets, { root, cwd: io.cwd, baseline: o.baseline, writeBaseline: o.writeBaseline, stderr: io.stderr });
      if (offline.wroteBaseline) {
        io.stderr(`stakes audit: ${offline.checked}\n`);
        return 0;
      }
      return emitReport(offline.report, offline.checked, offline.extra, o, io);
    }
    if (o.baseline !== undefined || o.writeBaseline) throw new UserError('--baseline and --write-baseline apply to the deterministic rules: add --offline.');
    try {
      return await modelAudit(found.targets, loaded.config, o, io, root, 'changes' in found ? found.changes : undefined);
    } catch (e) {
      if (e instanceof ProviderError) throw new UserError(e.message);
      throw e;
    }
  },
};
