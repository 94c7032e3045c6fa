/**
 * Which model an audit uses in the editor: the core's routing decision (core/audit/route.ts) over
 * the editor's labels, the model quick pick with each model's estimated cost, the confirmation
 * before a paid call, and the check that the provider has a key.
 */
import * as vscode from 'vscode';
import { formatUsd, modelChoices } from '../../core/audit/cost';
import { auditLabel, chooseAuditModel, type AuditLabel, type AuditModel, type LabelledCode } from '../../core/audit/route';
import type { PreparedAudit } from '../../core/audit/types';
import { isCloudProvider, providerDisplayName } from '../../core/providers/registry';
import { ProviderError } from '../../core/providers/types';
import type { Services } from '../services';
import { getApiKey, isKeyedProvider, PROVIDER_NAMES } from './apiKeys';
import { listLmModels, LM_PROVIDER_ID } from './lmProvider';
import { readPricing, type AuditSettings } from './settings';
import type { AuditPlan } from './targets';

export type Confirmation = 'send' | 'cancel' | 'model' | 'preview';

export class ModelPicker {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly services: Services) {}

  /** The label that routes the model: the editor's labels of the audited documents, combined by the core. */
  route(plan: AuditPlan): AuditLabel {
    const labelled: LabelledCode[] = [];
    for (const { document, range } of plan.classifyOn) {
      try {
        labelled.push({ where: vscode.workspace.asRelativePath(document.uri), classification: this.services.classifyDocument(document, range) });
      } catch (e) {
        this.services.output.warn(`Could not label ${document.uri.fsPath}: ${(e as Error).message}`);
      }
    }
    return auditLabel(labelled);
  }

  /** The routed model for the label on stakes.audit.provider (stakes.audit.model pins one). */
  async routed(settings: AuditSettings, routing: AuditLabel): Promise<AuditModel> {
    const offered = settings.provider === LM_PROVIDER_ID && !settings.model ? await listLmModels() : undefined;
    if (offered && offered.length === 0) {
      throw new ProviderError('config', LM_PROVIDER_ID,
        'No VS Code language model is available: install GitHub Copilot Chat and sign in, or choose another provider in stakes.audit.provider.');
    }
    return chooseAuditModel({
      config: this.services.config(), label: routing.label, provider: settings.provider, model: settings.model || undefined,
      knobs: { provider: 'stakes.audit.provider', model: 'stakes.audit.model' }, offered,
    });
  }

  /** No point weighing the cost of a call that cannot be made: a keyed provider needs its key. */
  async requireKey(provider: string, settings: AuditSettings): Promise<void> {
    if (!isKeyedProvider(provider) || provider === 'openai-compatible') return;
    if (settings.localOnly) return; // runAudit refuses with the local-only message, which is the one that matters
    if (await getApiKey(this.secrets, provider)) return;
    throw new ProviderError('auth', provider,
      `No ${PROVIDER_NAMES[provider]} API key is stored. Set one with "Stakes: Set API key…" (kept in your OS keychain), ` +
      'or choose another provider (stakes.audit.provider), e.g. vscode-lm for GitHub Copilot or a local OpenAI-compatible server.');
  }

  /** Every configured model with its estimated cost for this payload; starts on the current one. */
  async pick(prepared: PreparedAudit, settings: AuditSettings, current: AuditModel): Promise<AuditModel | undefined> {
    type Item = vscode.QuickPickItem & { choice?: AuditModel; custom?: string };
    const tokens = prepared.estimate.inputTokens;
    const maxOut = prepared.estimate.maxOutputTokens;
    const items: Item[] = [];
    const byProvider = new Map<string, Item[]>();
    const keyState = new Map<string, boolean>();
    for (const p of ['openai', 'anthropic', 'google']) keyState.set(p, (await getApiKey(this.secrets, p)) !== undefined);
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
        choice: { provider: c.provider, model: c.model, why: `chosen for this run from the model list (${providerDisplayName(c.provider)})`, routed: false },
      });
      byProvider.set(c.provider, list);
    }
    const lm = await listLmModels();
    if (lm.length) {
      byProvider.set(LM_PROVIDER_ID, lm.map((m) => ({
        label: `${current.provider === LM_PROVIDER_ID && current.model === m.id ? '$(check) ' : ''}${m.name}`,
        description: `${m.vendor} · ${m.id} · billed to your Copilot plan, no per-token cost here${localOnlyRefuses(LM_PROVIDER_ID) ? ' · refused: local-only mode' : ''}`,
        detail: `~${tokens.toLocaleString('en-US')} input tokens of ${m.maxInputTokens.toLocaleString('en-US')} allowed`,
        choice: { provider: LM_PROVIDER_ID, model: m.id, why: `chosen for this run: VS Code language model ${m.name}`, routed: false },
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
      return id ? { provider: picked.custom, model: id.trim(), why: `chosen for this run: ${id.trim()}`, routed: false } : undefined;
    }
    return picked.choice;
  }

  /** Ask before sending when the estimate is above stakes.audit.confirmAboveUsd (or unknown for a paid provider). */
  async confirm(plan: AuditPlan, prepared: PreparedAudit, choice: AuditModel, settings: AuditSettings): Promise<Confirmation> {
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
}
