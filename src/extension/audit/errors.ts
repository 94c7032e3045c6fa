/**
 * Every audit failure shown as the core's actionable message with buttons that do the next step
 * (set the key, open the setting, pick another model, retry, open the raw response). Never a stack.
 */
import * as vscode from 'vscode';
import { ConfigError } from '../../core/routing/config';
import { ProviderError } from '../../core/providers/types';
import { isKeyedProvider, setApiKeyCommand } from './apiKeys';
import { GitScopeError } from './gitDiff';
import { openAuditSettings } from './settings';

/** A problem with what the user asked for (no editor, empty selection…): shown as a warning, not an error. */
export class AuditUserError extends Error {
  constructor(message: string, readonly buttons: ErrorButton[] = []) {
    super(message);
    this.name = 'AuditUserError';
  }
}

export interface ErrorButton {
  title: string;
  run: () => unknown;
}

export interface ErrorActions {
  retry?: () => unknown;
  chooseModel?: () => unknown;
  setApiKey: (provider: string) => unknown;
  showOutput: () => unknown;
}

function settingFor(e: ProviderError): string | undefined {
  switch (e.kind) {
    case 'budget': return /day/i.test(e.message) ? 'maxCostPerDayUsd' : 'maxCostPerRunUsd';
    case 'local-only': return 'localOnly';
    case 'timeout': return 'timeoutSeconds';
    case 'unknown-model': return 'model';
    case 'network': return e.provider === 'openai-compatible' ? 'openaiCompatible.baseUrl' : undefined;
    case 'config':
      if (/exclusion glob/.test(e.message)) return 'exclude';
      if (e.provider === 'openai-compatible') return 'openaiCompatible.baseUrl';
      return e.provider === 'stakes' ? undefined : 'provider';
    default: return undefined;
  }
}

function buttonsFor(e: ProviderError, actions: ErrorActions): ErrorButton[] {
  const b: ErrorButton[] = [];
  const setting = settingFor(e);
  switch (e.kind) {
    case 'auth':
      if (isKeyedProvider(e.provider)) b.push({ title: 'Set API key', run: () => actions.setApiKey(e.provider) });
      break;
    case 'unknown-model':
      if (actions.chooseModel) b.push({ title: 'Choose another model…', run: actions.chooseModel });
      break;
    case 'rate-limit':
    case 'server':
    case 'timeout':
    case 'network':
      if (actions.retry) b.push({ title: 'Retry', run: actions.retry });
      if (e.kind !== 'timeout' && actions.chooseModel) b.push({ title: 'Choose another model…', run: actions.chooseModel });
      break;
    case 'invalid-output':
      if (e.rawResponsePath) {
        const p = e.rawResponsePath;
        b.push({ title: 'Open raw response', run: () => vscode.window.showTextDocument(vscode.Uri.file(p)) });
      }
      if (actions.retry) b.push({ title: 'Retry', run: actions.retry });
      break;
    case 'budget':
    case 'local-only':
      if (actions.chooseModel) b.push({ title: 'Choose another model…', run: actions.chooseModel });
      break;
    default:
      break;
  }
  if (setting) b.push({ title: 'Open settings', run: () => openAuditSettings(setting) });
  b.push({ title: 'Show log', run: actions.showOutput });
  return b.slice(0, 4);
}

/** What was shown, for the log and the extension-host tests. */
export interface ShownError {
  kind: string;
  message: string;
  buttons: string[];
}

/**
 * Show an audit failure. Cancellation is reported quietly; anything unexpected gets a plain message
 * and the log. Returns once the message is up (a button's action runs when it is clicked), so a
 * command never waits on a notification nobody dismisses.
 */
export function showAuditError(e: unknown, actions: ErrorActions, log: vscode.LogOutputChannel): ShownError {
  let message: string;
  let buttons: ErrorButton[];
  let level: 'error' | 'warning' | 'info' = 'error';
  let kind = 'internal';
  if (e instanceof ProviderError) {
    log.error(`Audit failed (${e.provider}, ${e.kind}${e.status ? `, HTTP ${e.status}` : ''}): ${e.message}`);
    kind = e.kind;
    if (e.kind === 'aborted') {
      void vscode.window.setStatusBarMessage('Stakes: audit cancelled; nothing was saved.', 4000);
      return { kind, message: e.message, buttons: [] };
    }
    message = e.message;
    buttons = buttonsFor(e, actions);
    if (e.kind === 'budget' || e.kind === 'local-only') level = 'warning';
  } else if (e instanceof AuditUserError) {
    log.info(`Audit not started: ${e.message}`);
    message = e.message;
    buttons = e.buttons;
    level = 'warning';
    kind = 'user';
  } else if (e instanceof GitScopeError) {
    kind = 'git';
    log.warn(`Audit scope: ${e.message}`);
    message = e.message;
    buttons = [{ title: 'Show log', run: actions.showOutput }];
    level = 'warning';
  } else if (e instanceof ConfigError) {
    kind = 'config';
    log.error(e.message);
    message = `${e.message}`;
    // e.g. the routed model is in excludeModels: another model for this run is the quickest way on.
    buttons = [
      ...(actions.chooseModel ? [{ title: 'Choose another model…', run: actions.chooseModel }] : []),
      { title: 'Open routing table', run: () => vscode.commands.executeCommand('stakes.openRoutingTable') },
      { title: 'Show log', run: actions.showOutput },
    ];
  } else {
    const err = e instanceof Error ? e : new Error(String(e));
    log.error(`Audit failed unexpectedly: ${err.stack ?? err.message}`);
    message = `The audit failed unexpectedly: ${err.message}. Details are in the Stakes log; please report it.`;
    buttons = [{ title: 'Show log', run: actions.showOutput }];
  }
  const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(`Stakes: ${message}`, ...buttons.map((b) => b.title)).then(async (picked) => {
    const button = buttons.find((b) => b.title === picked);
    try {
      if (button) await button.run();
    } catch (err) {
      log.error(`"${button?.title}" failed: ${(err as Error)?.message ?? String(err)}`);
    }
  });
  return { kind, message, buttons: buttons.map((b) => b.title) };
}

/** Shows audit failures with their actions and remembers the last one shown (the extension-host tests read it). */
export class AuditErrors {
  last: ShownError | undefined;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: vscode.LogOutputChannel) {}

  /** Show a failure; `actions` add Retry / Choose another model… and may replace what Set API key does. */
  show(e: unknown, actions: Partial<Pick<ErrorActions, 'retry' | 'chooseModel' | 'setApiKey'>> = {}): void {
    this.last = showAuditError(e, {
      setApiKey: (p) => setApiKeyCommand(this.secrets, p),
      showOutput: () => this.log.show(true),
      ...actions,
    }, this.log);
  }

  /** Run a command body; any failure becomes the actionable message, never an unhandled rejection. */
  async guard(body: () => Promise<unknown>): Promise<void> {
    try {
      await body();
    } catch (e) {
      this.show(e);
    }
  }
}
