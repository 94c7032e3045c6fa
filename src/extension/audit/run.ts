/**
 * One audit from the editor: scope → plan → routing → estimate and confirmation → core runAudit
 * under a cancellable progress notification → the report store. One audit runs at a time; a
 * failure is shown with its next steps (retry, another model, set the key).
 */
import * as vscode from 'vscode';
import { formatUsd } from '../../core/audit/cost';
import { withFindingRefs } from '../../core/audit/findingRef';
import type { AuditReport } from '../../core/audit/findings';
import { prepareAudit, runAudit } from '../../core/audit/pipeline';
import type { AuditLabel, AuditModel } from '../../core/audit/route';
import type { AuditRequest, AuditRun, PreparedAudit } from '../../core/audit/types';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import { recordAudit } from '../../core/review';
import { providerDisplayName } from '../../core/providers/registry';
import type { ProviderSettings } from '../../core/providers/types';
import type { ReportScope } from '../../protocol/auditReport';
import type { Services } from '../services';
import { getApiKey, setApiKeyCommand } from './apiKeys';
import type { AuditErrors } from './errors';
import type { ModelPicker } from './modelPicker';
import type { AuditPreview } from './preview';
import type { ReportPanel } from './reportPanel';
import type { ReportStore } from './reportStore';
import { ruleHints, type RuleHintResult } from './ruleHints';
import { readAuditSettings, readPricing, warnIgnoredSettings, type AuditSettings } from './settings';
import { buildPlan, type AuditPlan, type ScopeRequest } from './targets';

export interface RunOptions {
  /** Ask for the model with its estimated cost before sending. */
  chooseModel?: boolean;
  /** Use this model (a retry after "Choose another model…", a re-run from the report). */
  choice?: AuditModel;
  /** Ignore the cache. */
  refresh?: boolean;
}

export interface AuditParts {
  context: vscode.ExtensionContext;
  services: Services;
  store: ReportStore;
  panel: ReportPanel;
  errors: AuditErrors;
  picker: ModelPicker;
  preview: AuditPreview;
}

export class AuditRunner {
  private active: { title: string; cancel: () => void } | undefined;
  /** Rule hits per plan, computed once (preview, estimate and run all send the same hints). */
  private readonly hintCache = new WeakMap<AuditPlan, Promise<RuleHintResult>>();

  constructor(private readonly p: AuditParts) {}

  /** "Auditing src/orders.ts…" while an audit runs. */
  get running(): string | undefined {
    return this.active?.title;
  }

  cancel(): void {
    this.active?.cancel();
  }

  async audit(request: ScopeRequest, options: RunOptions = {}): Promise<void> {
    if (this.active) {
      void vscode.window.showWarningMessage(`Stakes is already auditing ${this.active.title}.`, 'Cancel it')
        .then((b) => (b ? this.active?.cancel() : undefined));
      return;
    }
    // The model actually used, once known: a retry keeps it, "Choose another model…" drops it.
    const used: { choice?: AuditModel } = { choice: options.choice };
    const retry = (): Promise<void> => this.p.errors.guard(() => this.audit(request, { ...options, choice: used.choice, chooseModel: false }));
    try {
      await this.auditOnce(request, options, used);
    } catch (e) {
      this.p.errors.show(e, {
        retry,
        chooseModel: () => this.p.errors.guard(() => this.audit(request, { ...options, choice: undefined, chooseModel: true })),
        setApiKey: async (provider) => {
          if (await setApiKeyCommand(this.p.context.secrets, provider)) await retry();
        },
      });
    }
  }

  /** "Show what will be sent" for a scope: the routed model's exact payload, nothing sent. */
  async preview(request: ScopeRequest): Promise<void> {
    const settings = readAuditSettings();
    const plan = await buildPlan(request);
    const routing = this.p.picker.route(plan);
    const choice = await this.p.picker.routed(settings, routing);
    const audit = await this.auditRequest(plan, choice, settings);
    await this.p.preview.show(plan, await prepareAudit(audit), choice, routing, settings);
  }

  private async auditOnce(request: ScopeRequest, options: RunOptions, used: { choice?: AuditModel }): Promise<void> {
    const { picker } = this.p;
    const settings = readAuditSettings();
    warnIgnoredSettings(settings, this.p.services.output);
    const plan = await buildPlan(request);
    const routing = picker.route(plan);
    let choice = used.choice = options.choice ?? await picker.routed(settings, routing);
    let audit = await this.auditRequest(plan, choice, settings);
    let prepared = await prepareAudit(audit);
    const repick = async (): Promise<boolean> => {
      const picked = await picker.pick(prepared, settings, choice);
      if (!picked) return false;
      choice = used.choice = picked;
      audit = await this.auditRequest(plan, choice, settings);
      prepared = await prepareAudit(audit);
      return true;
    };

    if (options.chooseModel && !(await repick())) return;
    // Confirm when the estimate is above the threshold (or unknown for a paid provider).
    for (;;) {
      await picker.requireKey(choice.provider, settings);
      const answer = await picker.confirm(plan, prepared, choice, settings);
      if (answer === 'send') break;
      if (answer === 'cancel') return;
      if (answer === 'preview') return this.p.preview.show(plan, prepared, choice, routing, settings);
      if (!(await repick())) return;
    }
    audit.settings = await this.providerSettings(choice.provider, settings);
    const run = await this.withProgress(plan, prepared, choice, settings, audit, options.refresh ?? false);
    await this.accept(run, plan, routing, choice, settings);
  }

  private async withProgress(plan: AuditPlan, prepared: PreparedAudit, choice: AuditModel, settings: AuditSettings,
    audit: AuditRequest, refresh: boolean): Promise<AuditRun> {
    const cache = cacheLayout(stakesCacheDir(process.env, this.p.context.globalStorageUri.fsPath));
    const est = prepared.estimate;
    const what = `${choice.model} (${providerDisplayName(choice.provider)})`;
    const estimate = `~${est.inputTokens.toLocaleString('en-US')} input tokens, est. ${formatUsd(est.costUsd)}`;
    this.p.services.output.info(`Audit: ${plan.title} with ${what}; ${estimate}; ${choice.why}.`);
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Stakes: auditing ${plan.title}`,
      cancellable: true,
    }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      this.active = { title: plan.title, cancel: () => controller.abort() };
      void vscode.commands.executeCommand('setContext', 'stakes.audit.running', true);
      this.p.panel.refresh();
      progress.report({ message: `${what} · ${estimate}` });
      const stages: Record<string, string> = {
        cache: 'checking the cache…',
        sending: `waiting for ${what} · ${estimate}`,
        repairing: 'the answer did not match the schema: asking the model to repair it…',
        grounding: 'locating each finding in the code…',
      };
      try {
        return await runAudit(audit, {
          signal: controller.signal,
          timeoutMs: settings.timeoutSeconds * 1000,
          cacheDir: cache.auditResults,
          refresh,
          ledgerPath: cache.spendLedger,
          budget: {
            perRunUsd: settings.maxCostPerRunUsd > 0 ? settings.maxCostPerRunUsd : undefined,
            perDayUsd: settings.maxCostPerDayUsd > 0 ? settings.maxCostPerDayUsd : undefined,
          },
          rawResponseDir: cache.rawResponses,
          onProgress: (stage) => progress.report({ message: stages[stage] ?? stage }),
        });
      } finally {
        sub.dispose();
        this.active = undefined;
        void vscode.commands.executeCommand('setContext', 'stakes.audit.running', false);
        this.p.panel.refresh(); // drop the "Auditing…" line, whatever the outcome
      }
    });
  }

  /** A finished run becomes the report: notes for the reader, the store, the panel and a status line. */
  private async accept(run: AuditRun, plan: AuditPlan, routing: AuditLabel, choice: AuditModel, settings: AuditSettings): Promise<void> {
    const report = withFindingRefs(run.report);
    const notes: string[] = [];
    if (run.droppedOutsideScope > 0) {
      notes.push(`${run.droppedOutsideScope} finding${run.droppedOutsideScope === 1 ? ' was' : 's were'} about code outside the judged lines (unchanged or unselected) and ${run.droppedOutsideScope === 1 ? 'was' : 'were'} dropped.`);
    }
    if (run.droppedInvalid.length) notes.push(`${run.droppedInvalid.length} finding${run.droppedInvalid.length === 1 ? '' : 's'} failed validation and ${run.droppedInvalid.length === 1 ? 'was' : 'were'} dropped (${run.droppedInvalid.slice(0, 3).join('; ')}); the others were kept.`);
    if (run.repaired) notes.push('The first answer did not match the findings schema; the model repaired it once.');
    if (run.rawResponsePath) notes.push(`The invalid first answer is kept in ${run.rawResponsePath}.`);
    if (settings.ignoredFromWorkspace.length) {
      notes.push(`Untrusted workspace: ignored ${settings.ignoredFromWorkspace.join(', ')} from the workspace settings.`);
    }
    // The routed case is already in the report's "Routed by" line; say so only when something else chose.
    if (!choice.routed) notes.push(`Model: ${choice.why}.`);
    notes.push(...await this.recordReview(report, run, plan, routing, choice));
    const hints = report.findings.filter((f) => f.source !== 'ai').length;
    const scope: ReportScope = {
      title: plan.title,
      files: run.prepared.checked.map((c) => ({ file: c.path, judged: c.detail })),
      skipped: [...plan.skipped, ...run.prepared.excluded.map((e) => ({ file: e.path, reason: e.reason }))],
      redactions: run.prepared.redactions.length,
      label: { label: routing.label, why: routing.why },
      rules: `${(await this.hintsFor(plan)).note}${hints ? `; ${hints} finding${hints === 1 ? ' is' : 's are'} rule-backed` : ''}`,
      notes,
    };
    this.p.errors.last = undefined;
    await this.p.store.save({
      report, scope, request: plan.request, choice,
      run: { finishedAt: new Date().toISOString(), durationMs: run.durationMs, cached: run.cached, costNote: run.prepared.estimate.note },
      uris: Object.fromEntries([...plan.uris].map(([k, v]) => [k, v.toString()])),
    }, run, [...plan.uris.values()]);
    this.p.panel.show(true);
    this.p.services.output.info(`Audit done: ${report.findings.length} finding(s), ${report.unverified.length} unverified; ` +
      `${report.usage.inputTokens} in (${report.usage.cachedInputTokens} cached) / ${report.usage.outputTokens} out tokens, ` +
      `${run.cached ? 'from cache, no call' : formatUsd(report.usage.costUsd)}; ${run.durationMs} ms.`);
    vscode.window.setStatusBarMessage(`Stakes: ${summaryLine(report, run.cached)}`, 8000);
  }

  /**
   * The review record of a finished audit (.stakes/reviews/): the regions it judged, by which model,
   * with the findings left open (false positives excepted), so the review debt view clears them.
   */
  private async recordReview(report: AuditReport, run: AuditRun, plan: AuditPlan, routing: AuditLabel, choice: AuditModel): Promise<string[]> {
    if (!vscode.workspace.getConfiguration('stakes').get<boolean>('review.recordAudits', true)) return [];
    if (!vscode.workspace.isTrusted) return ['Untrusted workspace: no review record was written (Stakes does not run git there).'];
    const sent = new Set(run.prepared.checked.map((c) => c.path));
    const files = plan.targets.filter((t) => sent.has(t.path) && plan.uris.get(t.path)?.scheme === 'file').map((t) => {
      const basePath = plan.changes?.renamedFrom.get(t.path);
      return {
        file: plan.uris.get(t.path)!.fsPath, content: t.content, scope: t.scope, reportPath: t.path,
        ...(t.languageId ? { languageId: t.languageId } : {}), ...(basePath ? { basePath } : {}),
      };
    });
    if (files.length === 0) return [];
    try {
      const outcome = await recordAudit({
        files, report, suppressed: new Set(this.p.store.suppressed()), scope: run.checkedDescription, config: this.p.services.config(),
        ...(plan.changes?.baseRef ? { changesBase: plan.changes.baseRef } : {}), ...(choice.routed ? { tier: routing.label } : {}),
      });
      for (const w of outcome.written) this.p.services.reviewDebt.recorded(w.file);
      return [
        ...outcome.written.map((w) => (w.existing ? `This review was already recorded in ${w.file}.`
          : `Recorded as reviewed in ${w.file} (${w.covered} region${w.covered === 1 ? '' : 's'}): commit it with the change.`)),
        ...outcome.notes.map((n) => `${n}.`),
      ];
    } catch (e) {
      this.p.services.output.warn(`The review record could not be written: ${(e as Error).stack ?? e}`);
      return [`The review could not be recorded in .stakes/reviews/: ${(e as Error).message}`];
    }
  }

  private async auditRequest(plan: AuditPlan, choice: AuditModel, settings: AuditSettings): Promise<AuditRequest> {
    return {
      targets: plan.targets,
      provider: choice.provider,
      model: choice.model,
      // Keys are added just before sending; previews and estimates never need them.
      settings: await this.providerSettings(choice.provider, settings, false),
      hints: (await this.hintsFor(plan)).hints,
      exclude: settings.exclude,
      localOnly: settings.localOnly,
      pricing: readPricing(),
    };
  }

  private hintsFor(plan: AuditPlan): Promise<RuleHintResult> {
    let hints = this.hintCache.get(plan);
    if (!hints) {
      hints = ruleHints(plan.targets, this.p.services.output);
      this.hintCache.set(plan, hints);
    }
    return hints;
  }

  private async providerSettings(provider: string, settings: AuditSettings, withKey = true): Promise<ProviderSettings> {
    const s: ProviderSettings = { maxRetries: settings.maxRetries };
    if (provider === 'openai-compatible') s.baseUrl = settings.openaiCompatibleBaseUrl;
    if (provider === 'google') s.apiVersion = settings.googleApiVersion;
    if (withKey) s.apiKey = await getApiKey(this.p.context.secrets, provider);
    return s;
  }

}

function summaryLine(report: AuditReport, cached: boolean): string {
  const n = report.findings.length;
  const bySev = ['critical', 'high', 'medium', 'low', 'info']
    .map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`).join(', ');
  const cost = cached ? 'from cache, no call made' : formatUsd(report.usage.costUsd);
  return `${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${bySev})`}${report.unverified.length ? `, ${report.unverified.length} unverified` : ''} · ${cost}`;
}
