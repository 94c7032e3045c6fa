/**
 * API keys live only in VS Code's SecretStorage (the OS keychain), one entry per provider.
 * Never in settings, never in logs. Light module: register.ts uses it without loading the audit bundle.
 */
import * as vscode from 'vscode';

export const KEYED_PROVIDERS = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
export type KeyedProvider = (typeof KEYED_PROVIDERS)[number];

export const PROVIDER_NAMES: Record<KeyedProvider | 'vscode-lm', string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible server',
  'vscode-lm': 'VS Code language models',
};

const WHERE_TO_GET: Record<KeyedProvider, string> = {
  openai: 'platform.openai.com → API keys (starts with sk-)',
  anthropic: 'console.anthropic.com → API keys (starts with sk-ant-)',
  google: 'aistudio.google.com → Get API key',
  'openai-compatible': 'only if your server requires one (Ollama and LM Studio do not)',
};

export function isKeyedProvider(v: unknown): v is KeyedProvider {
  return typeof v === 'string' && (KEYED_PROVIDERS as readonly string[]).includes(v);
}

function secretName(provider: KeyedProvider): string {
  return `stakes.apiKey.${provider}`;
}

export async function getApiKey(secrets: vscode.SecretStorage, provider: string): Promise<string | undefined> {
  if (!isKeyedProvider(provider)) return undefined;
  const v = await secrets.get(secretName(provider));
  return v && v.trim() ? v.trim() : undefined;
}

async function pickProvider(secrets: vscode.SecretStorage, placeHolder: string, onlyWithKey: boolean): Promise<KeyedProvider | undefined> {
  const items: Array<vscode.QuickPickItem & { provider: KeyedProvider }> = [];
  for (const p of KEYED_PROVIDERS) {
    const has = (await getApiKey(secrets, p)) !== undefined;
    if (onlyWithKey && !has) continue;
    items.push({ label: PROVIDER_NAMES[p], description: has ? 'key stored' : 'no key', detail: WHERE_TO_GET[p], provider: p });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Stakes: no API key is stored, so there is nothing to clear.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true }))?.provider;
}

/** "Stakes: Set API key…": optional provider argument (from an error's "Set API key" button). */
export async function setApiKeyCommand(secrets: vscode.SecretStorage, provider?: unknown): Promise<boolean> {
  const p = isKeyedProvider(provider) ? provider : await pickProvider(secrets, 'Which provider is the key for?', false);
  if (!p) return false;
  const key = await vscode.window.showInputBox({
    title: `Stakes: ${PROVIDER_NAMES[p]} API key`,
    prompt: `Stored in your OS keychain (VS Code SecretStorage), never in settings. ${WHERE_TO_GET[p]}.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const t = v.trim();
      if (!t) return 'Paste the key, or press Escape to cancel.';
      if (/\s/.test(t)) return 'An API key has no spaces or line breaks: paste the key alone.';
      if (p === 'anthropic' && t.startsWith('sk-') && !t.startsWith('sk-ant-')) return 'This looks like an OpenAI key; Anthropic keys start with sk-ant-.';
      if (p === 'openai' && t.startsWith('sk-ant-')) return 'This looks like an Anthropic key; choose Anthropic instead.';
      return undefined;
    },
  });
  if (key === undefined) return false;
  await secrets.store(secretName(p), key.trim());
  void vscode.window.showInformationMessage(`Stakes: ${PROVIDER_NAMES[p]} API key stored in the OS keychain.`);
  return true;
}

export async function clearApiKeyCommand(secrets: vscode.SecretStorage, provider?: unknown): Promise<void> {
  const p = isKeyedProvider(provider) ? provider : await pickProvider(secrets, 'Remove the stored key of which provider?', true);
  if (!p) return;
  const ok = await vscode.window.showWarningMessage(`Remove the stored ${PROVIDER_NAMES[p]} API key?`, { modal: true }, 'Remove');
  if (ok !== 'Remove') return;
  await secrets.delete(secretName(p));
  void vscode.window.showInformationMessage(`Stakes: ${PROVIDER_NAMES[p]} API key removed.`);
}
