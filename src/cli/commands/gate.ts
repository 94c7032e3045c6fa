/**
 * `stakes gate [PATH...] [--base REF] [--staged] [--format text|json|sarif|markdown] [--output FILE] [--sarif FILE]`
 * `stakes gate [PATH...] --sign-off --note TEXT`
 * Exit 0: no review debt (or signed off); 1: unreviewed changes remain; 2: bad input (not a
 * repository, unknown base, invalid .stakes.json or review record).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../core/routing/config';
import { GitError, gitIdentity, recordSignOff, repoRootOf, repositoryConfig, reviewStatus, type ReviewStatus } from '../../core/review';
import { debtHeadline, debtToMarkdown, debtToSarif, debtToText, statusJson } from '../../core/review/report';
import { EXIT_FINDINGS, parseCommandArgs, UserError, type CliIO } from '../io';

const HELP = `usage: stakes gate [PATH...] [options]

Fails while sensitive changes have no review that meets the policy in .stakes.json (review debt).
A change is a function, method or top-level statement (a block of lines in config and docs) that
differs from the base; it is cleared by a review record in .stakes/reviews/ whose fingerprints
match its current content (an audit by the right model tier with nothing serious left open, or a
person's sign-off).
  PATH                 only changes under these paths
  --base REF           HEAD (uncommitted changes only), or a ref: its merge base with HEAD
                       (default: origin/$GITHUB_BASE_REF in GitHub Actions, else review.base in
                       .stakes.json, else the main branch; on the main branch itself, HEAD)
  --staged             judge what the next commit holds (the index) and only committed or staged
                       records: for pre-commit hooks
  --format F           text (default) | json | sarif | markdown
  --output FILE        write the report to FILE instead of stdout
  --sarif FILE         also write SARIF 2.1.0 to FILE (for code scanning), whatever --format is
  --sign-off           record a sign-off of every unreviewed change shown, as git's user.name
  --note TEXT          with --sign-off: what you checked (required)
Exit codes: 0 no review debt, 1 unreviewed changes remain, 2 bad input.`;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

declare const STAKES_VERSION: string | undefined;
const TOOL_VERSION = typeof STAKES_VERSION === 'string' ? STAKES_VERSION : 'dev';

function render(status: ReviewStatus, format: Format): string {
  switch (format) {
    case 'json': return `${JSON.stringify(statusJson(status), null, 2)}\n`;
    case 'sarif': return `${JSON.stringify(debtToSarif(status, { toolVersion: TOOL_VERSION }), null, 2)}\n`;
    case 'markdown': return debtToMarkdown(status);
    default: return debtToText(status);
  }
}

function write(io: CliIO, file: string, text: string, flag: string): void {
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), text);
  } catch (e) {
    throw new UserError(`${flag} ${file}: cannot write (${(e as Error).message}).`);
  }
}

export const command = {
  summary: 'fail while sensitive changes have no review that meets the policy (review debt)',
  async run(argv: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(argv, {
      base: { type: 'string' },
      staged: { type: 'boolean' },
      format: { type: 'string' },
      output: { type: 'string' },
      sarif: { type: 'string' },
      'sign-off': { type: 'boolean' },
      note: { type: 'string' },
    }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const format = (values.format ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UserError(`--format ${values.format}: use one of ${FORMATS.join(', ')}.`);
    if (values.note !== undefined && !values['sign-off']) throw new UserError('--note goes with --sign-off.');
    if (values['sign-off'] && !values.note?.trim()) throw new UserError('--sign-off needs --note "what you checked": the note is kept in the record.');

    let root: string;
    let status: ReviewStatus;
    try {
      root = await repoRootOf(io.cwd);
      const config = repositoryConfig(root);
      const paths = positionals.map((p) => {
        const abs = path.resolve(io.cwd, p);
        if (!fs.existsSync(abs)) throw new UserError(`${p}: no such file or directory.`);
        const rel = path.relative(root, abs).split(path.sep).join('/');
        if (rel.startsWith('..')) throw new UserError(`${p} is outside the repository at ${root}.`);
        return rel || '.';
      });
      const ci = io.env.GITHUB_BASE_REF?.trim();
      const requested = values.base ?? (ci ? `origin/${ci}` : undefined);
      status = await reviewStatus({ cwd: root, ...(requested ? { base: requested } : {}), staged: values.staged ?? false, paths, config });
    } catch (e) {
      if (e instanceof GitError) throw new UserError(values.base && /not a branch|no common ancestor|not a git ref/.test(e.message) ? `--base ${e.message}` : e.message);
      if (e instanceof ConfigError) throw new UserError(`${e.message}\nFix .stakes.json (its schema: media/stakes.schema.json).`);
      throw e;
    }
    if (status.invalidRecords.length) {
      throw new UserError(`${status.invalidRecords.length === 1 ? 'a review record is' : `${status.invalidRecords.length} review records are`} not valid, so the gate cannot tell what was reviewed:\n` +
        status.invalidRecords.map((e) => `  ${e.message}`).join('\n'));
    }

    if (values['sign-off']) return signOff(root, status, values.note!.trim(), io);

    const text = render(status, format);
    if (values.output) {
      write(io, values.output, text, '--output');
      io.stderr(`stakes gate: report written to ${values.output}\n`);
    } else io.stdout(text);
    if (values.sarif) write(io, values.sarif, render(status, 'sarif'), '--sarif');
    if (format !== 'text' || values.output) io.stderr(`stakes gate: ${debtHeadline(status)} against ${status.base.label}.\n`);
    return status.debt.length ? EXIT_FINDINGS : 0;
  },
};

async function signOff(root: string, status: ReviewStatus, note: string, io: CliIO): Promise<number> {
  if (status.debt.length === 0) {
    io.stdout(`Nothing to sign off: no unreviewed changes against ${status.base.label}.\n`);
    return 0;
  }
  const me = await gitIdentity(root);
  if (!me.name) throw new UserError('git has no user.name here: set it (git config user.name "Your Name") so the sign-off says who reviewed.');
  const written = recordSignOff({
    root, items: status.debt, person: { name: me.name, ...(me.email ? { email: me.email } : {}) }, note,
    scope: `${status.debt.length} change${status.debt.length === 1 ? '' : 's'} against ${status.base.label}`,
  });
  io.stdout(`Signed off ${status.debt.length} change${status.debt.length === 1 ? '' : 's'} as ${me.name}: ${written.file}${written.existing ? ' (already recorded)' : ''}\n` +
    status.debt.map((d) => `  ${d.path}:${d.region.startLine}  ${d.region.name} (${d.label})\n`).join('') +
    `Commit it with the change: git add ${written.file}\n`);
  return 0;
}
