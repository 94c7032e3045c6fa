/**
 * The embedded engine keeps the migrated database per schema fingerprint and starts from it; its
 * memory settings are smaller than PGlite's defaults. Neither may change a plan: the plans of a fixed
 * workspace (test/support/embedded-plans.ts) must equal the ones recorded before these changes, from
 * a cold cache (migrations run) and from the cached database alike.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExplainer, type Explainer, type SchemaLoadReport } from '../../../src/core/sql/api';
import { PLANS_FIXTURE, snapshotPlans, writePlanWorkspace, type PlanSnapshot } from '../../support/embedded-plans';

describe('sql: the embedded engine\'s plans', function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-plans-'));
    writePlanWorkspace(path.join(work, 'ws'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const recorded = (): PlanSnapshot[] => JSON.parse(fs.readFileSync(PLANS_FIXTURE, 'utf8')) as PlanSnapshot[];
  const session = async <T>(fn: (e: Explainer) => Promise<T>): Promise<T> => {
    const explainer = createExplainer({ cacheDir: path.join(work, 'cache'), idleTimeoutMs: 0 });
    try {
      return await fn(explainer);
    } finally {
      await explainer.dispose();
    }
  };
  const schemaOf = (e: Explainer): Promise<SchemaLoadReport> => e.loadSchema({ workspaceRoot: path.join(work, 'ws') });

  it('are the recorded ones, from a cold cache (the migrations run)', async () => {
    const plans = await session(async (e) => {
      assert.notEqual((await schemaOf(e)).fromCache, true);
      return snapshotPlans(e, path.join(work, 'ws'));
    });
    if (process.env.STAKES_WRITE_PLANS === '1') {
      fs.writeFileSync(PLANS_FIXTURE, JSON.stringify(plans, null, 1) + '\n');
      return;
    }
    assert.deepEqual(plans, recorded());
  });

  it('are the recorded ones from the cached database, which runs no migration and keeps the load report', async () => {
    const cold = await session(schemaOf);
    const { plans, report } = await session(async (e) => ({ report: await schemaOf(e), plans: await snapshotPlans(e, path.join(work, 'ws')) }));
    assert.equal(report.fromCache, true);
    assert.equal(report.loadMs, 0);
    assert.deepEqual({ ...report, loadMs: cold.loadMs, fromCache: cold.fromCache }, cold);
    assert.deepEqual(plans, recorded());
  });

  it('rebuilds when a migration changes, and leaves no session directory behind', async () => {
    const ws = path.join(work, 'ws');
    const added = path.join(ws, 'migrations', '005_refunds.sql');
    fs.writeFileSync(added, 'CREATE TABLE refunds (id bigserial PRIMARY KEY, payment_id bigint NOT NULL, amount_cents int NOT NULL);');
    try {
      const r = await session(async (e) => {
        assert.notEqual((await schemaOf(e)).fromCache, true);
        return e.explainStatement({ sql: 'SELECT * FROM refunds WHERE payment_id = $1', engine: { kind: 'embedded' }, workspaceRoot: ws });
      });
      assert.deepEqual(r.suggestions.map((s) => s.columns.join()), ['payment_id']);
      assert.equal((await session(schemaOf)).fromCache, true);
    } finally {
      fs.rmSync(added);
    }
    const sessions = fs.readdirSync(path.join(work, 'cache', 'pglite')).flatMap((tag) => {
      const dir = path.join(work, 'cache', 'pglite', tag, 'sessions');
      return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    });
    assert.deepEqual(sessions, []);
  });
});
