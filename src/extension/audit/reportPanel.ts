/**
 * The audit report webview panel: strict CSP with a nonce, scripts and styles only from media/,
 * no command URIs, and every inbound message validated before anything acts on it.
 */
import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol/auditReport';
import { webviewHtml } from '../webviewHtml';

export const REPORT_VIEW_TYPE = 'stakes.auditReport';

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queued: HostMessage[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: () => HostMessage,
    private readonly onMessage: (message: WebviewMessage) => Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Open (or reveal) the panel beside the editor. */
  show(preserveFocus = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      this.post(this.state());
      return;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Stakes audit', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, this.options());
    this.attach(panel);
  }

  /** Take over a panel VS Code restored after a reload. */
  attach(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'auditReport.js', style: 'auditReport.css', title: 'Stakes audit' });
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.queued = [];
      }
    });
  }

  /** Push the current state (after a run, a suppression, a fix). */
  refresh(): void {
    if (this.panel) this.post(this.state());
  }

  focus(findingId: string): void {
    this.show(false);
    this.post({ type: 'focus', findingId });
  }

  private post(message: HostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      // The page posts 'ready' once its listener is installed; the latest state then goes first.
      this.queued = message.type === 'state' ? [message, ...this.queued.filter((m) => m.type !== 'state')] : [...this.queued, message];
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`Audit report: ignored an invalid message from the webview (${parsed.reason}).`);
      return;
    }
    if (parsed.message.type === 'ready') {
      this.ready = true;
      const pending = this.queued;
      this.queued = [];
      void this.panel?.webview.postMessage(this.state());
      for (const m of pending) if (m.type !== 'state') void this.panel?.webview.postMessage(m);
      return;
    }
    try {
      await this.onMessage(parsed.message);
    } catch (e) {
      this.log.error(`Audit report: ${parsed.message.type} failed: ${(e as Error)?.message ?? String(e)}`);
      void vscode.window.showErrorMessage(`Stakes: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
      enableFindWidget: true,
    };
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
