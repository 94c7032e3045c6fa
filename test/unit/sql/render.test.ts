import * as assert from 'node:assert/strict';
import { resultSummary } from '../../../src/core/sql/render';

describe('sql render', () => {
  it('summarises a result for the CodeLens', () => {
    const finding = { id: 'indexable-seq-scan' as const, title: 't', severity: 'high' as const, why: '', action: '', evidence: {} };
    const suggestion = { table: 'orders', columns: ['status'], statement: 'CREATE INDEX CONCURRENTLY ON orders (status)', costBefore: 100, costAfter: 10, reduction: 0.9, method: 'trial-index' as const, planAfter: { id: '0', nodeType: 'Index Scan', extra: {}, children: [] } };
    assert.equal(resultSummary({ findings: [], suggestions: [], estimate: false }), 'no problems');
    assert.equal(resultSummary({ findings: [finding], suggestions: [suggestion], estimate: true }), '1 problem · 1 verified index · estimate');
    assert.equal(resultSummary({ findings: [finding, finding], suggestions: [suggestion, suggestion], estimate: false }), '2 problems · 2 verified indexes');
  });
});
