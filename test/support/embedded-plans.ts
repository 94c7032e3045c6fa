/**
 * A fixed workspace and statement list whose embedded-engine plans are kept as a fixture
 * (test/unit/sql/fixtures/embedded-plans.json): the plans the engine gave before its start-up,
 * caching and memory settings changed. test/unit/sql/embedded-cache.test.ts compares today's plans
 * with it, from a cold cache and from the cached database. Regenerate only on a PGlite upgrade:
 *   STAKES_WRITE_PLANS=1 npx mocha --no-config out/test/unit/sql/embedded-cache.test.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Explainer } from '../../src/core/sql/api';
import { ROOT } from './activation';

export const PLANS_FIXTURE = path.join(ROOT, 'test/unit/sql/fixtures/embedded-plans.json');

/** examples/shop-api's migrations plus one that needs a contrib extension and one with data. */
export function writePlanWorkspace(dir: string): void {
  fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  const from = path.join(ROOT, 'examples/shop-api/migrations');
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, 'migrations', f));
  fs.writeFileSync(path.join(dir, 'migrations', '004_search.sql'), [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm;',
    'CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);',
    "CREATE TABLE audit_log (id bigserial PRIMARY KEY, actor_id bigint NOT NULL, action text NOT NULL CHECK (action IN ('login', 'logout', 'export')), at timestamptz NOT NULL DEFAULT now(), detail jsonb);",
    'CREATE INDEX audit_log_at ON audit_log (at);',
    "INSERT INTO audit_log (actor_id, action, detail) SELECT g % 500, (ARRAY['login', 'logout', 'export'])[1 + g % 3], jsonb_build_object('n', g) FROM generate_series(1, 20000) g;",
    'ANALYZE audit_log;',
  ].join('\n'));
}

/** Statements with the assumed sizes and advice settings each is explained with. */
export const PLAN_CASES: Array<{ sql: string; rows?: Record<string, number>; suggestIndexes?: boolean }> = [
  { sql: 'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20' },
  { sql: "SELECT * FROM orders WHERE status = 'paid' AND created_at > now() - interval '7 days'", rows: { orders: 2_000_000 } },
  { sql: 'SELECT o.id, sum(i.line_total_cents) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_email = $1 GROUP BY o.id', rows: { orders: 500_000, order_items: 3_000_000 } },
  { sql: 'SELECT * FROM payments WHERE provider_payment_id = $1', rows: { payments: 800_000 } },
  { sql: "SELECT * FROM products WHERE name LIKE '%widget%' AND active", rows: { products: 50_000 } },
  { sql: 'SELECT * FROM users WHERE lower(email) = lower($1)', suggestIndexes: false },
  { sql: "SELECT actor_id, count(*) FROM audit_log WHERE action = 'export' AND at > now() - interval '1 day' GROUP BY actor_id" },
  { sql: 'SELECT p.sku, sum(i.quantity) FROM order_items i JOIN products p ON p.id = i.product_id GROUP BY p.sku ORDER BY 2 DESC LIMIT 10', rows: { order_items: 1000 } },
];

export interface PlanSnapshot {
  sql: string;
  rawPlan: unknown;
  suggestions: Array<{ statement: string; costBefore: number; costAfter: number }>;
  candidates: Array<{ columns: string[]; outcome: string; costAfter?: number }>;
  findings: string[];
}

export async function snapshotPlans(explainer: Explainer, root: string): Promise<PlanSnapshot[]> {
  const out: PlanSnapshot[] = [];
  for (const c of PLAN_CASES) {
    const r = await explainer.explainStatement({
      sql: c.sql, engine: { kind: 'embedded' }, workspaceRoot: root, ...(c.rows ? { rows: c.rows } : {}),
      ...(c.suggestIndexes === false ? { suggestIndexes: false } : {}),
    });
    out.push({
      sql: c.sql,
      rawPlan: r.rawPlan,
      suggestions: r.suggestions.map((s) => ({ statement: s.statement, costBefore: s.costBefore, costAfter: s.costAfter })),
      candidates: r.candidates.map((x) => ({ columns: x.columns, outcome: x.outcome, ...(x.costAfter !== undefined ? { costAfter: x.costAfter } : {}) })),
      findings: r.findings.map((f) => `${f.id}@${f.nodeId ?? ''}`),
    });
  }
  return out;
}
