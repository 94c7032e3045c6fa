/**
 * A fetch wrapper that keeps the last response body, so a provider can hand the raw model output to
 * the repair step even when the SDK's own parse helper threw on it.
 */
import { structuredFromText } from './json-output';
import type { CompletionRequest, CompletionResult, TokenUsage } from './types';

type FetchFn = typeof fetch;

/** What a provider reads from its own response body: the model text and the usage. */
export type BodyReader = (body: unknown) => { text: string; usage: TokenUsage; model?: string; issues?: string[]; truncated?: boolean };

/** Wraps fetch for one SDK client and remembers the last response body. */
export class ResponseRecorder {
  private pending: { status: number; body: Promise<string> } | null = null;
  /** Number of HTTP attempts made through `fetch` (retries included). */
  attempts = 0;

  constructor(private readonly inner: FetchFn = fetch) {}

  readonly fetch: FetchFn = async (input, init) => {
    this.attempts++;
    const res = await this.inner(input, init);
    // A clone so the SDK still reads the original stream.
    this.pending = { status: res.status, body: res.clone().text().catch(() => '') };
    return res;
  };

  /** The last response's status and body text, or null when nothing was received. */
  async last(): Promise<{ status: number; body: string } | null> {
    if (!this.pending) return null;
    return { status: this.pending.status, body: await this.pending.body };
  }

  /**
   * When the HTTP call succeeded but the SDK's parse helper threw (bad JSON, schema mismatch), rebuild
   * the result from the recorded body so the repair step sees the model's text. Null otherwise.
   */
  async recover<T>(req: CompletionRequest<T>, error: unknown, read: BodyReader): Promise<CompletionResult<T> | null> {
    const last = await this.last();
    if (!last || last.status < 200 || last.status >= 300 || req.signal?.aborted) return null;
    let body: unknown = last.body;
    try { body = JSON.parse(last.body); } catch { /* keep the text */ }
    const got = typeof body === 'string' ? { text: body, usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 } } : read(body);
    const checked = structuredFromText(got.text, req.schema);
    const issues = [...(got.issues ?? []), ...checked.issues];
    return {
      text: got.text, parsed: got.issues?.length ? null : checked.parsed,
      issues: issues.length ? issues : [(error as Error)?.message ?? String(error)],
      usage: got.usage, model: got.model ?? req.model, raw: body, truncated: got.truncated,
    };
  }
}

/** Resolve after `ms`, or reject with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
