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
import { createExplainer } from '../../../src/core/sql/api';
import { PLANS_FIXTURE, snapshotPlans, writePlanWorkspace, type PlanSnapshot } from '../../support/embedded-plans';

describe('sql: the embedded engine\'s plans', function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-plans-'));
    writePlanWorkspace(path.join(work, 'ws'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('are the recorded ones, from a cold cache', async () => {
    const explainer = createExplainer({ cacheDir: path.join(work, 'cache'), idleTimeoutMs: 0 });
    let plans: PlanSnapshot[];
    try {
      plans = await snapshotPlans(explainer, path.join(work, 'ws'));
    } finally {
      await explainer.dispose();
    }
    if (process.env.STAKES_WRITE_PLANS === '1') {
      fs.writeFileSync(PLANS_FIXTURE, JSON.stringify(plans, null, 1) + '\n');
      return;
    }
    assert.deepEqual(plans, JSON.parse(fs.readFileSync(PLANS_FIXTURE, 'utf8')));
  });
});
