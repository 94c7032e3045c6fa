/**
 * The vscode-lm provider inside the real extension host, with VS Code's own LanguageModelError and
 * CancellationError classes, against a stand-in chat model (VS Code's docs: extensions must not use
 * the Language Model API itself in tests). The core's findings schema is the one the audit uses.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelReview } from '../../src/core/audit/findings';
import { ProviderError, type CompletionRequest } from '../../src/core/providers/types';
import { LmProvider, lmError } from '../../src/extension/audit/lmProvider';

type Reply = string[] | Error | 'hang';

/** A chat model that answers with scripted text parts, fails, or never answers (until cancelled). */
function fakeModel(reply: Reply, seen: vscode.LanguageModelChatMessage[][] = []): vscode.LanguageModelChat {
  return {
    id: 'fake-model-1', name: 'Fake Model', vendor: 'copilot', family: 'fake', version: '1', maxInputTokens: 100_000,
    countTokens: async (v: string | vscode.LanguageModelChatMessage) => (typeof v === 'string' ? v.length : 10),
    sendRequest: async (messages: vscode.LanguageModelChatMessage[], _options: unknown, token: vscode.CancellationToken) => {
      seen.push(messages);
      if (reply instanceof Error) throw reply;
      if (reply === 'hang') {
        await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
        throw new vscode.CancellationError();
      }
      return { text: (async function* () { yield* reply; })(), stream: (async function* () { /* unused */ })() };
    },
  } as unknown as vscode.LanguageModelChat;
}

const REVIEW = JSON.stringify({
  summary: 'One issue.',
  findings: [{ title: 'x', severity: 'low', category: 'other', cwe: null, file: 'a.ts', startLine: 1, endLine: 1,
    evidence: 'a()', explanation: 'b', fix: null, confidence: 0.5 }],
});

function request(extra: Partial<CompletionRequest<ModelReview>> = {}): CompletionRequest<ModelReview> {
  return { system: 'SYSTEM', user: 'USER CODE', schemaName: 'stakes_audit', schema: ModelReview, model: 'fake-model-1', maxOutputTokens: 100, timeoutMs: 5000, ...extra };
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `not a ProviderError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('vscode-lm provider (stand-in chat model)', () => {
  it('sends instructions with the schema, then the code, and validates the fenced JSON answer', async () => {
    const seen: vscode.LanguageModelChatMessage[][] = [];
    const provider = new LmProvider(undefined, async () => [fakeModel(['```json\n', REVIEW.slice(0, 40), REVIEW.slice(40), '\n```'], seen)]);
    const result = await provider.complete(request());
    assert.deepEqual(result.issues, []);
    assert.equal(result.parsed?.findings.length, 1);
    assert.equal(result.model, 'fake-model-1');
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0, 'usage counted with the model tokenizer');
    const texts = seen[0].map((m) => m.content.map((p) => (p as vscode.LanguageModelTextPart).value).join(''));
    assert.match(texts[0], /^SYSTEM/);
    assert.match(texts[0], /JSON Schema/);
    assert.equal(texts[texts.length - 1], 'USER CODE');
  });

  it('returns schema problems (not a throw) so the core can ask for one repair', async () => {
    const provider = new LmProvider(undefined, async () => [fakeModel(['{"findings": "none"}'])]);
    const result = await provider.complete(request());
    assert.equal(result.parsed, null);
    assert.ok(result.issues.length > 0);
  });

  it('maps LanguageModelError codes to the core kinds with a next step', () => {
    assert.equal(lmError(vscode.LanguageModelError.NoPermissions('denied'), 'M').kind, 'auth');
    assert.match(lmError(vscode.LanguageModelError.NoPermissions(), 'M').message, /Manage Language Model Access/);
    assert.equal(lmError(vscode.LanguageModelError.Blocked('quota'), 'M').kind, 'rate-limit');
    assert.equal(lmError(vscode.LanguageModelError.NotFound(), 'M').kind, 'unknown-model');
    assert.equal(lmError(new vscode.CancellationError(), 'M').kind, 'aborted');
    assert.equal(lmError(new Error('boom'), 'M').kind, 'server');
  });

  it('passes a LanguageModelError from the request through the mapping', async () => {
    const provider = new LmProvider(undefined, async () => [fakeModel(vscode.LanguageModelError.Blocked('quota exceeded'))]);
    assert.equal((await failure(provider.complete(request()))).kind, 'rate-limit');
  });

  it('turns the AbortSignal into a CancellationToken: aborting cancels the request', async () => {
    const controller = new AbortController();
    const provider = new LmProvider(undefined, async () => [fakeModel('hang')]);
    const pending = failure(provider.complete(request({ signal: controller.signal })));
    setTimeout(() => controller.abort(), 50);
    assert.equal((await pending).kind, 'aborted');
  });

  it('times out with the setting to raise', async () => {
    const provider = new LmProvider(undefined, async () => [fakeModel('hang')]);
    const e = await failure(provider.complete(request({ timeoutMs: 100 })));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /stakes\.audit\.timeoutSeconds/);
  });

  it('names the available models when the configured one is missing, and says how to get any', async () => {
    const missing = await failure(new LmProvider(undefined, async () => [fakeModel([REVIEW])]).complete(request({ model: 'gpt-9' })));
    assert.equal(missing.kind, 'unknown-model');
    assert.match(missing.message, /fake-model-1/);
    const none = await failure(new LmProvider(undefined, async () => []).complete(request()));
    assert.equal(none.kind, 'config');
    assert.match(none.message, /GitHub Copilot/);
  });

  it('refuses a model the user denied Stakes access to', async () => {
    const access = { canSendRequest: () => false, onDidChange: new vscode.EventEmitter<void>().event } as unknown as vscode.LanguageModelAccessInformation;
    const e = await failure(new LmProvider(access, async () => [fakeModel([REVIEW])]).complete(request()));
    assert.equal(e.kind, 'auth');
  });
});
