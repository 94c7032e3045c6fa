/**
 * The "SQL plan" webview panel: one panel, reused for every explain. Strict CSP with a nonce, only
 * media/ as a resource root, no command URIs; every message from the webview is validated with
 * zod before anything happens.
 */
import * as vscode from 'vscode';
import { PlanViewInbound, type PlanViewOutbound } from '../../protocol/planView';
import { webviewHtml } from '../webviewHtml';

export type InboundHandler = (msg: PlanViewInbound) => void | Promise<void>;

export class PlanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private last: PlanViewOutbound | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: InboundHandler,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get visible(): boolean {
    return !!this.panel;
  }

  /** The last state sent to the view (what it shows now). */
  get lastMessage(): PlanViewOutbound | undefined {
    return this.last;
  }

  /** Shows (or updates) the panel without taking focus from the editor. */
  post(msg: PlanViewOutbound): void {
    this.last = msg;
    const panel = this.ensure();
    void panel.webview.postMessage(msg);
  }

  private ensure(): vscode.WebviewPanel {
    if (this.panel) {
      if (!this.panel.visible) this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return this.panel;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('stakes.sqlPlan', 'SQL plan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      enableFindWidget: true,
      retainContextWhenHidden: false,
      localResourceRoots: [media],
    });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'planView.js', style: 'planView.css', title: 'SQL plan', placeholder: 'Loading the plan view…' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = PlanViewInbound.safeParse(raw);
        if (!parsed.success) {
          this.log.warn(`SQL plan view: ignored an invalid message from the webview: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
          return;
        }
        if (parsed.data.type === 'ready') {
          // The webview (re)loaded: send it the current state again.
          if (this.last) void panel.webview.postMessage(this.last);
          return;
        }
        Promise.resolve(this.onMessage(parsed.data)).catch((err: unknown) => {
          this.log.error(`SQL plan view action "${parsed.data.type}" failed: ${(err as Error)?.stack ?? String(err)}`);
          void vscode.window.showErrorMessage(`Stakes: ${(err as Error)?.message ?? String(err)}`);
        });
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.disposables) d.dispose();
        this.disposables.length = 0;
      }),
    );
    this.panel = panel;
    return panel;
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
