/**
 * A fetch wrapper that keeps the last response body, so a provider can hand the raw model output to
 * the repair step even when the SDK's own parse helper threw on it.
 */
import { structuredFromText } from './json-output';
import type { CompletionRequest, CompletionResult, TokenUsage } from './types';

type FetchFn = typeof fetch;

/**
 * The most a provider answer may weigh. A findings report is tens of kilobytes (16,000 output tokens
 * are about 64 KB of text); anything near this is a broken or hostile server, and reading it whole
 * would hold it all in memory.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Thrown from inside fetch when an answer exceeds the cap; providers turn it into one ProviderError. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number, readonly seen: number) {
    super(`the answer is larger than ${Math.round(limit / 1024 / 1024)} MB`);
    this.name = 'ResponseTooLargeError';
  }
}

/** The too-large error in an SDK error's cause chain, if that is what happened. */
export function tooLargeIn(error: unknown): ResponseTooLargeError | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    if (e instanceof ResponseTooLargeError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Read a response body with a size cap and hand back an equivalent, fully buffered Response (the
 * SDKs read it as usual). Over the cap, the stream is cancelled and ResponseTooLargeError thrown.
 */
export async function capResponse(res: Response, limit = MAX_RESPONSE_BYTES): Promise<{ response: Response; body: string }> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(limit, declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(limit, size);
      }
      chunks.push(value);
    }
  }
  const bytes = Buffer.concat(chunks);
  const headers = new Headers(res.headers);
  headers.delete('content-encoding'); // already decoded by fetch
  headers.set('content-length', String(bytes.byteLength));
  const response = new Response(res.status === 204 || res.status === 304 ? null : bytes, { status: res.status, statusText: res.statusText, headers });
  return { response, body: bytes.toString('utf8') };
}

/** What a provider reads from its own response body: the model text and the usage. */
export type BodyReader = (body: unknown) => { text: string; usage: TokenUsage; model?: string; issues?: string[]; truncated?: boolean };

/** fetch with the answer size capped (for clients without a ResponseRecorder). */
export const cappedFetch: FetchFn = async (input, init) => (await capResponse(await fetch(input, init))).response;

/** Wraps fetch for one SDK client and remembers the last response body. */
export class ResponseRecorder {
  private pending: { status: number; body: Promise<string> } | null = null;
  /** Number of HTTP attempts made through `fetch` (retries included). */
  attempts = 0;

  constructor(private readonly inner: FetchFn = fetch) {}

  /** Set once an answer exceeded MAX_RESPONSE_BYTES: retries would only download it again. */
  tooLarge: ResponseTooLargeError | undefined;

  readonly fetch: FetchFn = async (input, init) => {
    if (this.tooLarge) throw this.tooLarge;
    this.attempts++;
    const res = await this.inner(input, init);
    try {
      const capped = await capResponse(res);
      this.pending = { status: res.status, body: Promise.resolve(capped.body) };
      return capped.response;
    } catch (e) {
      if (e instanceof ResponseTooLargeError) this.tooLarge = e;
      throw e;
    }
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
