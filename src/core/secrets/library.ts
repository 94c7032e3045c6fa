/**
 * The maintained detector: secretlint's recommended preset (AWS, GCP, private keys, npm, Basic auth,
 * Slack, SendGrid, Shopify, Stripe, GitHub, GitLab, Grafana, OpenAI, Anthropic, Groq, Hugging Face,
 * Linear, Notion, 1Password, database connection strings, Vault, Vercel, Databricks, Docker, Figma,
 * Cloudflare, Tailscale), run in-process and offline. Loaded on first use only: it never enters the
 * activation bundle.
 *
 * Two of its behaviours are turned off on purpose: `secretlint-disable` comments (code under audit
 * is written by whoever wrote it, so it cannot switch redaction off) and AWS account ids (they are
 * part of every ARN and are not credentials).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { SecretSpan } from './context';

type Core = typeof import('@secretlint/core', { with: { 'resolution-mode': 'import' } });
type Profiler = typeof import('@secretlint/profiler', { with: { 'resolution-mode': 'import' } });
type Preset = typeof import('@secretlint/secretlint-rule-preset-recommend', { with: { 'resolution-mode': 'import' } });

let loaded: { lintSource: Core['lintSource']; config: Parameters<Core['lintSource']>[0]['options']['config'] } | null = null;

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  // The profiler is on by default and leaves performance marks behind on every lint: a leak in a
  // long-lived extension host (a million marks after a few thousand files). Off, it records nothing.
  (require('@secretlint/profiler') as Profiler).secretLintProfiler.setEnabled(false);
  const core = require('@secretlint/core') as Core;
  const preset = require('@secretlint/secretlint-rule-preset-recommend') as Preset;
  loaded = {
    lintSource: core.lintSource,
    config: {
      rules: [{
        id: '@secretlint/secretlint-rule-preset-recommend',
        rule: preset.creator,
        rules: [
          { id: '@secretlint/secretlint-rule-filter-comments', disabled: true },
          { id: '@secretlint/secretlint-rule-aws', allowMessageIds: ['AWSAccountID'] },
        ],
      }],
    } as never,
  };
  return loaded;
}

/** Kind names for the notes, from secretlint's message ids. */
function kindOf(ruleId: string, messageId: string | undefined): string {
  const rule = ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  const names: Record<string, string> = {
    aws: 'AWS credential', gcp: 'GCP credential', privatekey: 'private key', npm: 'npm token', basicauth: 'Basic auth credential',
    slack: 'Slack token', sendgrid: 'SendGrid API key', shopify: 'Shopify token', stripe: 'Stripe secret key', github: 'GitHub token',
    gitlab: 'GitLab token', grafana: 'Grafana token', openai: 'OpenAI API key', anthropic: 'Anthropic API key', groq: 'Groq API key',
    huggingface: 'Hugging Face token', linear: 'Linear API key', notion: 'Notion token', '1password': '1Password token',
    'database-connection-string': 'password in a connection string', 'hashicorp-vault': 'HashiCorp Vault token', vercel: 'Vercel token',
    databricks: 'Databricks token', docker: 'Docker Hub token', figma: 'Figma token', cloudflare: 'Cloudflare token', tailscale: 'Tailscale key',
  };
  return names[rule] ?? `${rule}${messageId ? ` (${messageId})` : ''}`;
}

/**
 * Connection strings and Basic-auth URLs are reported whole by secretlint; only the password in them is
 * a secret (the host, database and options stay readable). Null when there is no password to mask.
 */
function narrow(text: string, start: number, end: number, ruleId: string): [number, number] | null {
  if (!/database-connection-string|basicauth/.test(ruleId)) return [start, end];
  const slice = text.slice(start, end);
  const m = /:\/\/[^\s:/@]{0,256}:([^\s@]{1,256})@/.exec(slice);
  if (!m) return null;
  const at = start + m.index + m[0].length - 1 - m[1].length;
  return [at, at + m[1].length];
}

/** Spans secretlint reports in `text`; `ext` lets it pick per-format rules (".json", ".ts"). */
export async function detectWithLibrary(text: string, ext: string): Promise<SecretSpan[]> {
  const { lintSource, config } = load();
  const result = await lintSource({
    // No file path: nothing may be read from disk by a rule; the text is all there is.
    source: { content: text, ext, contentType: 'text' } as never,
    options: { config, noPhysicFilePath: true, maskSecrets: false },
  });
  const spans: SecretSpan[] = [];
  for (const m of result.messages) {
    const [s, e] = m.range;
    const narrowed = narrow(text, s, e, m.ruleId);
    if (narrowed) spans.push({ start: narrowed[0], end: narrowed[1], kind: kindOf(m.ruleId, m.messageId) });
  }
  return spans;
}

/** Load the detector ahead of time (the first call otherwise pays the ~30 ms module load). */
export function preloadLibrary(): void {
  load();
}
