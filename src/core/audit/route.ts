/**
 * Which label and which model an audit uses, decided once for the CLI and the extension.
 *
 * The label is the most demanding one among the audited code (sensitive > complex > context-heavy >
 * boilerplate). Code that could not be labelled at all is audited as `sensitive`: an audit errs
 * towards the careful model. The model is the routing table's (`runnable`) model for that label on
 * the provider; a model or provider the user named wins, and the reason says what decided.
 */
import { classify, type Classification } from '../classify';
import { LABELS, type Label } from '../labels';
import { recommend, runnableModel, type StakesConfig } from '../routing/config';
import { DEFAULT_AUDIT_PROVIDER } from '../routing/defaults';
import type { AuditTarget } from './types';

/** The label an audit uses when none of its code could be labelled. */
export const UNLABELLED_AUDIT_LABEL: Label = 'sensitive';

/** The label that routes an audit, with the evidence that decided it. */
export interface AuditLabel {
  label: Label;
  /** "src/auth.ts: imports jsonwebtoken (line 3)". */
  why: string;
}

/** One audited piece of code and how the classifier labelled it. */
export interface LabelledCode {
  /** Where it is, as shown to the user (workspace-relative path). */
  where: string;
  classification: Classification;
}

/** The main reason for a classification's label: the pin or glob that set it, else its strongest signal. */
export function labelReason(c: Classification): string {
  return c.override?.detail
    ?? c.reasons.filter((r) => r.label === c.label).sort((a, b) => b.weight - a.weight)[0]?.detail
    ?? 'no strong signal';
}

/** The most demanding label among the audited code; UNLABELLED_AUDIT_LABEL when nothing was labelled. */
export function auditLabel(labelled: readonly LabelledCode[]): AuditLabel {
  let best: LabelledCode | undefined;
  for (const l of labelled) {
    if (!best || LABELS.indexOf(l.classification.label) < LABELS.indexOf(best.classification.label)) best = l;
  }
  if (!best) return { label: UNLABELLED_AUDIT_LABEL, why: 'the code could not be labelled, so the careful model is used' };
  return { label: best.classification.label, why: `${best.where}: ${labelReason(best.classification)}` };
}

/** Label audit targets with the core classifier (the CLI's way; the editor labels its documents itself). */
export function labelTargets(targets: readonly AuditTarget[], config: StakesConfig): LabelledCode[] {
  return targets.map((t) => {
    const selection = t.scope.kind === 'selection' ? { startLine: t.scope.startLine, endLine: t.scope.endLine } : undefined;
    return { where: t.path, classification: classify({ active: { path: t.path, content: t.content, languageId: t.languageId, selection } }, { config }) };
  });
}

/** A model a provider offers at run time (VS Code's language models), matched against the routing table. */
export interface OfferedModel {
  id: string;
  name: string;
  family: string;
  vendor: string;
}

export interface AuditModelRequest {
  config: StakesConfig;
  label: Label;
  /** The provider the user chose (a flag or a setting); unset: the routing table's provider for the label. */
  provider?: string;
  /** A model id the user pinned; unset: the routing table's model for the label. */
  model?: string;
  /** How this host names its provider and model knobs, for the reason ("--provider", "stakes.audit.model"). */
  knobs: { provider: string; model: string };
  /** Providers tried, in order, when no provider was chosen and the recommended one has no key. */
  fallbacks?: readonly string[];
  /** Whether a provider has a key; unset: every provider counts as usable. */
  hasKey?: (provider: string) => boolean;
  /** The models a provider without a runnable table offers (vscode-lm); must not be empty for it. */
  offered?: readonly OfferedModel[];
}

/** The model an audit uses, and why. */
export interface AuditModel {
  provider: string;
  model: string;
  /** "the code is labelled sensitive", "stakes.audit.model is set to gpt-5.4", "chosen for this run: …". */
  why: string;
  /** True when the routing table's choice for the label was used as is (no pin, no fallback, no pick). */
  routed: boolean;
}

type RunnableProvider = keyof StakesConfig['runnable'];
const isRunnable = (config: StakesConfig, p: string): p is RunnableProvider => Object.hasOwn(config.runnable, p);

/**
 * Provider and model for an audit. A pinned model wins; otherwise the label's model on the chosen
 * provider, or, with no provider chosen, on the provider the routing table recommends for the label
 * (the first fallback with a key when that one has none). Throws ConfigError when excludeModels
 * forbids the routed model.
 */
export function chooseAuditModel(req: AuditModelRequest): AuditModel {
  const { config, label, knobs } = req;
  const hasKey = req.hasKey ?? (() => true);
  let provider = req.provider;
  let why = `the code is labelled ${label}${provider ? ` (${knobs.provider} ${provider})` : ''}`;
  let routed = true;
  if (!provider) {
    const rec = recommend(config, label);
    const recommended = rec && isRunnable(config, rec.provider) ? rec.provider : undefined;
    const withKey = (req.fallbacks ?? []).find(hasKey);
    if (recommended && hasKey(recommended)) provider = recommended;
    else if (withKey) {
      provider = withKey;
      routed = false;
      why += recommended ? ` (the routing table recommends ${recommended}, which has no key set; using ${withKey})`
        : ` (${rec?.name ?? 'the recommended model'} is not callable from here; using ${withKey})`;
    } else provider = recommended ?? DEFAULT_AUDIT_PROVIDER;
  }
  if (req.model) return { provider, model: req.model, why: `${knobs.model} is set to ${req.model}`, routed: false };
  if (isRunnable(config, provider)) return { provider, model: runnableModel(config, provider, label), why, routed };
  return offeredModel(req, provider);
}

/** For a provider that lists its models at run time: the label's recommended model when offered, else the first offered. */
function offeredModel(req: AuditModelRequest, provider: string): AuditModel {
  const offered = req.offered ?? [];
  if (!offered.length) throw new Error(`${provider} offers no model to audit with: choose another provider with ${req.knobs.provider}.`);
  // gpt-5.4 ~ "GPT-5.4", claude-opus-4-6 ~ "claude-opus-4.6".
  const norm = (x: string): string => x.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = norm(req.config.recommendations[req.label]?.model ?? '');
  const match = wanted ? offered.find((m) => norm(m.id).includes(wanted) || norm(m.family).includes(wanted)) : undefined;
  if (match) return { provider, model: match.id, why: `the code is labelled ${req.label}: ${match.name}`, routed: true };
  const first = offered.find((m) => m.vendor === 'copilot') ?? offered[0];
  return {
    provider, model: first.id, routed: false,
    why: `the code is labelled ${req.label}, whose model is not offered here: using ${first.name} (set ${req.knobs.model} to pick another)`,
  };
}
