/**
 * Anthropic Messages API with structured output (`output_config.format` via zodOutputFormat) and
 * prompt caching: the stable instructions carry `cache_control: ephemeral`, so repeated audits pay
 * the cached-input rate for them. Loaded on first use only (see registry.ts).
 */
import { structuredFromText } from './json-output';
import { ResponseRecorder } from './http';
import { mapStainlessError } from './stainless';
import { type CompletionRequest, type CompletionResult, type Provider, type ProviderSettings, type TokenUsage } from './types';
import { missingKey, type KeyHelp } from './errors';

export const ANTHROPIC_HELP: KeyHelp = { displayName: 'Anthropic', envVar: 'ANTHROPIC_API_KEY', command: 'Stakes: Set API key…' };

interface AnthropicUsageBody {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Anthropic reports the uncached remainder as input_tokens; Stakes' inputTokens is the whole prompt. */
function usageOf(u: AnthropicUsageBody | undefined): TokenUsage {
  const read = u?.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + read,
    outputTokens: u?.output_tokens ?? 0,
    cachedInputTokens: read,
  };
}

function textOf(content: Array<{ type: string; text?: string }> | undefined): string {
  return (content ?? []).filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
}

/** The Anthropic provider (requires @anthropic-ai/sdk on first call of this factory). */
export function createAnthropicProvider(settings: ProviderSettings): Provider {
  const sdk = require('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk');
  const { zodOutputFormat } = require('@anthropic-ai/sdk/helpers/zod') as typeof import('@anthropic-ai/sdk/helpers/zod');
  const help: KeyHelp = { ...ANTHROPIC_HELP, baseUrl: settings.baseUrl };
  const clientFor = (req: CompletionRequest<unknown>, recorder: ResponseRecorder) => {
    if (!settings.apiKey) throw missingKey('anthropic', help);
    return new sdk.Anthropic({
      apiKey: settings.apiKey, baseURL: settings.baseUrl, timeout: req.timeoutMs, maxRetries: settings.maxRetries ?? 2, fetch: recorder.fetch,
    });
  };
  // The cache breakpoint goes on the last stable block: everything up to it is reused across audits.
  const systemOf = (req: CompletionRequest<unknown>) => (req.stablePrefix
    ? [{ type: 'text' as const, text: req.system }, { type: 'text' as const, text: req.stablePrefix, cache_control: { type: 'ephemeral' as const } }]
    : [{ type: 'text' as const, text: req.system, cache_control: { type: 'ephemeral' as const } }]);
  return {
    id: 'anthropic',
    displayName: 'Anthropic',
    cloud: true,
    async countTokens<T>(req: CompletionRequest<T>): Promise<number> {
      const recorder = new ResponseRecorder();
      const client = clientFor(req, recorder);
      try {
        const r = await client.messages.countTokens({
          model: req.model, system: systemOf(req), messages: [{ role: 'user', content: req.user }],
          output_config: { format: zodOutputFormat(req.schema as never) },
        }, { signal: req.signal });
        return r.input_tokens;
      } catch (error) {
        throw mapStainlessError(sdk, error, 'anthropic', help, { model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, recorder.attempts - 1), signal: req.signal });
      }
    },
    async complete<T>(req: CompletionRequest<T>): Promise<CompletionResult<T>> {
      const recorder = new ResponseRecorder();
      const client = clientFor(req, recorder);
      const system = systemOf(req);
      try {
        const m = await client.messages.parse({
          model: req.model,
          max_tokens: req.maxOutputTokens,
          system,
          messages: [{ role: 'user', content: req.user }],
          output_config: { format: zodOutputFormat(req.schema as never) },
        }, { signal: req.signal });
        const text = textOf(m.content as Array<{ type: string; text?: string }>);
        const usage = usageOf(m.usage as AnthropicUsageBody);
        if (m.stop_reason === 'max_tokens' || m.stop_reason === 'refusal' || m.parsed_output == null) {
          const why = m.stop_reason === 'max_tokens' ? 'the output was cut off at the output token limit'
            : m.stop_reason === 'refusal' ? 'the model refused to answer' : 'no structured output was returned';
          const checked = structuredFromText(text, req.schema);
          const truncated = m.stop_reason === 'max_tokens';
          return { text, parsed: truncated ? null : checked.parsed, issues: [why, ...checked.issues], usage, model: m.model, raw: m, truncated };
        }
        return { text, parsed: m.parsed_output as T, issues: [], usage, model: m.model, raw: m };
      } catch (error) {
        // HTTP succeeded but the SDK's parse threw ("Failed to parse structured output"): hand the text to repair.
        const recovered = await recorder.recover(req, error, (body) => {
          const b = body as { content?: Array<{ type: string; text?: string }>; usage?: AnthropicUsageBody; model?: string; stop_reason?: string };
          const truncated = b?.stop_reason === 'max_tokens';
          return {
            text: textOf(b?.content), usage: usageOf(b?.usage), model: b?.model, truncated,
            issues: truncated ? ['the output was cut off at the output token limit'] : [],
          };
        });
        if (recovered) return recovered;
        throw mapStainlessError(sdk, error, 'anthropic', help, {
          model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, recorder.attempts - 1), signal: req.signal,
        });
      }
    },
  };
}
