/**
 * Google Gemini through @google/genai: JSON mode with `responseJsonSchema` from zod's JSON Schema.
 * @google/genai retries only when given retryOptions, and its backoff ignores retry-after, so the
 * fetch wrapper below waits what the server asked before handing a retryable response back.
 */
import { jsonSchemaOf, structuredFromText } from './json-output';
import { cappedFetch, capResponse, ResponseTooLargeError, sleep, tooLargeIn } from './http';
import { missingKey, networkCodeOf, providerDetail, providerFailure, retryAfterSeconds, tooLargeFailure, type KeyHelp } from './errors';
import { ProviderError, type CompletionRequest, type CompletionResult, type Provider, type ProviderSettings } from './types';

export const GOOGLE_HELP: KeyHelp = { displayName: 'Google Gemini', envVar: 'GEMINI_API_KEY', command: 'Stakes: Set API key…' };

const RETRYABLE = [408, 429, 500, 502, 503, 504];

/** JSON Schema keywords `responseJsonSchema` accepts (per @google/genai's types); zod re-checks the rest locally. */
const GEMINI_SCHEMA_KEYS = new Set(['$id', '$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items',
  'prefixItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required',
  'propertyOrdering']);

/** Drop keywords Gemini does not accept (pattern, minLength, const…), recursively; property names are kept as they are. */
export function geminiSchema(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => geminiSchema(n));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (isPropertyMap) out[key] = geminiSchema(value);
    else if (GEMINI_SCHEMA_KEYS.has(key)) out[key] = geminiSchema(value, key === 'properties' || key === '$defs');
  }
  return out;
}
/** Same ceiling the OpenAI and Anthropic SDKs use: a longer retry-after is reported, not waited for. */
const MAX_RETRY_AFTER_S = 60;

/** The Gemini provider (requires @google/genai on first call of this factory). */
export function createGoogleProvider(settings: ProviderSettings): Provider {
  const genai = require('@google/genai') as typeof import('@google/genai', { with: { 'resolution-mode': 'require' } });
  const help: KeyHelp = { ...GOOGLE_HELP, baseUrl: settings.baseUrl };
  const maxRetries = settings.maxRetries ?? 2;
  /** Map a failure of a call that made `attempts` HTTP attempts (last response headers given). */
  const failure = (error: unknown, req: CompletionRequest<unknown>, attempts: number, lastHeaders?: Headers): ProviderError => {
    const base = { model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, attempts - 1), cause: error };
    if (req.signal?.aborted) return providerFailure('google', help, { ...base, aborted: true });
    const tooLarge = tooLargeIn(error);
    if (tooLarge) return tooLargeFailure('google', help, tooLarge.limit);
    if (error instanceof genai.ApiError) {
      return providerFailure('google', help, { ...base, status: error.status, detail: providerDetail(error), headers: lastHeaders });
    }
    const name = (error as Error)?.name;
    if (name === 'AbortError' || name === 'TimeoutError') return providerFailure('google', help, { ...base, timedOut: true });
    const code = networkCodeOf(error);
    if (code || (error as Error)?.message === 'fetch failed') return providerFailure('google', help, { ...base, connectionFailed: true, networkCode: code });
    return new ProviderError('server', 'google',
      `Google Gemini call failed: ${(error as Error)?.message ?? String(error)}. Retry, or pick another provider.`, { cause: error });
  };
  return {
    id: 'google',
    displayName: 'Google Gemini',
    cloud: true,
    async countTokens<T>(req: CompletionRequest<T>): Promise<number> {
      if (!settings.apiKey) throw missingKey('google', help);
      const ai = new genai.GoogleGenAI({
        apiKey: settings.apiKey, apiVersion: settings.apiVersion, httpOptions: { baseUrl: settings.baseUrl, timeout: req.timeoutMs, fetch: cappedFetch },
      });
      try {
        // The Gemini API counts contents only: the instructions and schema are counted as text parts.
        const r = await ai.models.countTokens({
          model: req.model,
          contents: [{ role: 'user', parts: [{ text: req.system }, { text: JSON.stringify(jsonSchemaOf(req.schema)) }, ...(req.stablePrefix ? [{ text: req.stablePrefix }] : []), { text: req.user }] }],
          config: { abortSignal: req.signal },
        });
        return r.totalTokens ?? 0;
      } catch (error) {
        throw failure(error, req, 1);
      }
    },
    async complete<T>(req: CompletionRequest<T>): Promise<CompletionResult<T>> {
      if (!settings.apiKey) throw missingKey('google', help);
      let attempts = 0;
      let lastHeaders: Headers | undefined;
      let tooLarge: ResponseTooLargeError | undefined;
      const retryAfterAwareFetch: typeof fetch = async (input, init) => {
        if (tooLarge) throw tooLarge;
        attempts++;
        let res: Response;
        try {
          res = await fetch(input, init);
          res = (await capResponse(res)).response;
        } catch (error) {
          if (error instanceof ResponseTooLargeError) { tooLarge = error; throw error; }
          // @google/genai does not retry dropped connections: retry them here, with the same budget.
          const dropped = (error as Error)?.name !== 'AbortError' && (networkCodeOf(error) !== undefined || (error as Error)?.message === 'fetch failed');
          if (!dropped || attempts > maxRetries || req.signal?.aborted || init?.signal?.aborted) throw error;
          await sleep(500 * 2 ** (attempts - 1), req.signal);
          return retryAfterAwareFetch(input, init);
        }
        lastHeaders = res.headers;
        if (res.ok || !RETRYABLE.includes(res.status) || attempts > maxRetries) return res;
        const wait = retryAfterSeconds(res.headers);
        if (wait === undefined || wait > MAX_RETRY_AFTER_S) return res;
        // Buffer the body first: the attempt's own timeout may fire while we wait.
        const body = await res.arrayBuffer();
        await sleep(wait * 1000, req.signal);
        return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      };
      const ai = new genai.GoogleGenAI({
        apiKey: settings.apiKey,
        apiVersion: settings.apiVersion,
        httpOptions: {
          baseUrl: settings.baseUrl,
          timeout: req.timeoutMs,
          fetch: retryAfterAwareFetch,
          retryOptions: { attempts: maxRetries + 1, initialDelay: 0.5, maxDelay: MAX_RETRY_AFTER_S, httpStatusCodes: RETRYABLE },
        },
      });
      const contents = req.stablePrefix
        ? [{ role: 'user', parts: [{ text: req.stablePrefix }, { text: req.user }] }]
        : [{ role: 'user', parts: [{ text: req.user }] }];
      try {
        const res = await ai.models.generateContent({
          model: req.model,
          contents,
          config: {
            systemInstruction: req.system,
            maxOutputTokens: req.maxOutputTokens,
            responseMimeType: 'application/json',
            responseJsonSchema: geminiSchema(jsonSchemaOf(req.schema)),
            abortSignal: req.signal,
          },
        });
        const meta = res.usageMetadata;
        const usage = {
          inputTokens: meta?.promptTokenCount ?? 0,
          outputTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
          cachedInputTokens: meta?.cachedContentTokenCount ?? 0,
        };
        const text = res.text ?? '';
        const finish = res.candidates?.[0]?.finishReason;
        const blocked = res.promptFeedback?.blockReason;
        const checked = structuredFromText(text, req.schema);
        const issues = [
          ...(blocked ? [`Gemini blocked the prompt (${blocked})`] : []),
          ...(finish && finish !== 'STOP' ? [`generation stopped early (${finish})`] : []),
        ];
        const parsed = finish === 'MAX_TOKENS' ? null : checked.parsed;
        return {
          text, parsed, issues: parsed ? [] : [...issues, ...checked.issues], usage, model: res.modelVersion ?? req.model, raw: res,
          truncated: finish === 'MAX_TOKENS',
        };
      } catch (error) {
        throw failure(error, req, attempts, lastHeaders);
      }
    },
  };
}
