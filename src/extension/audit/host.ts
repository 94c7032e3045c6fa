/**
 * The audit feature's heavy half (bundled as dist/audit.js, loaded on first use by register.ts):
 * scope → routing → estimate and confirmation → core runAudit under a cancellable progress
 * notification → report webview, Problems panel, quick fixes, export. All provider calls, caching,
 * budgets, redaction and grounding are the core's; this file only adapts them to VS Code.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { LABELS, type Label } from '../../core/labels';
import { AuditReport as AuditReportSchema, type AuditReport, type Finding } from '../../core/audit/findings';
import { formatUsd, modelChoices } from '../../core/audit/cost';
import { GroundingIndex } from '../../core/audit/grounding';
import { payloadText, prepareAudit, runAudit } from '../../core/audit/pipeline';
import type { AuditRequest, AuditRun, PreparedAudit, PricingTable } from '../../core/audit/types';
import { isCloudProvider, providerDisplayName, registerProvider } from '../../core/providers/registry';
import { ProviderError, type ProviderSettings } from '../../core/providers/types';
import { runnableModel } from '../../core/routing/config';
import type { Services } from '../services';
import { findingId as viewFindingId } from '../../webview/auditReport/view';
import type { HostMessage, ReportRun, ReportScope, WebviewMessage } from '../../webview/auditReport/protocol';
import { getApiKey, isKeyedProvider, PROVIDER_NAMES, setApiKeyCommand } from './apiKeys';
import { AuditCodeActions, AuditDiagnostics, type PlacedFinding } from './diagnostics';
import { AuditUserError, showAuditError, type ShownError } from './errors';
import { exportReport, type ExportFormat } from './export';
import { buildFixEdit, fixText } from './fixes';
import { baseCandidates, currentFolder } from './gitDiff';
import { listLmModels, LmProvider, LM_PROVIDER_ID } from './lmProvider';
import { ruleHints, type RuleHintResult } from './ruleHints';
import { REPORT_VIEW_TYPE, ReportPanel } from './reportPanel';
import { openAuditSettings, readAuditSettings, type AuditSettings } from './settings';
import { branchRequest, buildPlan, changesRequest, planFromEditor, type AuditPlan, type ScopeRequest } from './targets';

export { REPORT_VIEW_TYPE };

const LAST_RUN_KEY = 'stakes.audit.lastRun';
const SUPPRESSED_KEY = 'stakes.audit.suppressed';
const PREVIEW_SCHEME = 'stakes-audit-preview';

/** The model a run uses, and why. */
interface ModelChoice {
  provider: string;
  model: string;
  /** "routed: sensitive (imports jsonwebtoken, line 3)", "stakes.audit.model", "chosen for this run". */
  why: string;
}

interface Routing {
  label: Label;
  why: string;
}

/** What the report shows and what survives a reload (workspaceState). */
interface StoredRun {
  report: AuditReport;
  scope: ReportScope;
  run: ReportRun;
  request: ScopeRequest;
  /** Target path → document Uri (string). */
  uris: Record<string, string>;
  choice: ModelChoice;
}

interface RunOptions {
  /** Ask for the model with its estimated cost before sending. */
  chooseModel?: boolean;
  /** Use this model (a retry after "Choose another model…"). */
  choice?: ModelChoice;
  /** Ignore the cache. */
  refresh?: boolean;
}

export class AuditHost implements vscode.Disposable {
  private readonly diagnostics = new AuditDiagnostics();
  private readonly panel: ReportPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly placed = new Map<string, PlacedFinding>();
  private last: StoredRun | undefined;
  private lastRun: AuditRun | undefined;
  private running: { title: string; cancel: () => void } | undefined;
  private readonly previews = new Map<string, string>();
  private readonly previewChanged = new vscode.EventEmitter<vscode.Uri>();
  private warnedIgnored = false;
  /** The last failure shown (cleared by a successful run): for the log and the extension-host tests. */
  private lastError: ShownError | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly services: Services) {
    registerProvider(LM_PROVIDER_ID, () => new LmProvider(context.languageModelAccessInformation), {
      displayName: PROVIDER_NAMES['vscode-lm'], cloud: true,
    });
    this.panel = new ReportPanel(context.extensionUri, () => this.stateMessage(), (m) => this.onWebviewMessage(m), services.output);
    this.disposables.push(
      this.diagnostics,
      this.panel,
      this.previewChanged,
      vscode.languages.registerCodeActionsProvider(
        [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }],
        new AuditCodeActions(this.diagnostics, (id) => this.placed.get(id), (doc, p) => buildFixEdit(doc, p.finding, this.currentLine(p))),
        { providedCodeActionKinds: AuditCodeActions.kinds },
      ),
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
        onDidChange: this.previewChanged.event,
        provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? 'This preview is no longer available: run "Stakes: Show what will be sent" again.',
      }),
    );
    void this.restore();
  }

  // ---------------------------------------------------------------- commands

  auditFile(): Promise<void> {
    return this.guard(() => this.audit(planFromEditor('file')));
  }

  auditSelection(): Promise<void> {
    return this.guard(() => this.audit(planFromEditor('selection')));
  }

  /** From the Source Control title bar the argument is that repository's SourceControl (its rootUri picks the repository). */
  auditChanges(from?: unknown): Promise<void> {
    const root = (from as { rootUri?: unknown } | undefined)?.rootUri;
    return this.guard(() => this.audit(changesRequest(root instanceof vscode.Uri ? root : undefined)));
  }

  auditBranch(base?: unknown): Promise<void> {
    return this.guard(async () => {
      const ref = typeof base === 'string' && base.trim() ? base.trim() : await this.pickBase();
      if (ref) await this.audit(branchRequest(ref));
    });
  }

  auditWithModel(scope?: unknown): Promise<void> {
    return this.guard(async () => {
      const request = await this.pickScope('Audit what, with a model you choose?', scope);
      if (request) await this.audit(request, { chooseModel: true });
    });
  }

  /** `scope` ('file' | 'selection' | 'changes') skips the scope picker (keybindings, tests). */
  preview(scope?: unknown): Promise<void> {
    return this.guard(async () => {
      const request = await this.pickScope('Show what would be sent for…', scope);
      if (!request) return;
      const settings = readAuditSettings();
      const plan = await buildPlan(request);
      const routing = this.route(plan);
      const choice = await this.routedChoice(settings, routing);
      const audit = await this.auditRequest(plan, choice, settings);
      await this.showPreview(plan, await prepareAudit(audit), choice, routing, settings);
    });
  }

  openReport(): void {
    this.panel.show(false);
  }

  /** `format` and `target` (a Uri) skip the pickers (automation, tests). */
  exportReport(format?: unknown, target?: unknown): Promise<void> {
    return this.guard(async () => {
      if (!this.last) throw new AuditUserError('There is no audit report to export yet: run an audit first.');
      const f = format === 'sarif' || format === 'markdown' ? format : await this.pickExportFormat();
      if (!f) return;
      const saved = await exportReport(f, this.last.report, this.lastRun, this.last.scope, this.suppressed(),
        target instanceof vscode.Uri ? target : undefined);
      if (saved) {
        void vscode.window.showInformationMessage(`Stakes: report saved to ${vscode.workspace.asRelativePath(saved)}.`, 'Open')
          .then((open) => (open ? vscode.window.showTextDocument(saved) : undefined));
      }
    });
  }

  clearFindings(): void {
    this.diagnostics.clear();
    this.placed.clear();
    this.last = undefined;
    this.lastRun = undefined;
    void this.context.workspaceState.update(LAST_RUN_KEY, undefined);
    void vscode.commands.executeCommand('setContext', 'stakes.audit.hasReport', false);
    this.panel.refresh();
  }

  /** Quick fix from the report or a command: edit computed on the document as it is now. */
  applyFix(id: unknown): Promise<void> {
    return this.guard(async () => {
      const p = typeof id === 'string' ? this.placed.get(id) : undefined;
      if (!p) throw new AuditUserError('This finding is no longer in the current results: re-run the audit.');
      const doc = await vscode.workspace.openTextDocument(p.uri);
      const edit = buildFixEdit(doc, p.finding, this.currentLine(p));
      if (typeof edit === 'string') throw new AuditUserError(edit, [{ title: 'Copy fix', run: () => this.copyFix(p.id) }]);
      if (!(await vscode.workspace.applyEdit(edit))) throw new AuditUserError('VS Code refused the edit (the file may be read-only).');
      await this.fixApplied(p.id);
      await vscode.window.showTextDocument(doc, { preserveFocus: false, viewColumn: this.editorColumn(doc.uri) });
    });
  }

  /** Runs after a quick fix's edit: the diagnostic goes, the finding stays in the report. */
  async fixApplied(id: unknown): Promise<void> {
    if (typeof id !== 'string') return;
    this.diagnostics.remove(id);
    vscode.window.setStatusBarMessage('Stakes: fix applied. Review it; Undo reverts it. Re-run the audit to check the new code.', 6000);
  }

  revealFinding(id: unknown): void {
    if (typeof id === 'string') this.panel.focus(id);
  }

  async suppressFinding(id: unknown, suppressed = true): Promise<void> {
    if (typeof id !== 'string') return;
    const set = new Set(this.suppressed());
    if (suppressed) set.add(id);
    else set.delete(id);
    await this.context.workspaceState.update(SUPPRESSED_KEY, [...set]);
    if (suppressed) this.diagnostics.remove(id);
    else this.republishDiagnostics();
    this.panel.refresh();
    if (suppressed) {
      void vscode.window.showInformationMessage('Stakes: marked as a false positive; it stays hidden in later audits of this workspace.', 'Undo')
        .then((undo) => (undo ? this.suppressFinding(id, false) : undefined));
    }
  }

  /** For the extension-host tests (registered only when STAKES_UNDER_TEST is set): what the report holds now. */
  testState(): { report: AuditReport | null; scope: ReportScope | null; cached: boolean | null; error: ShownError | null; suppressed: string[]; running: boolean; panelVisible: boolean } {
    return {
      report: this.last?.report ?? null, scope: this.last?.scope ?? null, cached: this.last?.run.cached ?? null,
      error: this.lastError ?? null, suppressed: this.suppressed(), running: this.running !== undefined, panelVisible: this.panel.visible,
    };
  }

  /** What the progress notification's Cancel does (also used when a second audit is asked to replace the first). */
  cancelRunning(): void {
    this.running?.cancel();
  }

  restorePanel(panel: vscode.WebviewPanel): void {
    this.panel.attach(panel);
  }

  // ---------------------------------------------------------------- the run

  private async audit(request: ScopeRequest, options: RunOptions = {}): Promise<void> {
    if (this.running) {
      void vscode.window.showWarningMessage(`Stakes is already auditing ${this.running.title}.`, 'Cancel it')
        .then((b) => (b ? this.running?.cancel() : undefined));
      return;
    }
    // The model actually used, once known: a retry keeps it, "Choose another model…" drops it.
    const used: { choice?: ModelChoice } = { choice: options.choice };
    const retry = (): Promise<void> => this.guard(() => this.audit(request, { ...options, choice: used.choice, chooseModel: false }));
    try {
      await this.auditOnce(request, options, used);
    } catch (e) {
      this.lastError = showAuditError(e, {
        retry,
        chooseModel: () => this.guard(() => this.audit(request, { ...options, choice: undefined, chooseModel: true })),
        setApiKey: async (p) => {
          if (await setApiKeyCommand(this.context.secrets, p)) await retry();
        },
        showOutput: () => this.services.output.show(true),
      }, this.services.output);
    }
  }

  private async auditOnce(request: ScopeRequest, options: RunOptions, used: { choice?: ModelChoice }): Promise<void> {
    const settings = readAuditSettings();
    this.warnIgnoredSettings(settings);
    const plan = await buildPlan(request);
    const routing = this.route(plan);
    let choice = options.choice ?? await this.routedChoice(settings, routing);
    used.choice = choice;
    let audit = await this.auditRequest(plan, choice, settings);
    let prepared = await prepareAudit(audit);

    if (options.chooseModel) {
      const picked = await this.pickModel(prepared, settings, choice);
      if (!picked) return;
      choice = used.choice = picked;
      audit = await this.auditRequest(plan, choice, settings);
      prepared = await prepareAudit(audit);
    }
    // Confirm when the estimate is above the threshold (or unknown for a paid provider).
    for (;;) {
      // No point weighing the cost of a call that cannot be made.
      await this.requireKey(choice.provider, settings);
      const answer = await this.confirm(plan, prepared, choice, settings);
      if (answer === 'send') break;
      if (answer === 'cancel') return;
      if (answer === 'preview') {
        await this.showPreview(plan, prepared, choice, routing, settings);
        return;
      }
      const picked = await this.pickModel(prepared, settings, choice);
      if (!picked) return;
      choice = used.choice = picked;
      audit = await this.auditRequest(plan, choice, settings);
      prepared = await prepareAudit(audit);
    }
    audit.settings = await this.providerSettings(choice.provider, settings);
    const run = await this.withProgress(plan, prepared, choice, settings, audit, options.refresh ?? false);
    await this.accept(run, plan, routing, choice, settings);
  }

  private async withProgress(plan: AuditPlan, prepared: PreparedAudit, choice: ModelChoice, settings: AuditSettings,
    audit: AuditRequest, refresh: boolean): Promise<AuditRun> {
    const storage = this.context.globalStorageUri.fsPath;
    const est = prepared.estimate;
    const what = `${choice.model} (${providerDisplayName(choice.provider)})`;
    const estimate = `~${est.inputTokens.toLocaleString('en-US')} input tokens, est. ${formatUsd(est.costUsd)}`;
    this.services.output.info(`Audit: ${plan.title} with ${what}; ${estimate}; ${choice.why}.`);
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Stakes: auditing ${plan.title}`,
      cancellable: true,
    }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      this.running = { title: plan.title, cancel: () => controller.abort() };
      void vscode.commands.executeCommand('setContext', 'stakes.audit.running', true);
      this.panel.refresh();
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
          cacheDir: path.join(storage, 'audit-cache'),
          refresh,
          ledgerPath: path.join(storage, 'audit-spend.json'),
          budget: {
            perRunUsd: settings.maxCostPerRunUsd > 0 ? settings.maxCostPerRunUsd : undefined,
            perDayUsd: settings.maxCostPerDayUsd > 0 ? settings.maxCostPerDayUsd : undefined,
          },
          rawResponseDir: path.join(storage, 'raw-responses'),
          onProgress: (stage) => progress.report({ message: stages[stage] ?? stage }),
        });
      } finally {
        sub.dispose();
        this.running = undefined;
        void vscode.commands.executeCommand('setContext', 'stakes.audit.running', false);
        this.panel.refresh(); // drop the "Auditing…" line, whatever the outcome
      }
    });
  }

  private async accept(run: AuditRun, plan: AuditPlan, routing: Routing, choice: ModelChoice, settings: AuditSettings): Promise<void> {
    const report = withIds(run.report);
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
    if (!choice.why.startsWith('routed by label')) notes.push(`Model: ${choice.why}.`);
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
    const stored: StoredRun = {
      report, scope, request: plan.request, choice,
      run: { finishedAt: new Date().toISOString(), durationMs: run.durationMs, cached: run.cached, costNote: run.prepared.estimate.note },
      uris: Object.fromEntries([...plan.uris].map(([k, v]) => [k, v.toString()])),
    };
    this.last = stored;
    this.lastRun = run;
    this.lastError = undefined;
    this.publish(stored, [...plan.uris.values()]);
    await this.context.workspaceState.update(LAST_RUN_KEY, stored);
    void vscode.commands.executeCommand('setContext', 'stakes.audit.hasReport', true);
    this.panel.show(true);
    this.services.output.info(`Audit done: ${report.findings.length} finding(s), ${report.unverified.length} unverified; ` +
      `${report.usage.inputTokens} in (${report.usage.cachedInputTokens} cached) / ${report.usage.outputTokens} out tokens, ` +
      `${run.cached ? 'from cache, no call' : formatUsd(report.usage.costUsd)}; ${run.durationMs} ms.`);
    vscode.window.setStatusBarMessage(`Stakes: ${summaryLine(report, run.cached)}`, 8000);
  }

  /** Diagnostics and the id → finding index for one stored run (suppressed findings excluded). */
  private publish(stored: StoredRun, files: vscode.Uri[]): void {
    const fileKeys = new Set(files.map((u) => u.toString()));
    for (const [id, p] of this.placed) if (fileKeys.has(p.uri.toString())) this.placed.delete(id);
    const suppressed = new Set(this.suppressed());
    const list: PlacedFinding[] = [];
    for (const f of stored.report.findings) {
      const uri = stored.uris[f.file];
      if (!uri || !f.id) continue;
      const p = { id: f.id, uri: vscode.Uri.parse(uri), finding: f };
      this.placed.set(f.id, p);
      if (!suppressed.has(f.id)) list.push(p);
    }
    this.diagnostics.replace(files, list);
  }

  private republishDiagnostics(): void {
    if (this.last) this.publish(this.last, Object.values(this.last.uris).map((u) => vscode.Uri.parse(u)));
  }

  /** After a reload: the last report and, for findings whose quote is still in the file, their diagnostics. */
  private async restore(): Promise<void> {
    const stored = this.context.workspaceState.get<StoredRun>(LAST_RUN_KEY);
    if (!stored || typeof stored.uris !== 'object' || !AuditReportSchema.safeParse(stored.report).success) {
      // Written by another version, or damaged: forget it rather than show something wrong.
      if (stored) await this.context.workspaceState.update(LAST_RUN_KEY, undefined);
      return;
    }
    const findings: Finding[] = [];
    for (const f of stored.report.findings) {
      const uri = stored.uris[f.file];
      if (!uri) continue;
      try {
        // Read, do not open: opening every reported file at startup would wake language servers for nothing.
        const u = vscode.Uri.parse(uri);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
        const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
        const anchor = new GroundingIndex(text).locate(f.evidence, f.startLine);
        if (anchor) findings.push({ ...f, ...anchor });
      } catch {
        // The file is gone: its findings are dropped from the Problems panel, the report keeps them.
      }
    }
    if (this.last) return; // an audit finished while this was reading files: it is newer
    this.last = stored;
    this.publish({ ...stored, report: { ...stored.report, findings } }, Object.values(stored.uris).map((u) => vscode.Uri.parse(u)));
    // Reveal and quick fixes still work for moved findings; the report shows the audit as it was.
    for (const f of stored.report.findings) {
      if (f.id && !this.placed.has(f.id) && stored.uris[f.file]) this.placed.set(f.id, { id: f.id, uri: vscode.Uri.parse(stored.uris[f.file]), finding: f });
    }
    void vscode.commands.executeCommand('setContext', 'stakes.audit.hasReport', true);
    this.panel.refresh();
  }

  // ---------------------------------------------------------------- routing and model choice

  /** The label that routes the model: the most demanding label among the audited documents. */
  private route(plan: AuditPlan): Routing {
    let best: Routing | undefined;
    for (const { document, range } of plan.classifyOn) {
      try {
        const c = this.services.classifyDocument(document, range);
        const why = c.override?.detail ?? c.reasons.filter((r) => r.label === c.label).sort((a, b) => b.weight - a.weight)[0]?.detail ?? 'no strong signal';
        const r = { label: c.label, why: `${vscode.workspace.asRelativePath(document.uri)}: ${why}` };
        if (!best || LABELS.indexOf(r.label) < LABELS.indexOf(best.label)) best = r;
      } catch (e) {
        this.services.output.warn(`Could not label ${document.uri.fsPath}: ${(e as Error).message}`);
      }
    }
    // Without a label, route as sensitive: an audit should err towards the careful model.
    return best ?? { label: 'sensitive', why: 'the code could not be labelled, so the careful model is used' };
  }

  private async routedChoice(settings: AuditSettings, routing: Routing): Promise<ModelChoice> {
    const provider = settings.provider;
    if (settings.model) return { provider, model: settings.model, why: `stakes.audit.model is set to ${settings.model}` };
    if (provider === LM_PROVIDER_ID) {
      const models = await listLmModels();
      if (models.length === 0) {
        throw new ProviderError('config', LM_PROVIDER_ID,
          'No VS Code language model is available: install GitHub Copilot Chat and sign in, or choose another provider in stakes.audit.provider.');
      }
      // The label's recommended model when VS Code offers it (gpt-5.4 ~ "GPT-5.4", claude-opus-4-6 ~ "claude-opus-4.6").
      const norm = (x: string): string => x.toLowerCase().replace(/[^a-z0-9]/g, '');
      const wanted = norm(this.services.config().recommendations[routing.label]?.model ?? '');
      const routed = wanted ? models.find((m) => norm(m.id).includes(wanted) || norm(m.family).includes(wanted)) : undefined;
      if (routed) {
        return { provider, model: routed.id, why: `routed by label "${routing.label}" (${routing.why}) to ${routed.name} through VS Code's language models` };
      }
      const pick = models.find((m) => m.vendor === 'copilot') ?? models[0];
      return { provider, model: pick.id, why: `VS Code language model ${pick.name}: the "${routing.label}" model is not offered here (set stakes.audit.model to pick another)` };
    }
    const model = runnableModel(this.services.config(), provider, routing.label);
    return { provider, model, why: `routed by label "${routing.label}" (${routing.why}) to ${provider}'s ${routing.label} model` };
  }

  private async auditRequest(plan: AuditPlan, choice: ModelChoice, settings: AuditSettings): Promise<AuditRequest> {
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

  /** Rule hits per plan, computed once (preview, estimate and run all send the same hints). */
  private readonly hintCache = new WeakMap<AuditPlan, Promise<RuleHintResult>>();

  private hintsFor(plan: AuditPlan): Promise<RuleHintResult> {
    let p = this.hintCache.get(plan);
    if (!p) {
      p = ruleHints(plan.targets, this.services.output);
      this.hintCache.set(plan, p);
    }
    return p;
  }

  private async providerSettings(provider: string, settings: AuditSettings, withKey = true): Promise<ProviderSettings> {
    const s: ProviderSettings = { maxRetries: settings.maxRetries };
    if (provider === 'openai-compatible') s.baseUrl = settings.openaiCompatibleBaseUrl;
    if (provider === 'google') s.apiVersion = settings.googleApiVersion;
    if (withKey) s.apiKey = await getApiKey(this.context.secrets, provider);
    return s;
  }

  private async requireKey(provider: string, settings: AuditSettings): Promise<void> {
    if (!isKeyedProvider(provider) || provider === 'openai-compatible') return;
    if (settings.localOnly) return; // runAudit refuses with the local-only message, which is the one that matters
    if (await getApiKey(this.context.secrets, provider)) return;
    throw new ProviderError('auth', provider,
      `No ${PROVIDER_NAMES[provider]} API key is stored. Set one with "Stakes: Set API key…" (kept in your OS keychain), ` +
      'or choose another provider (stakes.audit.provider), e.g. vscode-lm for GitHub Copilot or a local OpenAI-compatible server.');
  }

  private async pickModel(prepared: PreparedAudit, settings: AuditSettings, current: ModelChoice): Promise<ModelChoice | undefined> {
    type Item = vscode.QuickPickItem & { choice?: ModelChoice; custom?: string };
    const tokens = prepared.estimate.inputTokens;
    const maxOut = prepared.estimate.maxOutputTokens;
    const items: Item[] = [];
    const byProvider = new Map<string, Item[]>();
    const keyState = new Map<string, boolean>();
    for (const p of ['openai', 'anthropic', 'google']) keyState.set(p, (await getApiKey(this.context.secrets, p)) !== undefined);
    const localOnlyRefuses = (p: string) => settings.localOnly && isCloudProvider(p, p === 'openai-compatible' ? { baseUrl: settings.openaiCompatibleBaseUrl } : {});
    for (const c of modelChoices(this.services.config(), tokens, maxOut, readPricing())) {
      const list = byProvider.get(c.provider) ?? [];
      const isCurrent = c.provider === current.provider && c.model === current.model;
      const problems = [
        localOnlyRefuses(c.provider) ? 'refused: local-only mode' : '',
        keyState.get(c.provider) === false ? 'no API key stored' : '',
      ].filter(Boolean);
      list.push({
        label: `${isCurrent ? '$(check) ' : ''}${c.model}`,
        description: `est. ${formatUsd(c.estimate.costUsd)} (at most ${formatUsd(c.estimate.maxCostUsd)})${c.estimate.note ? ` · ${c.estimate.note}` : ''}`,
        detail: `routing table: ${c.labels.join(', ')}${problems.length ? ` · ${problems.join(' · ')}` : ''}`,
        choice: { provider: c.provider, model: c.model, why: `chosen for this run from the model list (${providerDisplayName(c.provider)})` },
      });
      byProvider.set(c.provider, list);
    }
    const lm = await listLmModels();
    if (lm.length) {
      byProvider.set(LM_PROVIDER_ID, lm.map((m) => ({
        label: `${current.provider === LM_PROVIDER_ID && current.model === m.id ? '$(check) ' : ''}${m.name}`,
        description: `${m.vendor} · ${m.id} · billed to your Copilot plan, no per-token cost here${localOnlyRefuses(LM_PROVIDER_ID) ? ' · refused: local-only mode' : ''}`,
        detail: `~${tokens.toLocaleString('en-US')} input tokens of ${m.maxInputTokens.toLocaleString('en-US')} allowed`,
        choice: { provider: LM_PROVIDER_ID, model: m.id, why: `chosen for this run: VS Code language model ${m.name}` },
      })));
    }
    for (const [provider, list] of byProvider) {
      items.push({ label: providerDisplayName(provider), kind: vscode.QuickPickItemKind.Separator }, ...list);
    }
    items.push({ label: 'Other', kind: vscode.QuickPickItemKind.Separator });
    for (const p of ['openai', 'anthropic', 'google', 'openai-compatible']) {
      items.push({ label: `$(edit) Another ${providerDisplayName(p)} model id…`, custom: p });
    }
    const picked = await new Promise<Item | undefined>((resolve) => {
      const qp = vscode.window.createQuickPick<Item>();
      qp.title = `Choose the model for this audit (~${tokens.toLocaleString('en-US')} input tokens, output cap ${maxOut.toLocaleString('en-US')})`;
      qp.placeholder = 'est. = a typical answer; "at most" = the full output cap, which the budget caps check';
      qp.matchOnDescription = true;
      qp.matchOnDetail = true;
      qp.ignoreFocusOut = true;
      qp.items = items;
      // Start on the model the label routed to, so Enter keeps it.
      const start = items.find((i) => i.choice?.provider === current.provider && i.choice.model === current.model);
      if (start) qp.activeItems = [start];
      let done = false;
      qp.onDidAccept(() => {
        done = true;
        resolve(qp.selectedItems[0] ?? qp.activeItems[0]);
        qp.hide();
      });
      qp.onDidHide(() => {
        if (!done) resolve(undefined);
        qp.dispose();
      });
      qp.show();
    });
    if (!picked) return undefined;
    if (picked.custom) {
      const id = await vscode.window.showInputBox({
        title: `Model id for ${providerDisplayName(picked.custom)}`,
        prompt: 'As the provider spells it, e.g. gpt-5.4-2026-03-05, claude-sonnet-4-6, gemini-3.1-pro, qwen3-coder:30b',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() && !/\s/.test(v.trim()) ? undefined : 'Enter a model id without spaces'),
      });
      return id ? { provider: picked.custom, model: id.trim(), why: `chosen for this run: ${id.trim()}` } : undefined;
    }
    return picked.choice;
  }

  private async confirm(plan: AuditPlan, prepared: PreparedAudit, choice: ModelChoice, settings: AuditSettings): Promise<'send' | 'cancel' | 'model' | 'preview'> {
    const est = prepared.estimate;
    const paid = est.costUsd === null || est.costUsd > 0;
    const unknown = est.costUsd === null && paid;
    const above = est.costUsd !== null && est.costUsd > 0 && est.costUsd >= settings.confirmAboveUsd;
    if (!unknown && !above && settings.confirmAboveUsd > 0) return 'send';
    if (!paid) return 'send';
    const lines = [
      `Send ${plan.title} to ${choice.model} (${providerDisplayName(choice.provider)})?`,
      '',
      `~${est.inputTokens.toLocaleString('en-US')} input tokens; estimated ${formatUsd(est.costUsd)}, at most ${formatUsd(est.maxCostUsd)} with the full ${est.maxOutputTokens.toLocaleString('en-US')}-token answer.`,
      est.note ? `Note: ${est.note}.` : '',
      prepared.redactions.length ? `${prepared.redactions.length} secret${prepared.redactions.length === 1 ? '' : 's'} will be replaced by placeholders.` : '',
      prepared.excluded.length ? `Not sent: ${prepared.excluded.map((e) => e.path).join(', ')}.` : '',
      `Caps: ${settings.maxCostPerRunUsd > 0 ? formatUsd(settings.maxCostPerRunUsd) : 'none'} per run, ${settings.maxCostPerDayUsd > 0 ? formatUsd(settings.maxCostPerDayUsd) : 'none'} per day. (Asked because the estimate is ${unknown ? 'unknown' : `at or above ${formatUsd(settings.confirmAboveUsd)}, stakes.audit.confirmAboveUsd`}.)`,
    ].filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''));
    const pick = await vscode.window.showWarningMessage(lines[0], { modal: true, detail: lines.slice(2).join('\n') },
      'Send', 'Choose another model…', 'Show what will be sent');
    if (pick === 'Send') return 'send';
    if (pick === 'Choose another model…') return 'model';
    if (pick === 'Show what will be sent') return 'preview';
    return 'cancel';
  }

  // ---------------------------------------------------------------- preview

  private previewText(plan: AuditPlan, prepared: PreparedAudit, choice: ModelChoice, routing: Routing, settings: AuditSettings): string {
    const est = prepared.estimate;
    const head = [
      'WHAT STAKES WOULD SEND — nothing has been sent.',
      '',
      `Scope:     ${plan.title}`,
      `Provider:  ${providerDisplayName(choice.provider)}${choice.provider === 'openai-compatible' ? ` at ${settings.openaiCompatibleBaseUrl}` : ''}`,
      `Model:     ${choice.model} — ${choice.why}`,
      `Label:     ${routing.label} (${routing.why})`,
      `Estimate:  ~${est.inputTokens.toLocaleString('en-US')} input tokens, ${formatUsd(est.costUsd)} expected, at most ${formatUsd(est.maxCostUsd)}${est.note ? ` (${est.note})` : ''}`,
      `Local-only mode: ${settings.localOnly ? (isCloudProvider(choice.provider, { baseUrl: settings.openaiCompatibleBaseUrl }) ? 'ON — this provider would be refused' : 'on (this provider is local)') : 'off'}`,
      '',
      'Judged:',
      ...prepared.checked.map((c) => `  ${c.path}: ${c.detail}`),
      ...(prepared.excluded.length || plan.skipped.length ? ['Not sent:', ...[...plan.skipped.map((s) => ({ path: s.file, reason: s.reason })), ...prepared.excluded].map((e) => `  ${e.path}: ${e.reason}`)] : []),
      `Secrets replaced by placeholders: ${prepared.redactions.length}`,
      ...prepared.redactions.map((r) => `  ${r.file}:${r.line}  ${r.kind} → ${r.placeholder}`),
      '',
      'The exact text follows (API keys travel in request headers and are never part of it).',
      '',
      '',
    ];
    return `${head.join('\n')}${payloadText(prepared)}`;
  }

  private async showPreview(plan: AuditPlan, prepared: PreparedAudit, choice: ModelChoice, routing: Routing, settings: AuditSettings): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/What Stakes would send (${path.basename(plan.targets[0].path)}).txt`, query: String(Date.now()) });
    this.previews.set(uri.toString(), this.previewText(plan, prepared, choice, routing, settings));
    // Keep the last few: each holds a whole payload.
    for (const key of [...this.previews.keys()].slice(0, -5)) this.previews.delete(key);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  // ---------------------------------------------------------------- webview

  private stateMessage(): HostMessage {
    return {
      type: 'state',
      report: this.last?.report ?? null,
      scope: this.last?.scope ?? null,
      run: this.last?.run ?? null,
      suppressed: this.suppressed(),
      running: this.running ? `Auditing ${this.running.title}…` : undefined,
    };
  }

  private async onWebviewMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'reveal':
        return this.reveal(m.findingId);
      case 'copyFix':
        return this.copyFix(m.findingId);
      case 'applyFix':
        return this.applyFix(m.findingId);
      case 'suppress':
        return this.suppressFinding(m.findingId, m.suppressed);
      case 'export':
        return this.exportReport(m.format);
      case 'rerun':
        if (this.last) await this.guard(() => this.audit(this.last!.request, { choice: this.last!.choice }));
        return;
    }
  }

  private findInReport(id: string): Finding | undefined {
    return this.placed.get(id)?.finding ?? this.last?.report.unverified.find((f) => f.id === id) ?? this.last?.report.findings.find((f) => f.id === id);
  }

  private async copyFix(id: string): Promise<void> {
    const f = this.findInReport(id);
    if (!f?.fix) return;
    await vscode.env.clipboard.writeText(fixText(f.fix));
    vscode.window.setStatusBarMessage('Stakes: fix copied to the clipboard.', 4000);
  }

  private async reveal(id: string): Promise<void> {
    const p = this.placed.get(id);
    if (!p) throw new AuditUserError('This finding is no longer in the current results: re-run the audit.');
    const doc = await vscode.workspace.openTextDocument(p.uri);
    const now = this.diagnostics.rangeOf(id)?.range;
    let range = now;
    if (!range) {
      const anchor = new GroundingIndex(doc.getText()).locate(p.finding.evidence, p.finding.startLine);
      range = anchor ? new vscode.Range(anchor.startLine - 1, anchor.startColumn, anchor.endLine - 1, anchor.endColumn) : undefined;
    }
    if (!range) {
      void vscode.window.showWarningMessage('Stakes: the quoted code is no longer in the file; showing where it was.');
      range = new vscode.Range(p.finding.startLine - 1, 0, p.finding.startLine - 1, 0);
    }
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: this.editorColumn(p.uri), selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Open code next to the report, not on top of it. */
  private editorColumn(uri: vscode.Uri): vscode.ViewColumn {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    return visible?.viewColumn ?? vscode.ViewColumn.One;
  }

  private currentLine(p: PlacedFinding): number {
    return (this.diagnostics.rangeOf(p.id)?.range.start.line ?? p.finding.startLine - 1) + 1;
  }

  // ---------------------------------------------------------------- pickers

  private async pickScope(title: string, given?: unknown): Promise<ScopeRequest | undefined> {
    if (given === 'file' || given === 'selection') return planFromEditor(given);
    if (given === 'changes') return changesRequest();
    const editor = vscode.window.activeTextEditor;
    type Item = vscode.QuickPickItem & { make: () => ScopeRequest | Promise<ScopeRequest | undefined> };
    const items: Item[] = [];
    if (editor && !editor.selection.isEmpty) items.push({ label: '$(selection) Selection', description: vscode.workspace.asRelativePath(editor.document.uri), make: () => planFromEditor('selection') });
    if (editor) items.push({ label: '$(file-code) Current file', description: vscode.workspace.asRelativePath(editor.document.uri), make: () => planFromEditor('file') });
    items.push({ label: '$(git-commit) Uncommitted changes', make: () => changesRequest() });
    items.push({ label: '$(git-compare) Branch against base…', make: async () => { const b = await this.pickBase(); return b ? branchRequest(b) : undefined; } });
    const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
    return picked ? await picked.make() : undefined;
  }

  private async pickBase(): Promise<string | undefined> {
    const settings = readAuditSettings();
    const candidates = await baseCandidates(currentFolder(), settings.branchBase);
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
    qp.title = 'Audit this branch against which base?';
    qp.placeholder = 'A branch, tag or commit (type any ref); only changes since the merge base are judged';
    qp.ignoreFocusOut = true;
    const base = candidates.map((c, i) => ({ label: c, description: i === 0 && settings.branchBase === c ? 'stakes.audit.branchBase' : undefined }));
    qp.items = base;
    qp.onDidChangeValue((v) => {
      const t = v.trim();
      qp.items = t && !candidates.includes(t) ? [{ label: t, description: 'use this ref' }, ...base] : base;
    });
    return new Promise((resolve) => {
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.label ?? (qp.value.trim() || undefined));
        qp.hide();
      });
      qp.onDidHide(() => {
        resolve(undefined);
        qp.dispose();
      });
      qp.show();
    });
  }

  private async pickExportFormat(): Promise<ExportFormat | undefined> {
    const pick = await vscode.window.showQuickPick([
      { label: 'SARIF 2.1.0', description: 'for code scanning (GitHub, Azure DevOps, SARIF viewers)', format: 'sarif' as const },
      { label: 'Markdown', description: 'for a pull request or a ticket', format: 'markdown' as const },
    ], { title: 'Export the audit report as' });
    return pick?.format;
  }

  // ---------------------------------------------------------------- helpers

  private suppressed(): string[] {
    return this.context.workspaceState.get<string[]>(SUPPRESSED_KEY, []);
  }

  private warnIgnoredSettings(settings: AuditSettings): void {
    if (!settings.ignoredFromWorkspace.length || this.warnedIgnored) return;
    this.warnedIgnored = true;
    this.services.output.warn(`Untrusted workspace: ignoring ${settings.ignoredFromWorkspace.join(', ')} from the workspace settings.`);
    void vscode.window.showWarningMessage(
      `Stakes: this workspace is not trusted, so its settings ${settings.ignoredFromWorkspace.join(', ')} are ignored; your own settings apply.`,
      'Manage Workspace Trust', 'Open settings',
    ).then((b) => {
      if (b === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
      if (b === 'Open settings') void openAuditSettings();
    });
  }

  /** Run a command body; any failure becomes the actionable message, never an unhandled rejection. */
  private async guard(body: () => Promise<unknown>): Promise<void> {
    try {
      await body();
    } catch (e) {
      this.lastError = showAuditError(e, {
        setApiKey: (p) => setApiKeyCommand(this.context.secrets, p),
        showOutput: () => this.services.output.show(true),
      }, this.services.output);
    }
  }

  dispose(): void {
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

/** Every finding gets an id (the core sets them; older cached reports may not have). */
function withIds(report: AuditReport): AuditReport {
  return {
    ...report,
    findings: report.findings.map((f, i) => ({ ...f, id: f.id ?? viewFindingId(f, i) })),
    unverified: report.unverified.map((f, i) => ({ ...f, id: f.id ?? `unverified:${viewFindingId(f, i)}` })),
  };
}

function summaryLine(report: AuditReport, cached: boolean): string {
  const n = report.findings.length;
  const bySev = ['critical', 'high', 'medium', 'low', 'info']
    .map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`).join(', ');
  const cost = cached ? 'from cache, no call made' : formatUsd(report.usage.costUsd);
  return `${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${bySev})`}${report.unverified.length ? `, ${report.unverified.length} unverified` : ''} · ${cost}`;
}

/** stakes.audit.pricing (restricted: user settings only in an untrusted workspace), validated loosely. */
function readPricing(): PricingTable {
  const cfg = vscode.workspace.getConfiguration('stakes.audit');
  const info = cfg.inspect<Record<string, unknown>>('pricing');
  const raw = vscode.workspace.isTrusted ? cfg.get<Record<string, unknown>>('pricing', {}) : (info?.globalValue ?? {});
  const out: PricingTable = {};
  for (const [model, v] of Object.entries(raw ?? {})) {
    const p = v as { input?: unknown; cachedInput?: unknown; output?: unknown };
    if (typeof p?.input === 'number' && typeof p.output === 'number' && p.input >= 0 && p.output >= 0) {
      out[model] = { input: p.input, output: p.output, cachedInput: typeof p.cachedInput === 'number' && p.cachedInput >= 0 ? p.cachedInput : p.input };
    }
  }
  return out;
}

let host: AuditHost | undefined;

/** Entry point used by register.ts through loadFeature('audit'). */
export function getAuditHost(context: vscode.ExtensionContext, services: Services): AuditHost {
  if (!host) {
    host = new AuditHost(context, services);
    context.subscriptions.push(host);
  }
  return host;
}
