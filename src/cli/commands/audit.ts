/**
 * `stakes audit PATH... [--selection START:END] [--changes [BASE]] [--provider P] [--model ID]
 *  [--base-url URL] [--format text|json|sarif|markdown] [--fail-on SEVERITY] [--dry-run] [--offline [--baseline FILE] [--write-baseline]]`
 * Exit 0: done (no finding at/above --fail-on); 1: a finding at/above --fail-on; 2: bad input or provider failure.
 * What is judged: ../audit-targets.ts; how the report prints: ../audit-output.ts; --offline: audit-offline.ts;
 * with a model: audit-model.ts, its own bundle (dist/cli-audit-model.js), loaded only then: `--offline` never
 * parses the audit pipeline or the SDKs.
 */
import * as path from 'node:path';
import { SEVERITIES, type Severity } from '../../core/audit/findings';
import { findWorkspaceRoot } from '../../core/files';
import { loadConfig } from '../../core/routing/load';
import { emitReport, FORMATS, type Format } from '../audit-output';
import { changedTargets, fileTargets, splitChangesFlag } from '../audit-targets';
import { parseCommandArgs, UserError, type CliIO } from '../io';
import { listRulesText } from '../../core/rules/catalog';
import { runOfflineAudit } from './audit-offline';
import type { ModelAuditOptions } from './audit-model';

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
  --min-confidence N      with --offline: report rule findings at or above confidence N (0–1, default 0.7)
  --hints                 with --offline: also report what the AI-audit-only rules and low-confidence matches found
  --include-tests         with --offline: check test files and fixtures too (skipped by default)
  --include-generated     with --offline: check generated and vendored code too (skipped by default)
  --list-rules            print the offline rules (id, severity, CWE, languages, what each finds) and exit
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

/** Everything the command line says, checked. */
interface AuditOptions extends ModelAuditOptions {
  paths: string[];
  selection?: string;
  changes: boolean;
  base?: string;
  offline: boolean;
  baseline?: string;
  writeBaseline: boolean;
  minConfidence?: number;
  hints: boolean;
  includeTests: boolean;
  includeGenerated: boolean;
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

function parseConfidence(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UserError(`--min-confidence ${value}: expected a number from 0 to 1, e.g. --min-confidence 0.5.`);
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
    'min-confidence': { type: 'string' },
    hints: { type: 'boolean' },
    'include-tests': { type: 'boolean' },
    'include-generated': { type: 'boolean' },
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
    provider: values.provider as ModelAuditOptions['provider'], model: values.model, baseUrl: values['base-url'], apiVersion: values['api-version'],
    format, output: values.output, failOn, dryRun: values['dry-run'] ?? false, offline: values.offline ?? false,
    baseline: values.baseline, writeBaseline: values['write-baseline'] ?? false, localOnly: values['local-only'] ?? false, timeoutSeconds,
    minConfidence: parseConfidence(values['min-confidence']), hints: values.hints ?? false,
    includeTests: values['include-tests'] ?? false, includeGenerated: values['include-generated'] ?? false,
    perRunUsd: parseUsd('--max-run-usd', values['max-run-usd']),
    perDayUsd: parseUsd('--max-day-usd', values['max-day-usd']),
    maxInputTokens: parseTokens('--max-input-tokens', values['max-input-tokens'], 1000),
    maxOutputTokens: parseTokens('--max-output-tokens', values['max-output-tokens'], 256),
    noCache: values['no-cache'] ?? false,
    noRecord: values['no-record'] ?? false,
  };
}

export const command = {
  summary: 'audit code with a model: structured findings grounded in the code',
  async run(argv: string[], io: CliIO): Promise<number> {
    if (argv.includes('--list-rules')) {
      io.stdout(listRulesText());
      return 0;
    }
    const o = parseAuditOptions(argv, io);
    if (!o) return 0;
    const rulesOnly = [o.minConfidence !== undefined && '--min-confidence', o.hints && '--hints', o.includeTests && '--include-tests', o.includeGenerated && '--include-generated'].filter(Boolean);
    if (rulesOnly.length && !o.offline) throw new UserError(`${rulesOnly.join(', ')} apply to the deterministic rules: add --offline.`);
    const root = findWorkspaceRoot(path.resolve(io.cwd, o.paths[0]));
    const loaded = loadConfig(root);
    if (loaded.errors.length) throw new UserError(loaded.errors.map((e) => e.message).join('\n'));

    const found = o.changes ? changedTargets(o.paths, root, o.base, io.cwd) : { targets: fileTargets(o.paths, root, o.selection, io.cwd, io.stderr) };
    if ('nothing' in found) {
      io.stderr(`stakes audit: ${found.nothing}\n`);
      return 0;
    }
    if (o.offline) {
      const offline = await runOfflineAudit(found.targets, {
        root, cwd: io.cwd, baseline: o.baseline, writeBaseline: o.writeBaseline, stderr: io.stderr,
        minConfidence: o.minConfidence, hints: o.hints, includeTests: o.includeTests, includeGenerated: o.includeGenerated,
        // Files named on the command line are checked whatever they are; walked folders skip tests and generated code.
        named: o.paths.map((p) => path.resolve(io.cwd, p)),
      });
      if (offline.wroteBaseline) {
        io.stderr(`stakes audit: ${offline.checked}\n`);
        return 0;
      }
      return emitReport(offline.report, offline.checked, offline.extra, o, io);
    }
    if (o.baseline !== undefined || o.writeBaseline) throw new UserError('--baseline and --write-baseline apply to the deterministic rules: add --offline.');
    const { modelAudit } = require('./audit-model') as typeof import('./audit-model');
    return modelAudit(found.targets, loaded.config, o, io, { root, ...('changes' in found && found.changes ? { changes: found.changes } : {}) });
  },
};
