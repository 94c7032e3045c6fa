/**
 * Review debt as people and tools read it: text for a terminal or a pre-commit hook, Markdown
 * for a pull request or a job summary, JSON (the MCP tool's answer too) and SARIF 2.1.0 so code
 * scanning shows each unreviewed change on the pull request.
 */
import type { ClearedItem, DebtItem, ReviewStatus } from './debt';

/** The JSON shape of a status: what `stakes gate --format json` prints and the MCP tool returns. */
export function statusJson(s: ReviewStatus): Record<string, unknown> {
  return {
    base: { label: s.base.label, sha: s.base.sha, mode: s.base.mode, ...(s.base.ref ? { ref: s.base.ref } : {}) },
    staged: s.staged,
    unreviewed: s.debt.length,
    debt: s.debt.map((d) => ({
      path: d.path, ...(d.oldPath ? { oldPath: d.oldPath } : {}), region: d.region, change: d.change, label: d.label, why: d.why,
      because: d.because, status: d.status, detail: d.detail, clearedBy: d.clearedBy, from: d.from, to: d.to,
    })),
    cleared: s.cleared.map((c) => ({ path: c.path, region: c.region, change: c.change, label: c.label, by: c.by, record: c.record })),
    exempt: s.exempt.map((e) => ({ path: e.path, region: e.region, change: e.change, label: e.label, reason: e.reason, glob: e.glob })),
    notRequired: s.notRequired,
    changedFiles: s.changedFiles,
    skipped: s.skipped,
    records: s.records,
    invalidRecords: s.invalidRecords.map((e) => ({ file: e.file, problems: e.problems })),
    policy: s.policy,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function where(d: { path: string; region: { startLine: number; endLine: number }; change: string }): string {
  const lines = d.region.startLine === d.region.endLine ? `${d.region.startLine}` : `${d.region.startLine}-${d.region.endLine}`;
  return `${d.path}:${lines}${d.change === 'deleted' ? ' (deleted; lines as they were)' : ''}`;
}

/** "3 unreviewed sensitive changes", "1 unreviewed change (sensitive, complex)". */
export function debtHeadline(s: ReviewStatus): string {
  if (s.debt.length === 0) return 'no unreviewed changes';
  const labels = [...new Set(s.debt.map((d) => d.label))];
  return labels.length === 1 ? `${plural(s.debt.length, `unreviewed ${labels[0]} change`)}` : `${plural(s.debt.length, 'unreviewed change')} (${labels.join(', ')})`;
}

function summaryLines(s: ReviewStatus): string[] {
  const out: string[] = [];
  const parts: string[] = [];
  if (s.cleared.length) parts.push(`${plural(s.cleared.length, 'change')} cleared by review records`);
  if (s.exempt.length) parts.push(`${s.exempt.length} exempt`);
  if (s.notRequired) parts.push(`${plural(s.notRequired, 'changed region')} whose label needs no review`);
  out.push(`${plural(s.changedFiles, 'file')} changed against ${s.base.label}${parts.length ? `; ${parts.join(', ')}` : ''}.`);
  for (const e of s.exempt) out.push(`  exempt: ${where(e)} ${e.region.name}: ${e.reason} (${e.glob})`);
  for (const k of s.skipped) out.push(`  not checked: ${k.path}: ${k.reason}`);
  if (s.records.untracked.length) {
    const n = s.records.untracked.length;
    out.push(s.staged
      ? `${plural(n, 'review record')} in .stakes/reviews/ ${n === 1 ? 'is' : 'are'} not staged, so ${n === 1 ? 'it does' : 'they do'} not count for this commit: git add .stakes/reviews`
      : `${plural(n, 'review record')} in .stakes/reviews/ ${n === 1 ? 'is' : 'are'} not committed yet: git add .stakes/reviews so CI sees ${n === 1 ? 'it' : 'them'}.`);
  }
  if (s.records.outdated) out.push(`${plural(s.records.outdated, 'review record')} use an older fingerprint version and cover nothing: review those changes again.`);
  return out;
}

/** The text report: the unreviewed changes by file (two lines each), what clears them, then what else was seen. */
export function debtToText(s: ReviewStatus): string {
  const out: string[] = [];
  if (s.debt.length === 0) {
    out.push(`No unreviewed changes against ${s.base.label}.`);
  } else {
    out.push(`${debtHeadline(s)} against ${s.base.label}:`);
    let file = '';
    for (const d of s.debt) {
      if (d.path !== file) {
        file = d.path;
        out.push('', `${d.path}${d.oldPath ? ` (renamed from ${d.oldPath})` : ''}`);
      }
      const lines = d.region.startLine === d.region.endLine ? `${d.region.startLine}` : `${d.region.startLine}-${d.region.endLine}`;
      out.push(`  ${lines.padEnd(9)} ${d.region.name} (${d.region.kind}, ${d.change}${d.change === 'deleted' ? '; lines as they were' : ''}) · ${d.label} · ${d.why.join('; ')}`);
      out.push(`  ${' '.repeat(9)} ${d.because.startsWith('it is labelled') ? '' : `needs review: ${d.because}; `}${d.detail}`);
    }
    out.push('');
    const labels = [...new Set(s.debt.map((d) => d.label))];
    for (const label of labels) {
      const first = s.debt.find((d) => d.label === label)!;
      out.push(`Clears a ${label} change: ${first.clearedBy}.`);
    }
    const always = s.debt.find((d) => !d.because.startsWith('it is labelled'));
    if (always && !labels.includes('sensitive')) out.push(`Clears a change on an always-reviewed path: ${always.clearedBy}.`);
  }
  out.push(...summaryLines(s));
  if (s.debt.length) {
    out.push('', `Clear it: audit the changes (\`stakes audit --changes${s.base.mode === 'merge-base' && s.base.ref ? ` ${s.base.ref}` : ''} .\`, or "Audit now" in VS Code's Source Control view),`,
      'or sign off after reading them ("Mark reviewed…", or `stakes gate --sign-off --note "what you checked"`); then commit .stakes/reviews/.');
  }
  return out.join('\n') + '\n';
}

function md(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

/** Markdown for a pull request comment or `$GITHUB_STEP_SUMMARY`. */
export function debtToMarkdown(s: ReviewStatus): string {
  const out: string[] = [];
  if (s.debt.length === 0) {
    out.push('### Stakes: no unreviewed changes', '', `Against \`${s.base.label}\`.`);
  } else {
    out.push(`### Stakes: ${debtHeadline(s)}`, '', `Against \`${s.base.label}\`. Each needs a review that meets the policy in \`.stakes.json\`.`, '');
    out.push('| Where | Region | Change | Label | Why | Status |', '|---|---|---|---|---|---|');
    for (const d of s.debt) {
      out.push(`| \`${md(where(d))}\` | ${md(d.region.name)} (${d.region.kind}) | ${d.change} | ${d.label} | ${md(d.why.join('; '))} | ${md(d.detail)} |`);
    }
    out.push('', '**What clears a change**', '');
    for (const p of s.policy) out.push(`- ${p.label}: ${md(p.requirement)}`);
    const always = [...new Set(s.debt.filter((d) => !d.because.startsWith('it is labelled')).map((d) => d.because))];
    for (const a of always) out.push(`- ${md(a)}`);
  }
  const rest = summaryLines(s);
  if (rest.length) out.push('', ...rest.map((l) => (l.startsWith('  ') ? `- ${md(l.trim())}` : md(l))));
  if (s.cleared.length) {
    out.push('', '<details><summary>Cleared by review records</summary>', '');
    for (const c of s.cleared) out.push(`- \`${md(where(c))}\` ${md(c.region.name)}: ${md(c.by)} (\`${md(c.record)}\`)`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}

export interface DebtSarifOptions {
  toolVersion?: string;
}

const RULES: Record<string, { name: string; text: string }> = {
  sensitive: { name: 'UnreviewedSensitiveChange', text: 'A sensitive change (auth, permissions, money, secrets, personal data, migrations) has no review that meets the policy.' },
  complex: { name: 'UnreviewedComplexChange', text: 'A complex change has no review that meets the policy.' },
  'context-heavy': { name: 'UnreviewedContextHeavyChange', text: 'A context-heavy change has no review that meets the policy.' },
  boilerplate: { name: 'UnreviewedBoilerplateChange', text: 'A boilerplate change has no review that meets the policy.' },
};

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: one result per unreviewed change, on its region, with what clears it. */
export function debtToSarif(s: ReviewStatus, options: DebtSarifOptions = {}): Record<string, unknown> {
  const ruleIds = [...new Set(s.debt.map((d) => `stakes.review.${d.label}`))];
  const rules = ruleIds.map((id) => {
    const label = id.slice('stakes.review.'.length);
    const r = RULES[label] ?? { name: 'UnreviewedChange', text: 'A change has no review that meets the policy.' };
    const clears = s.policy.find((p) => p.label === label)?.requirement ?? 'a review that meets the policy';
    return {
      id,
      name: r.name,
      shortDescription: { text: r.text },
      fullDescription: { text: `${r.text} It clears with ${clears}.` },
      help: {
        text: `Audit the change with Stakes (VS Code: Source Control → Review debt → Audit now; CLI: stakes audit --changes BASE) or sign it off after reading it (Mark reviewed…), then commit .stakes/reviews/. Clears with ${clears}.`,
      },
      defaultConfiguration: { level: label === 'sensitive' ? 'error' : 'warning' },
      properties: { tags: ['security', 'review', label] },
    };
  });
  const results = s.debt.map((d: DebtItem) => ({
    ruleId: `stakes.review.${d.label}`,
    ruleIndex: ruleIds.indexOf(`stakes.review.${d.label}`),
    level: d.label === 'sensitive' ? 'error' : 'warning',
    message: {
      text: `${d.region.name} (${d.region.kind}, ${d.change}) needs review: ${d.because} (${d.why.join('; ')}). ${capitalise(d.detail)}. Clears with ${d.clearedBy}.`,
    },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: encodePath(d.path) },
        region: { startLine: d.region.startLine, endLine: Math.max(d.region.startLine, d.region.endLine) },
      },
    }],
    partialFingerprints: { 'stakesReviewChange/v1': `${d.path}:${d.region.key}:${d.from ?? 'new'}>${d.to ?? 'deleted'}` },
    properties: { label: d.label, change: d.change, status: d.status, region: d.region.name, kind: d.region.kind, clearedBy: d.clearedBy },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Stakes review debt', version: options.toolVersion ?? '0.0.0', informationUri: 'https://example.invalid/stakes', rules } },
      results,
      invocations: [{ executionSuccessful: true }],
      properties: {
        base: s.base.label,
        baseSha: s.base.sha,
        unreviewed: s.debt.length,
        cleared: s.cleared.map((c: ClearedItem) => ({ path: c.path, region: c.region.name, by: c.by, record: c.record })),
        exempt: s.exempt.map((e) => ({ path: e.path, region: e.region.name, reason: e.reason })),
      },
    }],
  };
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
