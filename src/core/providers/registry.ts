/**
 * Provider ids → factories. Each provider module is light; its SDK is required only when a provider is
 * first created (see the factories). The extension adds `vscode-lm` at runtime with registerProvider.
 */
import { createAnthropicProvider } from './anthropic';
import { createGoogleProvider } from './google';
import { isLocalBaseUrl } from './locality';
import { createOpenAIProvider } from './openai';
import { createOpenAICompatibleProvider } from './openai-compatible';
import { ProviderError, type Provider, type ProviderFactory, type ProviderSettings } from './types';

interface Entry {
  factory: ProviderFactory;
  displayName: string;
  /** Whether calls leave the machine (decided without creating the provider, so without loading an SDK). */
  cloud: (settings: ProviderSettings) => boolean;
}

const always = (): boolean => true;

const registry = new Map<string, Entry>([
  ['openai', { displayName: 'OpenAI', cloud: always, factory: (s) => createOpenAIProvider(s) }],
  ['anthropic', { displayName: 'Anthropic', cloud: always, factory: (s) => createAnthropicProvider(s) }],
  ['google', { displayName: 'Google Gemini', cloud: always, factory: (s) => createGoogleProvider(s) }],
  ['openai-compatible', {
    displayName: 'OpenAI-compatible server',
    cloud: (s) => !s.baseUrl || !isLocalBaseUrl(s.baseUrl),
    factory: (s) => createOpenAICompatibleProvider(s),
  }],
]);

/** Add (or replace) a provider, e.g. the extension's `vscode-lm` (cloud: true, so local-only mode refuses it). */
export function registerProvider(id: string, factory: ProviderFactory,
  options: { displayName?: string; cloud?: boolean | ((settings: ProviderSettings) => boolean) } = {}): void {
  const cloud = options.cloud ?? true;
  registry.set(id, { factory, displayName: options.displayName ?? id, cloud: typeof cloud === 'function' ? cloud : () => cloud });
}

/** True when the provider's requests would leave the machine with these settings. Unknown ids count as cloud. */
export function isCloudProvider(id: string, settings: ProviderSettings = {}): boolean {
  return registry.get(id)?.cloud(settings) ?? true;
}

/** True when `id` has a factory (built in or registered). */
export function isKnownProvider(id: string): boolean {
  return registry.has(id);
}

/** Ids of every registered provider, built-in first. */
export function providerIds(): string[] {
  return [...registry.keys()];
}

/** Human name of a provider for messages; the id itself when unknown. */
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
