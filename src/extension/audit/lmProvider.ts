/**
 * The `vscode-lm` provider: VS Code's Language Model API (GitHub Copilot's models, no API key).
 * The API has no JSON mode, so the schema goes into the prompt and the core validates the text.
 * Consent: the first request shows VS Code's access dialog, so this only runs from a user command.
 */
import * as vscode from 'vscode';
import { ProviderError, type CompletionRequest, type CompletionResult, type Provider } from '../../core/providers/types';
import { schemaPromptSection, structuredFromText } from '../../core/providers/json-output';

export const LM_PROVIDER_ID = 'vscode-lm';
const NAME = 'VS Code language models';

/** Every chat model VS Code offers right now (Copilot and any other registered vendor). */
export async function listLmModels(): Promise<vscode.LanguageModelChat[]> {
  try {
    return await vscode.lm.selectChatModels({});
  } catch {
    return [];
  }
}

async function selectModel(id: string, available: () => Promise<vscode.LanguageModelChat[]>): Promise<vscode.LanguageModelChat> {
  const all = await available();
  if (all.length === 0) {
    throw new ProviderError('config', LM_PROVIDER_ID,
      'No VS Code language model is available: install GitHub Copilot Chat and sign in (or another extension that provides chat models), ' +
      'or choose another provider in the setting stakes.audit.provider.');
  }
  if (!id) return all.find((m) => m.vendor === 'copilot') ?? all[0];
  const match = all.find((m) => m.id === id) ?? all.find((m) => m.family === id) ?? all.find((m) => m.name === id);
  if (!match) {
    throw new ProviderError('unknown-model', LM_PROVIDER_ID,
      `VS Code has no language model "${id}". Available: ${all.map((m) => m.id).join(', ')}. ` +
      'Set stakes.audit.model to one of them (or leave it empty), or run "Stakes: Audit with another model…".');
  }
  return match;
}

/** Map the LM API's errors onto the core's kinds, with a message that says what to do. */
export function lmError(e: unknown, model: string): ProviderError {
  if (e instanceof ProviderError) return e;
  if (e instanceof vscode.LanguageModelError) {
    const detail = e.message ? ` (${e.message})` : '';
    switch (e.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return new ProviderError('auth', LM_PROVIDER_ID,
          `Stakes may not use "${model}"${detail}. Run the audit again and choose Allow in the access dialog, ` +
          'or allow it under Accounts → Manage Language Model Access.', { cause: e });
      case vscode.LanguageModelError.Blocked.name:
        return new ProviderError('rate-limit', LM_PROVIDER_ID,
          `The request to "${model}" was blocked${detail}: usually the plan's quota or rate limit. Wait and retry, or choose another model or provider.`,
          { cause: e });
      case vscode.LanguageModelError.NotFound.name:
        return new ProviderError('unknown-model', LM_PROVIDER_ID,
          `The language model "${model}" is no longer available${detail}. Choose another with "Stakes: Audit with another model…".`, { cause: e });
      default:
        return new ProviderError('server', LM_PROVIDER_ID, `The language model "${model}" failed${detail}. Retry, or choose another model.`, { cause: e });
    }
  }
  if (e instanceof vscode.CancellationError) {
    return new ProviderError('aborted', LM_PROVIDER_ID, 'The audit was cancelled.', { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new ProviderError('server', LM_PROVIDER_ID, `The language model "${model}" failed: ${msg}. Retry, or choose another model.`, { cause: e });
}

export class LmProvider implements Provider {
  readonly id = LM_PROVIDER_ID;
  readonly displayName = NAME;
  /** Copilot's models run in the cloud: local-only mode refuses them. */
  readonly cloud = true;

  constructor(
    private readonly access: vscode.LanguageModelAccessInformation | undefined,
    /** Where models come from: VS Code's, or a test's stand-in (the LM API must not be used by tests). */
    private readonly available: () => Promise<vscode.LanguageModelChat[]> = listLmModels,
  ) {}

  async complete<T>(request: CompletionRequest<T>): Promise<CompletionResult<T>> {
    if (request.signal?.aborted) throw new ProviderError('aborted', LM_PROVIDER_ID, 'The audit was cancelled.');
    const model = await selectModel(request.model, this.available);
    if (this.access?.canSendRequest(model) === false) {
      throw new ProviderError('auth', LM_PROVIDER_ID,
        `Access to "${model.name}" was denied for Stakes. Allow it under Accounts → Manage Language Model Access, then run the audit again.`);
    }
    // The LM API has no system role: instructions and schema go first as a user message.
    const instructions = `${request.system}\n\n${schemaPromptSection(request.schema)}`;
    const messages = [vscode.LanguageModelChatMessage.User(instructions)];
    if (request.stablePrefix) messages.push(vscode.LanguageModelChatMessage.User(request.stablePrefix));
    messages.push(vscode.LanguageModelChatMessage.User(request.user));

    const cts = new vscode.CancellationTokenSource();
    let timedOut = false;
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      cts.cancel();
    }, request.timeoutMs);
    let text = '';
    try {
      const response = await model.sendRequest(messages, {
        justification: 'Stakes sends the code you chose to audit to this model and shows its findings.',
      }, cts.token);
      for await (const part of response.text) {
        text += part;
        if (cts.token.isCancellationRequested) break;
      }
      if (cts.token.isCancellationRequested) throw new vscode.CancellationError();
    } catch (e) {
      if (timedOut) {
        throw new ProviderError('timeout', LM_PROVIDER_ID,
          `"${model.name}" did not answer within ${Math.round(request.timeoutMs / 1000)} s. Retry, audit a smaller scope, or raise stakes.audit.timeoutSeconds.`,
          { cause: e });
      }
      if (request.signal?.aborted) throw new ProviderError('aborted', LM_PROVIDER_ID, 'The audit was cancelled.', { cause: e });
      throw lmError(e, model.name);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }

    const usage = await this.countUsage(model, messages, text);
    const { parsed, issues } = structuredFromText(text, request.schema);
    return { text, parsed, issues, usage, model: model.id, raw: { text, model: { id: model.id, vendor: model.vendor, family: model.family } } };
  }

  /** The LM API reports no usage: count with the model's own tokenizer (0 when it refuses). */
  private async countUsage(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], output: string) {
    const count = async (v: string | vscode.LanguageModelChatMessage) => {
      try {
        return await model.countTokens(v);
      } catch {
        return 0;
      }
    };
    let inputTokens = 0;
    for (const m of messages) inputTokens += await count(m);
    return { inputTokens, outputTokens: await count(output), cachedInputTokens: 0 };
  }
}
