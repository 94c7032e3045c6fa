/**
 * The HTML shell every Stakes webview uses: a strict Content-Security-Policy (nothing but the
 * extension's media/ and one nonce'd script), the view's script and stylesheet from media/, and an
 * empty live region the script renders into. No external resources, ever.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewShell {
  /** File names in media/, e.g. 'planView.js' and 'planView.css'. */
  script: string;
  style: string;
  title: string;
  /** Shown until the script renders (plain text). */
  placeholder?: string;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: WebviewShell): string {
  const nonce = randomBytes(18).toString('base64').replace(/[^a-zA-Z0-9]/g, '');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, shell.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, shell.style));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const placeholder = shell.placeholder ? `<p>${escapeHtml(shell.placeholder)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(shell.title)}</title>
</head>
<body>
<main id="root" aria-live="polite">${placeholder}</main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
