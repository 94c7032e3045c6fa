/**
 * OpenAI-compatible servers (Ollama, vLLM, LM Studio…) through Chat Completions with a json_schema
 * response format. The key is optional (the SDK insists on one, so a dummy is sent); the output is
 * always re-validated because some servers accept a schema without enforcing it.
 */
import { structuredFromText } from './json-output';
import { ResponseRecorder } from './http';
import { mapStainlessError } from './stainless';
import { ProviderError, type CompletionRequest, type CompletionResult, type Provider, type ProviderSettings } from './types';
import type { KeyHelp } from './errors';
import { isLocalBaseUrl } from './locality';


/** The provider for OpenAI-compatible servers; cloud unless its base URL is local or private. */
export function createOpenAICompatibleProvider(settings: ProviderSettings): Provider {
  const baseUrl = settings.baseUrl;
  const help: KeyHelp = { displayName: 'the OpenAI-compatible server', baseUrl, command: 'Stakes: Set API key…' };
  const local = baseUrl ? isLocalBaseUrl(baseUrl) : false;
  return {
    id: 'openai-compatible',
    displayName: baseUrl ? `OpenAI-compatible server at ${baseUrl}` : 'OpenAI-compatible server',
    cloud: !local,
    async complete<T>(req: CompletionRequest<T>): Promise<CompletionResult<T>> {
      if (!baseUrl) {
        throw new ProviderError('config', 'openai-compatible',
          'No base URL is set for the OpenAI-compatible provider. Set stakes.audit.openaiCompatible.baseUrl (CLI: --base-url), e.g. ' +
          'http://127.0.0.1:11434/v1 for Ollama, http://127.0.0.1:8000/v1 for vLLM, http://127.0.0.1:1234/v1 for LM Studio.');
      }
      const sdk = require('openai') as typeof import('openai');
      const { zodResponseFormat } = require('openai/helpers/zod') as typeof import('openai/helpers/zod');
      const recorder = new ResponseRecorder();
      const client = new sdk.OpenAI({
        // Local servers ignore the key, but the SDK refuses to start without one.
        apiKey: settings.apiKey || 'not-needed',
        baseURL: baseUrl, timeout: req.timeoutMs, maxRetries: settings.maxRetries ?? 2, fetch: recorder.fetch,
      });
      const messages = [
        { role: 'system' as const, content: req.system },
        ...(req.stablePrefix ? [{ role: 'user' as const, content: req.stablePrefix }] : []),
        { role: 'user' as const, content: req.user },
      ];
      try {
        const c = await client.chat.completions.parse({
          model: req.model, messages, max_completion_tokens: req.maxOutputTokens,
          response_format: zodResponseFormat(req.schema as never, req.schemaName),
        }, { signal: req.signal });
        const message = c.choices[0]?.message;
        const text = message?.content ?? '';
        const usage = {
          inputTokens: c.usage?.prompt_tokens ?? 0,
          outputTokens: c.usage?.completion_tokens ?? 0,
          cachedInputTokens: c.usage?.prompt_tokens_details?.cached_tokens ?? 0,
        };
        if (message?.refusal) return { text, parsed: null, issues: [`the model refused: ${message.refusal}`], usage, model: c.model, raw: c };
        // Re-validate: servers may accept json_schema without enforcing it.
        const checked = structuredFromText(text, req.schema);
        return { text, parsed: checked.parsed, issues: checked.issues, usage, model: c.model, raw: c };
      } catch (error) {
        const recovered = await recorder.recover(req, error, (body) => {
          const b = body as { choices?: Array<{ message?: { content?: string }; finish_reason?: string }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
          return {
            text: b?.choices?.[0]?.message?.content ?? '',
            usage: { inputTokens: b?.usage?.prompt_tokens ?? 0, outputTokens: b?.usage?.completion_tokens ?? 0, cachedInputTokens: 0 },
            issues: b?.choices?.[0]?.finish_reason === 'length' ? ['the output was cut off at the output token limit'] : [],
            truncated: b?.choices?.[0]?.finish_reason === 'length',
          };
        });
        if (recovered) return recovered;
        throw mapStainlessError(sdk, error, 'openai-compatible', help, {
          model: req.model, timeoutMs: req.timeoutMs, retries: Math.max(0, recorder.attempts - 1), signal: req.signal,
        });
      }
    },
  };
}
