/**
 * Error mapping shared by the openai and @anthropic-ai/sdk clients, which share one error hierarchy
 * design (APIError with status and headers, APIConnectionError, APIConnectionTimeoutError,
 * APIUserAbortError). The classes are passed in so nothing here loads an SDK.
 */
import { networkCodeOf, providerDetail, providerFailure, tooLargeFailure, type KeyHelp } from './errors';
import { tooLargeIn } from './http';
import { ProviderError } from './types';

export interface StainlessErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/** Classify an openai / @anthropic-ai/sdk failure into a ProviderError with an actionable message. */
export function mapStainlessError(classes: StainlessErrorClasses, error: unknown, providerId: string, help: KeyHelp,
  ctx: { model: string; timeoutMs: number; retries: number; signal?: AbortSignal }): ProviderError {
  if (error instanceof ProviderError) return error;
  const tooLarge = tooLargeIn(error);
  if (tooLarge) return tooLargeFailure(providerId, help, tooLarge.limit);
  const base = { model: ctx.model, timeoutMs: ctx.timeoutMs, retries: ctx.retries, cause: error };
  if (ctx.signal?.aborted || error instanceof classes.APIUserAbortError) return providerFailure(providerId, help, { ...base, aborted: true });
  if (error instanceof classes.APIConnectionTimeoutError) return providerFailure(providerId, help, { ...base, timedOut: true });
  if (error instanceof classes.APIConnectionError) {
    return providerFailure(providerId, help, { ...base, connectionFailed: true, networkCode: networkCodeOf(error) });
  }
  if (error instanceof classes.APIError) {
    const e = error as Error & { status?: number; headers?: Headers };
    return providerFailure(providerId, help, { ...base, status: e.status, headers: e.headers, detail: providerDetail(error) });
  }
  const code = networkCodeOf(error);
  if (code) return providerFailure(providerId, help, { ...base, networkCode: code });
  return new ProviderError('server', providerId,
    `${help.displayName} call failed: ${(error as Error)?.message ?? String(error)}. Retry, or pick another provider.`, { cause: error });
}
