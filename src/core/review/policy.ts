/**
 * The review policy applied to one change: does it need review (its label's requirement, a path
 * that always needs review, an exemption), and do the records that cover it meet the requirement
 * (the right model tier with nothing open at or above `failOn`, or a sign-off)? Every answer comes
 * with the sentence the editor, the gate and the MCP tool show.
 */
import picomatch from 'picomatch';
import type { Label } from '../labels';
import type { StakesConfig } from '../routing/config';
import { DEFAULT_SENSITIVE_REQUIREMENT, REVIEW_SEVERITIES, type ReviewPolicy, type ReviewRequirement, type ReviewSeverity } from '../routing/review';
import { blockingFindings, type CoverageEntry } from './records';

export type PolicyDecision =
  | { kind: 'required'; requirement: ReviewRequirement; because: string }
  | { kind: 'exempt'; reason: string; glob: string }
  | { kind: 'not-required' };

const matchers = new Map<string, (p: string) => boolean>();
function matches(glob: string, p: string): boolean {
  let m = matchers.get(glob);
  if (!m) {
    m = picomatch(glob, { dot: true, basename: !glob.includes('/') });
    matchers.set(glob, m);
  }
  return m(p);
}

/** Whether a change of `label` at `path` in region `name` needs review, and why. */
export function decide(policy: ReviewPolicy, path: string, regionName: string, label: Label): PolicyDecision {
  for (const e of policy.exempt) {
    if (!matches(e.glob, path)) continue;
    if (e.symbol && regionName !== e.symbol && !regionName.endsWith(`.${e.symbol}`)) continue;
    return { kind: 'exempt', reason: e.reason, glob: e.symbol ? `${e.glob} (${e.symbol})` : e.glob };
  }
  const byLabel = policy.require[label];
  const always = policy.alwaysReview.find((a) => matches(a.glob, path));
  if (always && !byLabel) {
    return { kind: 'required', requirement: policy.require.sensitive ?? DEFAULT_SENSITIVE_REQUIREMENT, because: `its path matches ${always.glob} (review.alwaysReview)` };
  }
  if (byLabel) return { kind: 'required', requirement: byLabel, because: `it is labelled ${label}` };
  return { kind: 'not-required' };
}

const norm = (id: string): string => id.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The model ids whose audits count for a requirement; null: any model. */
export function acceptedModels(config: StakesConfig, req: ReviewRequirement): string[] | null {
  if (req.audit === 'any') return null;
  if (req.audit === 'none') return [];
  const tier = req.audit;
  const ids = [
    ...Object.values(config.runnable).map((byLabel) => byLabel[tier]),
    config.recommendations[tier]?.model,
    ...req.models,
  ].filter((x): x is string => !!x);
  return [...new Set(ids)];
}

function modelAccepted(config: StakesConfig, req: ReviewRequirement, model: string): boolean {
  const accepted = acceptedModels(config, req);
  if (accepted === null) return true;
  const m = norm(model);
  return accepted.some((a) => norm(a) === m);
}

function severityPhrase(failOn: ReviewSeverity): string {
  const worse = REVIEW_SEVERITIES.slice(0, REVIEW_SEVERITIES.indexOf(failOn) + 1).reverse();
  if (failOn === 'info') return 'no open finding';
  if (worse.length === 1) return `no open ${worse[0]} finding`;
  return `no open ${worse.slice(0, -1).join(', ')} or ${worse[worse.length - 1]} finding`;
}

/** "an audit by a sensitive-tier model (gpt-5.4, claude-opus-4-6, …) with no open high or critical finding, or a person's sign-off". */
export function describeRequirement(config: StakesConfig, req: ReviewRequirement): string {
  const ways: string[] = [];
  if (req.audit !== 'none') {
    const models = acceptedModels(config, req);
    const who = models === null ? 'an audit by any model' : `an audit by a ${req.audit}-tier model (${models.join(', ')})`;
    ways.push(`${who} with ${severityPhrase(req.failOn)}`);
  }
  if (req.signOff) ways.push("a person's sign-off (Mark reviewed…)");
  return ways.join(', or ');
}

export type VerdictStatus = 'cleared' | 'unreviewed' | 'open-findings' | 'model-not-accepted' | 'sign-off-not-accepted' | 'changed-since-review';

export interface Verdict {
  status: VerdictStatus;
  /** One sentence: "audited by gpt-5.4 on 2026-11-21 with 1 open high finding: SQL injection (line 20)". */
  detail: string;
  /** The record entry that cleared it. */
  by?: CoverageEntry;
}

function who(e: CoverageEntry): string {
  const by = e.record.record.by;
  const day = e.record.record.at.slice(0, 10);
  return by.kind === 'audit' ? `audited by ${by.model} on ${day}` : `signed off by ${by.name} on ${day}`;
}

/** Whether the entries covering a change meet the requirement; `earlier` are reviews of older content of the same region. */
export function judge(config: StakesConfig, req: ReviewRequirement, covering: readonly CoverageEntry[], earlier: readonly CoverageEntry[] = []): Verdict {
  const newest = [...covering].sort((a, b) => b.record.record.at.localeCompare(a.record.record.at));
  let openFindings: { e: CoverageEntry; text: string } | undefined;
  let wrongModel: CoverageEntry | undefined;
  let signOffNotAllowed: CoverageEntry | undefined;
  for (const e of newest) {
    const by = e.record.record.by;
    if (by.kind === 'person') {
      if (req.signOff) return { status: 'cleared', detail: who(e), by: e };
      signOffNotAllowed ??= e;
      continue;
    }
    if (req.audit === 'none' || !modelAccepted(config, req, by.model)) {
      wrongModel ??= e;
      continue;
    }
    const blocking = blockingFindings(e.change.open, req.failOn);
    if (blocking.length === 0) return { status: 'cleared', detail: who(e), by: e };
    if (!openFindings) {
      const first = blocking[0];
      openFindings = {
        e,
        text: `${who(e)} with ${blocking.length} open ${blocking.length === 1 ? `${first.severity} finding` : 'findings at or above ' + req.failOn}: ${first.title}${first.line ? ` (line ${first.line})` : ''}`,
      };
    }
  }
  if (openFindings) return { status: 'open-findings', detail: `${openFindings.text}; fix it and audit again, or sign off` };
  if (wrongModel) {
    const by = wrongModel.record.record.by;
    const model = by.kind === 'audit' ? by.model : '';
    return {
      status: 'model-not-accepted',
      detail: req.audit === 'none' ? `${who(wrongModel)}, but only a sign-off clears it` : `${who(wrongModel)}, which is not a ${req.audit}-tier model (${model})`,
    };
  }
  if (signOffNotAllowed) return { status: 'sign-off-not-accepted', detail: `${who(signOffNotAllowed)}, but the policy needs an audit (review.require signOff is false)` };
  if (earlier.length) return { status: 'changed-since-review', detail: `${who(earlier[0])}; changed since` };
  return { status: 'unreviewed', detail: 'no review covers this change' };
}
