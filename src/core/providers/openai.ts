/**
 * OpenAI through the Responses API with structured outputs (zodTextFormat), `store: false` so the
 * audited code is not kept by the provider. Loaded on first use only (see registry.ts).
 */
import { structuredFromText } from './json-output';
import { ResponseRecorder } from './http';
import { mapStainlessError } from './stainless';
import { type CompletionRequest, type CompletionResult, type Provider, type ProviderSettings } from './types';
import { missingKey, type KeyHelp } from './errors';

export const OPENAI_HELP: KeyHelp = { displayName: 'OpenAI', envVar: 'OPENAI_API_KEY', command: 'Stakes: Set API key…' };

/** Text of the first output message of a Responses API body. */
function responsesText(body: unknown): string {
  const output = (body as { output?: Array<{ type?: string; content?: Array<{ type?: string; text?: string }> }> })?.output ?? [];
  return output.flatMap((o) => (o.type === 'message' ? o.content ?? [] : []))
    .filter((c) => c.type === 'output_text').map((c) => c.text ?? '').join('');
}

/** The OpenAI provider (requires openai on first call of this factory). */
export function createOpenAIProvider(settings: ProviderSettings): Provider {
  const sdk = require('openai') as typeof import('openai');
  const { zodTextFormat } = require('openai/helpers/zod') as typeof import('openai/helpers/zod');
  const help: KeyHelp = { ...OPENAI_HELP, baseUrl: settings.baseUrl };
  const maxRetries = settings.maxRetries ?? 2;
  const clientFor = (req: CompletionRequest<unknown>, fetchFn?: typeof fetch) => {
    if (!settings.apiKey) throw missingKey('openai', help);
    return new sdk.OpenAI({ apiKey: settings.apiKey, baseURL: settings.baseUrl, timeout: req.timeoutMs, maxRetries, fetch: fetchFn });
  };
  return {
    id: 'openai',
    displayName: 'OpenAI',
    cloud: true,
    async countTokens<T>(req: CompletionRequest<T>): Promise<number> {
      const recorder = new ResponseRecorder();
      const client = clientFor(req, recorder.fetch);
      try {
        const r = await client.responses.inputTokens.count({
          model: req.model, instructions: req.system, input: req.stablePrefix ? `${req.stablePrefix}\n\n${req.user}` : req.user,
          text: { format: zodTextFormat(req.schema as never, req.schemaName) },
        }, { signal: req.signal });
        return r.input_tokens;
      } catch (error) {
        throw mapStainlessError(sdk, error, 'openai', help, { model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, recorder.attempts - 1), signal: req.signal });
      }
    },
    async complete<T>(req: CompletionRequest<T>): Promise<CompletionResult<T>> {
      const recorder = new ResponseRecorder();
      const client = clientFor(req, recorder.fetch);
      const input = req.stablePrefix ? `${req.stablePrefix}\n\n${req.user}` : req.user;
      try {
        const r = await client.responses.parse({
          model: req.model,
          instructions: req.system,
          input,
          text: { format: zodTextFormat(req.schema as never, req.schemaName) },
          store: false,
          max_output_tokens: req.maxOutputTokens,
        }, { signal: req.signal });
        const usage = {
          inputTokens: r.usage?.input_tokens ?? 0,
          outputTokens: r.usage?.output_tokens ?? 0,
          cachedInputTokens: r.usage?.input_tokens_details?.cached_tokens ?? 0,
        };
        const text = r.output_text ?? '';
        if (r.status !== 'completed' || r.output_parsed == null) {
          const why = r.status === 'incomplete'
            ? `the response is incomplete (${r.incomplete_details?.reason ?? 'unknown reason'})`
            : `the response status is ${r.status}`;
          const truncated = r.incomplete_details?.reason === 'max_output_tokens';
          const fallback = structuredFromText(text, req.schema);
          const parsed = truncated ? null : fallback.parsed;
          return { text, parsed, issues: parsed ? [] : [why, ...fallback.issues], usage, model: r.model, raw: r, truncated };
        }
        return { text, parsed: r.output_parsed as T, issues: [], usage, model: r.model, raw: r };
      } catch (error) {
        const recovered = await recorder.recover(req, error, (body) => {
          const u = (body as { usage?: { input_tokens?: number; output_tokens?: number; input_tokens_details?: { cached_tokens?: number } } })?.usage;
          return {
            text: responsesText(body),
            usage: { inputTokens: u?.input_tokens ?? 0, outputTokens: u?.output_tokens ?? 0, cachedInputTokens: u?.input_tokens_details?.cached_tokens ?? 0 },
          };
        });
        if (recovered) return recovered;
        throw mapStainlessError(sdk, error, 'openai', help, {
          model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, recorder.attempts - 1), signal: req.signal,
        });
      }
    },
  };
}
