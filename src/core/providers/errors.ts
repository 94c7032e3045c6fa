/**
 * Turns an SDK failure into a ProviderError with a message that says what happened and what to do.
 * The SDKs differ in error classes but agree on what matters: HTTP status, retry-after, and the
 * network error code hidden in the cause chain.
 */
import { ProviderError } from './types';

/** How to tell the user to fix the key for a provider. */
export interface KeyHelp {
  displayName: string;
  /** Environment variable the CLI reads, if any. */
  envVar?: string;
  /** VS Code command title that stores the key. */
  command?: string;
  /** Base URL in use (shown for network errors and unknown models on compatible servers). */
  baseUrl?: string;
}

export interface FailureFacts {
  status?: number;
  /** The provider's own error text (never the request). */
  detail?: string;
  headers?: { get(name: string): string | null } | Record<string, string | string[] | undefined>;
  /** Network error code found in the cause chain: ECONNREFUSED, ENOTFOUND… */
  networkCode?: string;
  timedOut?: boolean;
  aborted?: boolean;
  connectionFailed?: boolean;
  model: string;
  timeoutMs: number;
  retries: number;
  cause?: unknown;
}

function header(h: FailureFacts['headers'], name: string): string | null {
  if (!h) return null;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name);
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] ?? null : v ?? null;
}

/** Seconds to wait according to retry-after-ms / retry-after (seconds or HTTP date). */
export function retryAfterSeconds(h: FailureFacts['headers']): number | undefined {
  const ms = header(h, 'retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms) / 1000);
  const ra = header(h, 'retry-after');
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra));
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'];

/** The first network error code in an error's cause chain. */
export function networkCodeOf(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.includes(code)) return code;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors)) for (const inner of errors) {
      const c = networkCodeOf(inner);
      if (c) return c;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function keyAdvice(k: KeyHelp): string {
  const ways = [k.command ? `in VS Code run "${k.command}"` : '', k.envVar ? `for the CLI set ${k.envVar}` : '']
    .filter(Boolean).join('; ');
  return ways ? ` Set a valid key (${ways}).` : '';
}

/** The error for a provider called without a key: where to set one. */
export function missingKey(providerId: string, k: KeyHelp): ProviderError {
  const ways = [k.command ? `In VS Code run "${k.command}"` : '', k.envVar ? `for the CLI set ${k.envVar}` : ''].filter(Boolean).join('; ');
  return new ProviderError('auth', providerId, `No ${k.displayName} API key is set. ${ways}.`);
}

/** The error for an answer over the size cap (same words for every provider). */
export function tooLargeFailure(providerId: string, k: KeyHelp, limit: number): ProviderError {
  return new ProviderError('invalid-output', providerId,
    `${k.displayName} sent an answer larger than ${Math.round(limit / 1024 / 1024)} MB, far more than any findings report; ` +
    'it was discarded unread. Retry, or pick another model or provider.');
}

/** Build the ProviderError for one failure. */
export function providerFailure(providerId: string, k: KeyHelp, f: FailureFacts): ProviderError {
  const name = k.displayName;
  const detail = f.detail ? `: ${f.detail.slice(0, 300)}` : '';
  const extra = { status: f.status, cause: f.cause };
  if (f.aborted) return new ProviderError('aborted', providerId, 'The audit was cancelled; nothing was reported and no result was cached.', extra);
  if (f.timedOut) {
    return new ProviderError('timeout', providerId,
      `${name} did not answer within ${f.timeoutMs < 10_000 ? (f.timeoutMs / 1000).toFixed(1) : Math.round(f.timeoutMs / 1000)} s` +
      (f.retries > 0 ? ` (tried ${f.retries + 1} times)` : '') +
      '. Try again, audit a smaller scope (a selection or the changes), or raise the timeout (stakes.audit.timeoutSeconds, CLI --timeout).', extra);
  }
  if (f.connectionFailed || f.networkCode) {
    const where = k.baseUrl ? ` at ${k.baseUrl}` : '';
    const code = f.networkCode ? ` (${f.networkCode})` : '';
    const what = f.networkCode === 'ECONNREFUSED'
      ? 'Nothing is listening there: start the server or fix the base URL.'
      : f.networkCode === 'ENOTFOUND' || f.networkCode === 'EAI_AGAIN'
        ? 'The host name does not resolve: check your network connection, proxy, or the base URL.'
        : 'Check your network connection and proxy settings, then try again.';
    return new ProviderError('network', providerId, `Could not reach ${name}${where}${code}. ${what}`, extra);
  }
  const status = f.status ?? 0;
  if (status === 401 || status === 403) {
    return new ProviderError('auth', providerId,
      `${name} rejected the API key (HTTP ${status}${detail}).${keyAdvice(k)}`, extra);
  }
  if (status === 404) {
    return new ProviderError('unknown-model', providerId,
      `${name} does not know the model "${f.model}" (HTTP 404${detail}). Pick another model for this provider` +
      (k.baseUrl ? `, or check that the base URL ${k.baseUrl} is right` : '') + '.', extra);
  }
  if (status === 429) {
    const wait = retryAfterSeconds(f.headers);
    return new ProviderError('rate-limit', providerId,
      `${name} is rate-limiting this key (HTTP 429${detail})` + (f.retries > 0 ? ` after ${f.retries + 1} attempts` : '') + '. ' +
      (wait !== undefined ? `It asks to wait ${Math.ceil(wait)} s before retrying. ` : 'Wait a minute and retry. ') +
      'If it persists, check the quota and billing of your plan.', { ...extra, retryAfterSeconds: wait });
  }
  if (status >= 500) {
    return new ProviderError('server', providerId,
      `${name} had a server error (HTTP ${status}${detail})` + (f.retries > 0 ? ` on all ${f.retries + 1} attempts` : '') +
      '. This is on the provider side: retry later or pick another provider.', extra);
  }
  if (status === 400 || status === 413 || status === 422) {
    return new ProviderError('bad-request', providerId,
      `${name} refused the request (HTTP ${status}${detail}). If it mentions the model or a parameter, pick another model; ` +
      'if it mentions size, audit a smaller scope.', extra);
  }
  return new ProviderError('server', providerId,
    `${name} failed${status ? ` (HTTP ${status}${detail})` : detail || ''}. Retry, or pick another provider.`, extra);
}

/** The error body's message as the provider phrased it, from any SDK error object. */
export function providerDetail(error: unknown): string | undefined {
  const e = error as { error?: unknown; message?: unknown };
  const body = e?.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = body?.error?.message ?? body?.message;
  if (typeof m === 'string') return m;
  if (typeof e?.message === 'string') {
    // @google/genai puts the JSON body in the message.
    try {
      const parsed = JSON.parse(e.message) as { error?: { message?: string } };
      if (parsed?.error?.message) return parsed.error.message;
    } catch { /* not JSON */ }
    return e.message;
  }
  return undefined;
}
