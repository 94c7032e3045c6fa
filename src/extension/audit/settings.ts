/**
 * The stakes.audit.* settings, read with workspace trust in mind: in an untrusted workspace a
 * cloned repository's .vscode/settings.json must not pick where code (and the API key) goes, lift
 * the budget or un-exclude .env files. Those keys are declared in restrictedConfigurations and read
 * here from the user's own (global) settings only; exclusions and local-only may only get stricter.
 */
import * as vscode from 'vscode';
import { DEFAULT_AUDIT_PROVIDER, PROVIDERS, type ProviderId } from '../../core/routing/defaults';
import type { PricingTable } from '../../core/audit/types';
import { excludeValue, localOnlyValue, restrictedValue } from './trustRules';

export interface AuditSettings {
  provider: ProviderId;
  /** Explicit model id, or '' to route by label. */
  model: string;
  openaiCompatibleBaseUrl: string;
  googleApiVersion: 'v1' | 'v1beta';
  localOnly: boolean;
  exclude: string[];
  maxCostPerRunUsd: number;
  maxCostPerDayUsd: number;
  confirmAboveUsd: number;
  timeoutSeconds: number;
  maxRetries: number;
  branchBase: string;
  /** Settings that came from the workspace and were ignored because it is not trusted. */
  ignoredFromWorkspace: string[];
}

const SECTION = 'stakes.audit';

/** The value of a restricted key: any level when trusted, the user's own level otherwise. */
function restricted<T>(cfg: vscode.WorkspaceConfiguration, key: string, fallback: T, ignored: string[]): T {
  const info = cfg.inspect<T>(key);
  if (!info) return fallback;
  const { value, ignoredWorkspace } = restrictedValue(info, vscode.workspace.isTrusted);
  if (ignoredWorkspace) ignored.push(`${SECTION}.${key}`);
  return value ?? fallback;
}

function isProvider(v: unknown): v is ProviderId {
  return typeof v === 'string' && (PROVIDERS as readonly string[]).includes(v);
}

function finiteOr(v: unknown, fallback: number, min = 0): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
}

export function readAuditSettings(): AuditSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const ignored: string[] = [];
  const provider = restricted<string>(cfg, 'provider', DEFAULT_AUDIT_PROVIDER, ignored);
  const model = restricted<string>(cfg, 'model', '', ignored);
  const baseUrl = restricted<string>(cfg, 'openaiCompatible.baseUrl', 'http://127.0.0.1:11434/v1', ignored);
  const apiVersion = restricted<string>(cfg, 'google.apiVersion', 'v1', ignored);

  // local-only may only get stricter, exclusions may only grow (see trustRules.ts).
  const localOnly = localOnlyValue(cfg.inspect<boolean>('localOnly') ?? {}, vscode.workspace.isTrusted);
  const exclude = excludeValue(cfg.inspect<unknown>('exclude') ?? {}, vscode.workspace.isTrusted);

  const perRun = restricted<number>(cfg, 'maxCostPerRunUsd', 0.5, ignored);
  const perDay = restricted<number>(cfg, 'maxCostPerDayUsd', 5, ignored);
  const confirm = restricted<number>(cfg, 'confirmAboveUsd', 0.05, ignored);

  return {
    provider: isProvider(provider) ? provider : DEFAULT_AUDIT_PROVIDER,
    model: typeof model === 'string' ? model.trim() : '',
    openaiCompatibleBaseUrl: typeof baseUrl === 'string' && baseUrl.trim() ? baseUrl.trim() : 'http://127.0.0.1:11434/v1',
    googleApiVersion: apiVersion === 'v1beta' ? 'v1beta' : 'v1',
    localOnly,
    exclude,
    maxCostPerRunUsd: finiteOr(perRun, 0.5),
    maxCostPerDayUsd: finiteOr(perDay, 5),
    confirmAboveUsd: finiteOr(confirm, 0.05),
    timeoutSeconds: finiteOr(cfg.get('timeoutSeconds'), 180, 5),
    maxRetries: Math.floor(finiteOr(cfg.get('maxRetries'), 2)),
    branchBase: String(cfg.get('branchBase') ?? '').trim(),
    ignoredFromWorkspace: ignored,
  };
}

/** Open the Settings UI on the audit settings (optionally one key). */
export function openAuditSettings(key?: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', key ? `${SECTION}.${key}` : `@ext:stakes-dev.stakes ${SECTION}`);
}

/** stakes.audit.pricing (restricted: user settings only in an untrusted workspace), validated loosely. */
export function readPricing(): PricingTable {
  const cfg = vscode.workspace.getConfiguration(SECTION);
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

let warnedIgnored = false;

/** Once per session: say which workspace settings an untrusted workspace had ignored, with the way out. */
export function warnIgnoredSettings(settings: AuditSettings, log: vscode.LogOutputChannel): void {
  if (!settings.ignoredFromWorkspace.length || warnedIgnored) return;
  warnedIgnored = true;
  log.warn(`Untrusted workspace: ignoring ${settings.ignoredFromWorkspace.join(', ')} from the workspace settings.`);
  void vscode.window.showWarningMessage(
    `Stakes: this workspace is not trusted, so its settings ${settings.ignoredFromWorkspace.join(', ')} are ignored; your own settings apply.`,
    'Manage Workspace Trust', 'Open settings',
  ).then((b) => {
    if (b === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
    if (b === 'Open settings') void openAuditSettings();
  });
}
