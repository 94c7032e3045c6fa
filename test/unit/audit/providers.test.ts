/** The real SDK clients against the loopback fake server: success, retries, and every failure kind. */
import * as assert from 'node:assert/strict';
import { expectProviderError, FakeProviders, reviewText } from '../../support/fake-providers';
import { createProvider } from '../../../src/core/providers/registry';
import type { Provider } from '../../../src/core/providers/types';
import { ModelReview } from '../../../src/core/audit/findings';

const PROVIDERS = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;

function baseUrlFor(id: string, url: string): string {
  return id === 'openai' || id === 'openai-compatible' ? `${url}/v1` : url;
}

function make(id: string, fake: FakeProviders, maxRetries = 2, baseUrl?: string): Provider {
  return createProvider(id, { apiKey: 'test-key', baseUrl: baseUrl ?? baseUrlFor(id, fake.url), maxRetries, apiVersion: id === 'google' ? 'v1beta' : undefined });
}

function request(extra: Partial<Parameters<Provider['complete']>[0]> = {}) {
  return { system: 'sys', user: 'code', schemaName: 'stakes_audit', schema: ModelReview, model: 'm-1', maxOutputTokens: 1000, timeoutMs: 5000, ...extra };
}


describe('providers against the fake server (real SDKs)', function () {
  this.timeout(20_000);
  const fake = new FakeProviders();
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  for (const id of PROVIDERS) {
    describe(id, () => {
      it('returns the parsed review and the usage', async () => {
        fake.push({ kind: 'ok', text: reviewText([{ title: 'SQL injection' }]), usage: { input: 1000, output: 50, cached: 400 } });
        const r = await make(id, fake).complete(request());
        assert.equal((r.parsed as ModelReview | null)?.findings[0].title, 'SQL injection');
        assert.deepEqual(r.issues, []);
        assert.equal(r.usage.inputTokens, 1000);
        assert.equal(r.usage.outputTokens, 50);
        assert.equal(r.usage.cachedInputTokens, 400);
        const sent = fake.modelRequests()[0];
        if (id === 'google') {
          assert.match(sent.path, /^\/v1beta\/models\/m-1:generateContent/);
          const schema = JSON.stringify(JSON.parse(sent.body).generationConfig.responseJsonSchema);
          assert.doesNotMatch(schema, /"(pattern|minLength|\$schema)"/, 'only keywords Gemini accepts');
          assert.match(schema, /"evidence"/);
          assert.match(schema, /"enum":\["critical"/);
        }
        if (id === 'openai') assert.equal(JSON.parse(sent.body).store, false);
        if (id === 'anthropic') {
          const body = JSON.parse(sent.body);
          assert.deepEqual(body.system[0].cache_control, { type: 'ephemeral' });
          assert.equal(body.output_config.format.type, 'json_schema');
        }
      });

      it('waits what retry-after asks on 429, then succeeds', async () => {
        fake.push({ kind: 'error', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok', text: reviewText([]) });
        const r = await make(id, fake).complete(request());
        assert.ok(r.parsed);
        const [a, b] = fake.modelRequests();
        assert.ok(b.at - a.at >= 950, `second attempt came ${b.at - a.at} ms after the first`);
      });

      it('reports a rate limit with the wait when retries run out', async () => {
        fake.push({ kind: 'error', status: 429, headers: { 'retry-after': '0' } }, { kind: 'error', status: 429, headers: { 'retry-after': '7' } });
        const e = await expectProviderError(make(id, fake, 1).complete(request()), 'rate-limit');
        assert.equal(e.retryAfterSeconds, 7);
        assert.match(e.message, /wait 7 s/);
        assert.equal(fake.modelRequests().length, 2);
      });

      it('says the key is bad on 401', async () => {
        fake.push({ kind: 'error', status: 401, message: 'invalid x-api-key' });
        const e = await expectProviderError(make(id, fake).complete(request()), 'auth');
        assert.match(e.message, /rejected the API key/);
        if (id !== 'openai-compatible') assert.match(e.message, /(OPENAI|ANTHROPIC|GEMINI)_API_KEY/);
        assert.equal(fake.modelRequests().length, 1, '401 is not retried');
        assert.ok(!e.message.includes('test-key'), 'the key is never echoed');
      });

      it('names the unknown model on 404', async () => {
        fake.push({ kind: 'error', status: 404, message: 'model not found' });
        const e = await expectProviderError(make(id, fake).complete(request({ model: 'gpt-nope' })), 'unknown-model');
        assert.match(e.message, /"gpt-nope"/);
      });

      it('retries server errors, then says it is on the provider side', async () => {
        fake.push({ kind: 'error', status: 503, headers: { 'retry-after': '0' } }, { kind: 'error', status: 500, headers: { 'retry-after': '0' } });
        const e = await expectProviderError(make(id, fake, 1).complete(request()), 'server');
        assert.match(e.message, /HTTP 500/);
        assert.equal(fake.modelRequests().length, 2);
      });

      it('gives the timeout message when the server is too slow', async () => {
        fake.push({ kind: 'slow', delayMs: 3000 });
        const e = await expectProviderError(make(id, fake, 0).complete(request({ timeoutMs: 300 })), 'timeout');
        assert.match(e.message, /did not answer within 0.3 s/);
        assert.match(e.message, /smaller scope/);
      });

      it('stops at once when cancelled', async () => {
        fake.push({ kind: 'slow', delayMs: 3000 });
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 100);
        const started = Date.now();
        await expectProviderError(make(id, fake).complete(request({ signal: ac.signal })), 'aborted');
        assert.ok(Date.now() - started < 2000);
      });

      it('says nothing is listening when the connection is refused', async () => {
        const closed = new FakeProviders();
        await closed.start();
        const url = closed.url;
        await closed.stop();
        const e = await expectProviderError(make(id, fake, 0, baseUrlFor(id, url)).complete(request()), 'network');
        assert.match(e.message, /ECONNREFUSED|Could not reach/);
      });

      it('reports a dropped connection as a network failure after retrying', async () => {
        fake.push({ kind: 'hangup' }, { kind: 'hangup' });
        const e = await expectProviderError(make(id, fake, 1).complete(request()), 'network');
        assert.match(e.message, /Could not reach/);
        assert.equal(fake.modelRequests().length, 2, 'retried once');
      });

      it('hands malformed JSON back as issues with the raw text (for repair)', async () => {
        fake.push({ kind: 'ok', text: '{"findings": [ {"title": oops' });
        const r = await make(id, fake).complete(request());
        assert.equal(r.parsed, null);
        assert.match(r.issues.join('\n'), /JSON/);
        assert.equal(r.text, '{"findings": [ {"title": oops');
      });

      it('hands schema-violating JSON back with the zod issues', async () => {
        fake.push({ kind: 'ok', text: JSON.stringify({ findings: [{ title: 'x', severity: 'catastrophic' }], summary: 's' }) });
        const r = await make(id, fake).complete(request());
        assert.equal(r.parsed, null);
        assert.match(r.issues.join('\n'), /findings\[0\]\.severity/);
      });
    });
  }

  it('refuses to start without a key, with the way to set one', async () => {
    const p = createProvider('anthropic', { baseUrl: fake.url });
    const e = await expectProviderError(p.complete(request()), 'auth');
    assert.match(e.message, /ANTHROPIC_API_KEY/);
    assert.equal(fake.requests.length, 0);
  });

  it('routes Gemini v1 (the SDK default) as well as v1beta', async () => {
    fake.push({ kind: 'ok', text: reviewText([]) });
    const p = createProvider('google', { apiKey: 'k', baseUrl: fake.url });
    assert.ok((await p.complete(request())).parsed);
    assert.match(fake.modelRequests()[0].path, /^\/v1\/models\//);
  });
});
