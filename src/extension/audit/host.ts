/**
 * The audit feature's heavy half (bundled as dist/audit.js, loaded on first use by register.ts).
 * AuditHost only assembles the parts and gives each command its entry point:
 *   run.ts              one audit: plan, routing, confirmation, progress, into the report store
 *   modelPicker.ts      which model (the core's routing decision), the model quick pick, the confirmation
 *   preview.ts          "Show what will be sent"
 *   reportStore.ts      the last report, persisted, published to the Problems panel
 *   reportController.ts the report's actions from its webview and from commands
 *   pickers.ts          scope, branch base and export format quick picks
 * Provider calls, caching, budgets, redaction and grounding are the core's.
 */
import * as vscode from 'vscode';
import type { AuditReport } from '../../core/audit/findings';
import { registerProvider } from '../../core/providers/registry';
import type { ReportScope } from '../../protocol/auditReport';
import type { Services } from '../services';
import { PROVIDER_NAMES } from './apiKeys';
import { AuditCodeActions } from './diagnostics';
import { AuditErrors, type ShownError } from './errors';
import { buildFixEdit } from './fixes';
import { LmProvider, LM_PROVIDER_ID } from './lmProvider';
import { ModelPicker } from './modelPicker';
import { pickBase, pickScope } from './pickers';
import { AuditPreview } from './preview';
import { ReportController } from './reportController';
import { ReportStore } from './reportStore';
import { AuditRunner } from './run';
import { branchRequest, changesRequest, planFromEditor } from './targets';

export class AuditHost implements vscode.Disposable {
  private readonly errors: AuditErrors;
  private readonly store: ReportStore;
  private readonly report: ReportController;
  private readonly runner: AuditRunner;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext, services: Services) {
    registerProvider(LM_PROVIDER_ID, () => new LmProvider(context.languageModelAccessInformation), {
      displayName: PROVIDER_NAMES['vscode-lm'], cloud: true,
    });
    this.errors = new AuditErrors(context.secrets, services.output);
    this.store = new ReportStore(context.workspaceState, () => this.report.panel.refresh());
    this.report = new ReportController(context.extensionUri, this.store, this.errors, services.output, {
      running: () => this.runner.running,
      rerun: async () => {
        const last = this.store.last;
        if (last) await this.errors.guard(() => this.runner.audit(last.request, { choice: last.choice }));
      },
    });
    const preview = new AuditPreview();
    this.runner = new AuditRunner({
      context, services, store: this.store, panel: this.report.panel, errors: this.errors, preview,
      picker: new ModelPicker(context.secrets, services),
    });
    const { diagnostics } = this.store;
    this.disposables.push(
      this.store,
      this.report,
      preview,
      vscode.languages.registerCodeActionsProvider(
        [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }],
        new AuditCodeActions(diagnostics, (id) => this.store.placedFinding(id), (doc, p) => buildFixEdit(doc, p.finding, this.store.currentLine(p))),
        { providedCodeActionKinds: AuditCodeActions.kinds },
      ),
    );
    void this.store.restore();
  }

  auditFile(): Promise<void> {
    return this.errors.guard(() => this.runner.audit(planFromEditor('file')));
  }

  auditSelection(): Promise<void> {
    return this.errors.guard(() => this.runner.audit(planFromEditor('selection')));
  }

  /**
   * From the Source Control title bar the argument is that repository's SourceControl (its rootUri
   * picks the repository); from the review debt view, `{ folder, files }`: only those files.
   */
  auditChanges(from?: unknown): Promise<void> {
    const arg = from as { rootUri?: unknown; folder?: unknown; files?: unknown } | undefined;
    const root = arg?.rootUri instanceof vscode.Uri ? arg.rootUri : arg?.folder instanceof vscode.Uri ? arg.folder : undefined;
    return this.errors.guard(() => this.runner.audit(changesRequest(root, stringList(arg?.files))));
  }

  /** `base`: a ref, or from the review debt view `{ folder, base, label, files }` (the debt's merge base and files). */
  auditBranch(base?: unknown): Promise<void> {
    return this.errors.guard(async () => {
      if (base && typeof base === 'object') {
        const b = base as { folder?: unknown; base?: unknown; label?: unknown; files?: unknown };
        if (typeof b.base !== 'string' || !b.base.trim()) return;
        await this.runner.audit(branchRequest(b.base.trim(), {
          ...(b.folder instanceof vscode.Uri ? { folder: b.folder } : {}),
          ...(typeof b.label === 'string' ? { label: b.label } : {}),
          files: stringList(b.files),
        }));
        return;
      }
      const ref = typeof base === 'string' && base.trim() ? base.trim() : await pickBase();
      if (ref) await this.runner.audit(branchRequest(ref));
    });
  }

  auditWithModel(scope?: unknown): Promise<void> {
    return this.errors.guard(async () => {
      const request = await pickScope('Audit what, with a model you choose?', scope);
      if (request) await this.runner.audit(request, { chooseModel: true });
    });
  }

  /** `scope` ('file' | 'selection' | 'changes') skips the scope picker (keybindings, tests). */
  preview(scope?: unknown): Promise<void> {
    return this.errors.guard(async () => {
      const request = await pickScope('Show what would be sent for…', scope);
      if (request) await this.runner.preview(request);
    });
  }

  openReport(): void {
    this.report.panel.show(false);
  }

  exportReport(format?: unknown, target?: unknown): Promise<void> {
    return this.report.exportReport(format, target);
  }

  clearFindings(): void {
    this.store.clear();
  }

  applyFix(id: unknown): Promise<void> {
    return this.report.applyFix(id);
  }

  fixApplied(id: unknown): Promise<void> {
    return this.report.fixApplied(id);
  }

  revealFinding(id: unknown): void {
    this.report.revealFinding(id);
  }

  suppressFinding(id: unknown, suppressed = true): Promise<void> {
    return this.report.suppressFinding(id, suppressed);
  }

  /** For the extension-host tests (registered only when STAKES_UNDER_TEST is set): what the report holds now. */
  testState(): { report: AuditReport | null; scope: ReportScope | null; cached: boolean | null; error: ShownError | null; suppressed: string[]; running: boolean; panelVisible: boolean } {
    const last = this.store.last;
    return {
      report: last?.report ?? null, scope: last?.scope ?? null, cached: last?.run.cached ?? null,
      error: this.errors.last ?? null, suppressed: this.store.suppressed(), running: this.runner.running !== undefined, panelVisible: this.report.panel.visible,
    };
  }

  /** What the progress notification's Cancel does (also used when a second audit is asked to replace the first). */
  cancelRunning(): void {
    this.runner.cancel();
  }

  restorePanel(panel: vscode.WebviewPanel): void {
    this.report.panel.attach(panel);
  }

  dispose(): void {
    this.runner.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
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
