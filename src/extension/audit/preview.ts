/**
 * "Show what will be sent": the exact redacted payload of an audit, with the scope, model, label,
 * estimate and what was left out, in a read-only virtual document. Nothing is sent.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../core/audit/cost';
import { payloadText } from '../../core/audit/pipeline';
import type { AuditLabel, AuditModel } from '../../core/audit/route';
import type { PreparedAudit } from '../../core/audit/types';
import { isCloudProvider, providerDisplayName } from '../../core/providers/registry';
import type { AuditSettings } from './settings';
import type { AuditPlan } from './targets';

const PREVIEW_SCHEME = 'stakes-audit-preview';
/** Each preview holds a whole payload: keep the last few. */
const KEEP = 5;

export class AuditPreview implements vscode.Disposable {
  private readonly previews = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
    onDidChange: this.changed.event,
    provideTextDocumentContent: (uri) => this.previews.get(uri.toString()) ?? 'This preview is no longer available: run "Stakes: Show what will be sent" again.',
  });

  async show(plan: AuditPlan, prepared: PreparedAudit, choice: AuditModel, routing: AuditLabel, settings: AuditSettings): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/What Stakes would send (${path.basename(plan.targets[0].path)}).txt`, query: String(Date.now()) });
    this.previews.set(uri.toString(), previewText(plan, prepared, choice, routing, settings));
    for (const key of [...this.previews.keys()].slice(0, -KEEP)) this.previews.delete(key);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

function previewText(plan: AuditPlan, prepared: PreparedAudit, choice: AuditModel, routing: AuditLabel, settings: AuditSettings): string {
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
