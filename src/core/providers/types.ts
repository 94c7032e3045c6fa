/**
 * The one interface every model provider implements (OpenAI, Anthropic, Google, OpenAI-compatible
 * servers in core; VS Code's LM API registered at runtime by the extension). Providers only talk to
 * a model: prompt building, redaction, repair and grounding live in src/core/audit/.
 */
import type { z } from 'zod';

/** Provider ids Stakes knows. `vscode-lm` is registered by the extension at runtime. */
export type ProviderName = 'openai' | 'anthropic' | 'google' | 'openai-compatible' | 'vscode-lm';

/** Token counts as the provider billed them. `inputTokens` includes `cachedInputTokens`. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/** One structured-output request. */
export interface CompletionRequest<T> {
  /** Instructions (system prompt). Stable across runs, so it is the part providers cache. */
  system: string;
  /**
   * Optional stable text sent before `user` (e.g. shared context reused by several calls). Providers
   * that support explicit caching mark the end of `system` + `stablePrefix` as a cache breakpoint.
   */
  stablePrefix?: string;
  /** The per-run text: the audited code and hints. */
  user: string;
  /** Name of the output format (OpenAI requires one: [a-zA-Z0-9_-]). */
  schemaName: string;
  /** The zod schema the output must satisfy; its JSON Schema is sent to the provider. */
  schema: z.ZodType<T>;
  model: string;
  maxOutputTokens: number;
  /** Cancels the request (VS Code's CancellationToken is bridged to this by the extension). */
  signal?: AbortSignal;
  /** Per-attempt time limit in milliseconds. */
  timeoutMs: number;
}

/** What a provider returns. `parsed` is null when the text did not validate; `issues` says why. */
export interface CompletionResult<T> {
  /** The model's text output, exactly as received (what a repair prompt quotes back). */
  text: string;
  parsed: T | null;
  /** JSON syntax or schema problems with `text`, one line each; empty when `parsed` is set. */
  issues: string[];
  usage: TokenUsage;
  /** True when the output stopped at the output-token cap: a repair would stop there too. */
  truncated?: boolean;
  /** Model id the provider reports having used (may carry a date suffix). */
  model: string;
  /** The provider's response body, for inspection and error files. */
  raw: unknown;
}

/** Connection settings for one provider. */
export interface ProviderSettings {
  apiKey?: string;
  /** OpenAI-compatible servers: required. Others: override for proxies and tests. */
  baseUrl?: string;
  /** Gemini API version: 'v1' (default of @google/genai 3) or 'v1beta'. */
  apiVersion?: string;
  /** Retries on 408/409/429/5xx and connection errors, honouring retry-after. Default 2. */
  maxRetries?: number;
}

export interface Provider {
  readonly id: string;
  /** Human name for messages: "OpenAI", "Anthropic", "Google Gemini". */
  readonly displayName: string;
  /** True when requests leave the machine (refused in local-only mode). */
  readonly cloud: boolean;
  complete<T>(request: CompletionRequest<T>): Promise<CompletionResult<T>>;
  /**
   * The provider's own count of the input tokens this request would use (its token-counting
   * endpoint; free, but the redacted payload does leave the machine). Absent when the provider has none.
   */
  countTokens?<T>(request: CompletionRequest<T>): Promise<number>;
}

/** Builds a provider; called on first use so the SDK module is only evaluated when needed. */
export type ProviderFactory = (settings: ProviderSettings) => Provider;

export const PROVIDER_ERROR_KINDS = [
  'auth', 'unknown-model', 'rate-limit', 'server', 'timeout', 'network', 'invalid-output', 'aborted',
  'budget', 'local-only', 'bad-request', 'config',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

/**
 * Every failure of an audit call, classified. `message` is ready to show as is: what happened
 * and what to do about it. Never includes the API key.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  /** Seconds the provider asked us to wait (rate-limit), when it said. */
  readonly retryAfterSeconds?: number;
  /** HTTP status, when there was one. */
  readonly status?: number;
  /** Where the raw model response was written (invalid-output), for inspection. */
  rawResponsePath?: string;

  constructor(kind: ProviderErrorKind, provider: string, message: string,
    extra: { retryAfterSeconds?: number; status?: number; rawResponsePath?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = provider;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.status = extra.status;
    this.rawResponsePath = extra.rawResponsePath;
  }
}

/** Type guard for ProviderError. */
export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
