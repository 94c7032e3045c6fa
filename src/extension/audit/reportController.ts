/**
 * The audit report's actions, from its webview and from commands: reveal a finding in the code,
 * copy or apply its fix, mark it as a false positive, export the report, clear it. The webview only
 * names findings by id (protocol/auditReport.ts); each is looked up in the report store.
 */
import * as vscode from 'vscode';
import { GroundingIndex } from '../../core/audit/grounding';
import type { HostMessage, WebviewMessage } from '../../protocol/auditReport';
import { AuditUserError, type AuditErrors } from './errors';
import { exportReport } from './export';
import { buildFixEdit, fixText } from './fixes';
import { pickExportFormat } from './pickers';
import { ReportPanel } from './reportPanel';
import type { ReportStore } from './reportStore';

export class ReportController implements vscode.Disposable {
  readonly panel: ReportPanel;

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: ReportStore,
    private readonly errors: AuditErrors,
    log: vscode.LogOutputChannel,
    /** What is being audited now, if anything; and how to re-run the report's audit. */
    private readonly runs: { running(): string | undefined; rerun(): Promise<void> },
  ) {
    this.panel = new ReportPanel(extensionUri, () => this.stateMessage(), (m) => this.onWebviewMessage(m), log);
  }

  /** Quick fix from the report or a command: edit computed on the document as it is now. */
  applyFix(id: unknown): Promise<void> {
    return this.errors.guard(async () => {
      const p = typeof id === 'string' ? this.store.placedFinding(id) : undefined;
      if (!p) throw new AuditUserError('This finding is no longer in the current results: re-run the audit.');
      const doc = await vscode.workspace.openTextDocument(p.uri);
      const edit = buildFixEdit(doc, p.finding, this.store.currentLine(p));
      if (typeof edit === 'string') throw new AuditUserError(edit, [{ title: 'Copy fix', run: () => this.copyFix(p.id) }]);
      if (!(await vscode.workspace.applyEdit(edit))) throw new AuditUserError('VS Code refused the edit (the file may be read-only).');
      await this.fixApplied(p.id);
      await vscode.window.showTextDocument(doc, { preserveFocus: false, viewColumn: editorColumn(doc.uri) });
    });
  }

  /** Runs after a quick fix's edit: the diagnostic goes, the finding stays in the report. */
  async fixApplied(id: unknown): Promise<void> {
    if (typeof id !== 'string') return;
    this.store.diagnostics.remove(id);
    vscode.window.setStatusBarMessage('Stakes: fix applied. Review it; Undo reverts it. Re-run the audit to check the new code.', 6000);
  }

  revealFinding(id: unknown): void {
    if (typeof id === 'string') this.panel.focus(id);
  }

  async suppressFinding(id: unknown, suppressed = true): Promise<void> {
    if (typeof id !== 'string') return;
    await this.store.setSuppressed(id, suppressed);
    if (suppressed) {
      void vscode.window.showInformationMessage('Stakes: marked as a false positive; it stays hidden in later audits of this workspace.', 'Undo')
        .then((undo) => (undo ? this.suppressFinding(id, false) : undefined));
    }
  }

  /** `format` and `target` (a Uri) skip the pickers (automation, tests). */
  exportReport(format?: unknown, target?: unknown): Promise<void> {
    return this.errors.guard(async () => {
      const last = this.store.last;
      if (!last) throw new AuditUserError('There is no audit report to export yet: run an audit first.');
      const f = format === 'sarif' || format === 'markdown' ? format : await pickExportFormat();
      if (!f) return;
      const saved = await exportReport(f, last.report, this.store.lastRun, last.scope, this.store.suppressed(),
        target instanceof vscode.Uri ? target : undefined);
      if (saved) {
        void vscode.window.showInformationMessage(`Stakes: report saved to ${vscode.workspace.asRelativePath(saved)}.`, 'Open')
          .then((open) => (open ? vscode.window.showTextDocument(saved) : undefined));
      }
    });
  }

  private stateMessage(): HostMessage {
    const last = this.store.last;
    const running = this.runs.running();
    return {
      type: 'state',
      report: last?.report ?? null,
      scope: last?.scope ?? null,
      run: last?.run ?? null,
      suppressed: this.store.suppressed(),
      running: running ? `Auditing ${running}…` : undefined,
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
        return this.runs.rerun();
    }
  }

  private async copyFix(id: string): Promise<void> {
    const f = this.store.find(id);
    if (!f?.fix) return;
    await vscode.env.clipboard.writeText(fixText(f.fix));
    vscode.window.setStatusBarMessage('Stakes: fix copied to the clipboard.', 4000);
  }

  private async reveal(id: string): Promise<void> {
    const p = this.store.placedFinding(id);
    if (!p) throw new AuditUserError('This finding is no longer in the current results: re-run the audit.');
    const doc = await vscode.workspace.openTextDocument(p.uri);
    let range = this.store.diagnostics.rangeOf(id)?.range;
    if (!range) {
      const anchor = new GroundingIndex(doc.getText()).locate(p.finding.evidence, p.finding.startLine);
      range = anchor ? new vscode.Range(anchor.startLine - 1, anchor.startColumn, anchor.endLine - 1, anchor.endColumn) : undefined;
    }
    if (!range) {
      void vscode.window.showWarningMessage('Stakes: the quoted code is no longer in the file; showing where it was.');
      range = new vscode.Range(p.finding.startLine - 1, 0, p.finding.startLine - 1, 0);
    }
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: editorColumn(p.uri), selection: range, preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/** Open code next to the report, not on top of it. */
function editorColumn(uri: vscode.Uri): vscode.ViewColumn {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  return visible?.viewColumn ?? vscode.ViewColumn.One;
}
