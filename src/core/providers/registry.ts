/**
 * Provider ids → factories. The built-in factories require their module (and with it the SDK) only
 * when a provider is first created; the extension adds `vscode-lm` at runtime with registerProvider.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { ProviderError, type Provider, type ProviderFactory, type ProviderSettings } from './types';

interface Entry {
  factory: ProviderFactory;
  displayName: string;
}

const registry = new Map<string, Entry>([
  ['openai', { displayName: 'OpenAI', factory: (s) => (require('./openai') as typeof import('./openai')).createOpenAIProvider(s) }],
  ['anthropic', { displayName: 'Anthropic', factory: (s) => (require('./anthropic') as typeof import('./anthropic')).createAnthropicProvider(s) }],
  ['google', { displayName: 'Google Gemini', factory: (s) => (require('./google') as typeof import('./google')).createGoogleProvider(s) }],
  ['openai-compatible', {
    displayName: 'OpenAI-compatible server',
    factory: (s) => (require('./openai-compatible') as typeof import('./openai-compatible')).createOpenAICompatibleProvider(s),
  }],
]);

/** Add (or replace) a provider, e.g. the extension's `vscode-lm`. */
export function registerProvider(id: string, factory: ProviderFactory, displayName = id): void {
  registry.set(id, { factory, displayName });
}

/** Ids of every registered provider, built-in first. */
export function providerIds(): string[] {
  return [...registry.keys()];
}

export function providerDisplayName(id: string): string {
  return registry.get(id)?.displayName ?? id;
}

/** Create a provider instance. Throws ProviderError('config') for an unknown id. */
export function createProvider(id: string, settings: ProviderSettings = {}): Provider {
  const entry = registry.get(id);
  if (!entry) {
    throw new ProviderError('config', id,
      `Unknown provider "${id}". Use one of: ${providerIds().join(', ')}.`);
  }
  return entry.factory(settings);
}
