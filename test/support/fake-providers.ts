/**
 * A loopback server that speaks the wire formats of OpenAI (/v1/responses, /v1/chat/completions),
 * Anthropic (/v1/messages, /v1/messages/count_tokens) and Gemini (/v1/ and /v1beta/
 * models/{m}:generateContent), so tests run the real SDK clients against it. Each request takes the
 * next scripted behaviour; every request is recorded (path, headers, body) for assertions.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../../src/core/providers/types';

export type Behaviour =
  /** 200 with `text` as the model's output (a JSON string for a valid review). */
  | { kind: 'ok'; text: string; usage?: { input?: number; output?: number; cached?: number }; truncated?: boolean }
  /** An HTTP error in the provider's error format. */
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  /** Wait before answering (the client should time out first). */
  | { kind: 'slow'; delayMs: number; then?: Behaviour }
  /** Drop the connection without answering. */
  | { kind: 'hangup' }
  /** A 200 answer of `bytes` bytes, streamed in chunks (with or without a content-length header). */
  | { kind: 'huge'; bytes: number; declareLength?: boolean };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Wire = 'openai-responses' | 'openai-count' | 'openai-chat' | 'anthropic' | 'anthropic-count' | 'gemini' | 'gemini-count' | 'unknown';

/** Token-counting endpoints: answered with a count derived from the body, never scripted. */
const COUNT_WIRES: Wire[] = ['openai-count', 'anthropic-count', 'gemini-count'];

export function wireOf(path: string): Wire {
  const p = path.split('?')[0];
  if (p.endsWith('/responses/input_tokens')) return 'openai-count';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  if (p.endsWith('/messages/count_tokens')) return 'anthropic-count';
  if (p.endsWith('/messages')) return 'anthropic';
  if (/^\/(v1|v1beta)\/models\/[^/:]+:generateContent$/.test(p)) return 'gemini';
  if (/^\/(v1|v1beta)\/models\/[^/:]+:countTokens$/.test(p)) return 'gemini-count';
  return 'unknown';
}

function modelOf(wire: Wire, path: string, body: string): string {
  if (wire === 'gemini') return /models\/([^/:]+):/.exec(path)?.[1] ?? 'gemini';
  try {
    return (JSON.parse(body) as { model?: string }).model ?? 'model';
  } catch {
    return 'model';
  }
}

/** A 200 body in the wire's format; `truncated` marks the output as stopped at the token cap. */
function okBody(wire: Wire, model: string, text: string, u: { input?: number; output?: number; cached?: number } = {}, truncated = false): unknown {
  const input = u.input ?? 1200;
  const output = u.output ?? 150;
  const cached = u.cached ?? 0;
  switch (wire) {
    case 'openai-responses':
      return {
        id: 'resp_fake', object: 'response', created_at: 1, status: truncated ? 'incomplete' : 'completed', model,
        incomplete_details: truncated ? { reason: 'max_output_tokens' } : null,
        output: [{ id: 'msg_fake', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
        usage: { input_tokens: input, input_tokens_details: { cached_tokens: cached }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output },
      };
    case 'openai-chat':
      return {
        id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: truncated ? 'length' : 'stop', logprobs: null }],
        usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: cached } },
      };
    case 'anthropic':
      return {
        id: 'msg_fake', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: truncated ? 'max_tokens' : 'end_turn', stop_sequence: null,
        usage: { input_tokens: input - cached, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: cached },
      };
    case 'gemini':
      return {
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: truncated ? 'MAX_TOKENS' : 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output, cachedContentTokenCount: cached },
        modelVersion: model, responseId: 'r_fake',
      };
    default:
      return {};
  }
}

function errorBody(wire: Wire, status: number, message: string): unknown {
  if (wire === 'anthropic' || wire === 'anthropic-count') {
    const type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message }, request_id: 'req_fake' };
  }
  if (wire === 'gemini') {
    const s = status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return { error: { code: status, message, status: s } };
  }
  return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', param: null, code: status === 404 ? 'model_not_found' : null } };
}

export class FakeProviders {
  readonly requests: RecordedRequest[] = [];
  private script: Behaviour[] = [];
  /** Used when the script is empty. */
  fallback: Behaviour = { kind: 'ok', text: JSON.stringify({ findings: [], summary: 'Nothing found.' }) };
  private server: http.Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  /** Queue behaviours for the next requests (token-counting requests do not consume the script). */
  push(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  reset(): void {
    this.script = [];
    this.requests.length = 0;
  }

  /** Requests that reached a model endpoint (not token counting). */
  modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !COUNT_WIRES.includes(wireOf(r.path)));
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() });
    const wire = wireOf(path);
    if (wire === 'unknown') return this.send(res, 404, { error: { message: `fake server: no route for ${path}` } });
    // A deterministic count tests can predict: one token per 4 bytes of the request body.
    const counted = Math.ceil(Buffer.byteLength(body) / 4);
    if (wire === 'anthropic-count') return this.send(res, 200, { input_tokens: counted });
    if (wire === 'openai-count') return this.send(res, 200, { object: 'response.input_tokens', input_tokens: counted });
    if (wire === 'gemini-count') return this.send(res, 200, { totalTokens: counted });
    let b: Behaviour = this.script.shift() ?? this.fallback;
    while (b.kind === 'slow') {
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), (b as { delayMs: number }).delayMs);
        res.on('close', () => { clearTimeout(t); resolve(true); });
      });
      if (closed || res.destroyed) return;
      b = b.then ?? this.fallback;
    }
    if (b.kind === 'hangup') {
      req.socket.destroy();
      return;
    }
    const model = modelOf(wire, path, body);
    if (b.kind === 'huge') return this.sendHuge(res, b.bytes, b.declareLength ?? false);
    if (b.kind === 'error') {
      return this.send(res, b.status, errorBody(wire, b.status, b.message ?? `fake error ${b.status}`), b.headers);
    }
    return this.send(res, 200, okBody(wire, model, b.text, b.usage, b.truncated));
  }

  /** Stream a huge JSON body without holding it in memory; stops early when the client hangs up. */
  private sendHuge(res: http.ServerResponse, bytes: number, declareLength: boolean): void {
    const head = '{"output_text":"';
    const tail = '"}';
    res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(bytes) } : {}) });
    const chunk = 'a'.repeat(64 * 1024);
    let left = bytes - head.length - tail.length;
    res.write(head);
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const piece = chunk.slice(0, Math.min(chunk.length, left));
        left -= piece.length;
        if (!res.write(piece)) { res.once('drain', pump); return; }
      }
      if (!res.destroyed) res.end(tail);
    };
    res.on('close', () => { left = 0; });
    pump();
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': 'req_fake', ...headers });
    res.end(text);
  }
}

/** A valid review JSON text with the given findings (defaults filled in). */
export function reviewText(findings: Array<Partial<Record<string, unknown>>>, summary = 'Reviewed.'): string {
  return JSON.stringify({
    summary,
    findings: findings.map((f) => ({
      title: 'Problem', severity: 'high', category: 'injection', cwe: null, file: 'src/app.ts', startLine: 1, endLine: 1,
      evidence: 'x', explanation: 'Because.', fix: null, confidence: 0.8, ...f,
    })),
  });
}

/** Await `p` and assert it fails with a ProviderError of `kind`; returns the error for more checks. */
export async function expectProviderError(p: Promise<unknown>, kind: string): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${(e as Error)?.stack}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}
