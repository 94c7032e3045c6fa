// The loopback fake provider server (test/support/fake-providers.ts, compiled by `tsc -p .`) for
// the e2e audit steps: the extension's real openai SDK talks to it through the openai-compatible
// provider. Its default answer is a review of the planted SQL injection in src/admin/routes.ts
// (examples/shop-api/PLANTED.md, S1), quoted from the code so grounding keeps it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { onCleanup } from './server.mjs';
import { repoRoot } from './tools.mjs';

const compiled = join(repoRoot, 'out', 'test', 'support', 'fake-providers.js');

/** The review the fake model returns unless a step scripts another (`fake.server.push(...)`). */
export const PLANTED_INJECTION_REVIEW = {
  summary: 'The admin export builds SQL from query parameters.',
  findings: [{
    title: 'SQL injection in the admin order export',
    severity: 'critical',
    category: 'injection',
    cwe: 'CWE-89',
    file: 'src/admin/routes.ts',
    evidence: "WHERE o.created_at BETWEEN '${from}' AND '${to}'`;",
    explanation: 'req.query.from and req.query.to are interpolated into the SQL text and run without parameters: any admin-facing caller can rewrite the query.',
    fix: null,
    confidence: 0.9,
  }],
};

/**
 * Start the fake server, or return null when it is not built (the audit steps then say SKIPPED).
 * Returns { server, baseUrl, workspaceSettings }.
 */
export async function startFakeProviders() {
  if (!existsSync(compiled)) return null;
  const { FakeProviders, reviewText } = createRequire(import.meta.url)(compiled);
  const server = new FakeProviders();
  await server.start();
  onCleanup(() => server.stop());
  const [finding] = PLANTED_INJECTION_REVIEW.findings;
  server.fallback = { kind: 'ok', text: reviewText([{ ...finding, ...lineRangeOf(finding) }], PLANTED_INJECTION_REVIEW.summary) };
  const baseUrl = `${server.url}/v1`;
  return {
    server,
    baseUrl,
    workspaceSettings: {
      'stakes.audit.provider': 'openai-compatible',
      'stakes.audit.openaiCompatible.baseUrl': baseUrl,
      'stakes.audit.maxRetries': 0,
      'stakes.audit.localOnly': false,
      // No modal cost confirmation: it would wait for a click the steps do not make.
      'stakes.audit.confirmAboveUsd': 100,
    },
  };
}

/** startLine/endLine of the finding's evidence in the example (1-based), as a model would cite it. */
function lineRangeOf(finding) {
  const lines = readFileSync(join(repoRoot, 'examples', 'shop-api', finding.file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(finding.evidence));
  if (index < 0) throw new Error(`the e2e fake review quotes "${finding.evidence}", which is no longer in ${finding.file}: update test/e2e/fake-providers.mjs`);
  return { startLine: index + 1, endLine: index + 1 };
}
