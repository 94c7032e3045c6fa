/**
 * A fetch wrapper that keeps the last response body, so a provider can hand the raw model output to
 * the repair step even when the SDK's own parse helper threw on it.
 */
type FetchFn = typeof fetch;

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
