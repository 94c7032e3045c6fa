import * as assert from 'node:assert/strict';
import type { PlanNode } from '../../../src/core/sql/types';
import {
  ancestorIds, badgesFor, flattenPlan, formatCount, formatMs, misestimate, nodeTitle, planHeader, savingText, visibleRows,
} from '../../../src/webview/planModel';

function node(id: string, nodeType: string, fields: Partial<PlanNode> = {}, children: PlanNode[] = []): PlanNode {
  return { id, nodeType, extra: {}, children, ...fields };
}

/** Limit → Sort → Hash Join (Seq Scan orders, Hash → Seq Scan customers), costs as PostgreSQL reports them. */
function joinPlan(): PlanNode {
  const orders = node('0.0.0.0', 'Seq Scan', { relation: 'orders', alias: 'o', totalCost: 2000, exclusiveCost: 2000, estimatedRows: 500,
    actualRows: 5, loops: 1, actualTotalMs: 40, exclusiveMs: 40, filter: '(customer_id = 42)', rowsRemovedByFilter: 99995 });
  const customers = node('0.0.0.1.0', 'Seq Scan', { relation: 'customers', alias: 'c', totalCost: 200, exclusiveCost: 200, estimatedRows: 10000,
    actualRows: 10000, loops: 1, actualTotalMs: 3, exclusiveMs: 3 });
  const hash = node('0.0.0.1', 'Hash', { totalCost: 200, exclusiveCost: 0, estimatedRows: 10000, actualRows: 10000, loops: 1,
    actualTotalMs: 4, exclusiveMs: 1, hashBatches: 4, parentRelationship: 'Inner' }, [customers]);
  const join = node('0.0.0', 'Hash Join', { operation: 'Left', totalCost: 2300, exclusiveCost: 100, estimatedRows: 500, actualRows: 5,
    loops: 1, actualTotalMs: 45, exclusiveMs: 1 }, [orders, hash]);
  const sort = node('0.0', 'Sort', { totalCost: 2310, exclusiveCost: 10, estimatedRows: 500, actualRows: 5, loops: 1, actualTotalMs: 45.5,
    exclusiveMs: 0.5, sortKey: ['o.created_at DESC'], sortMethod: 'external merge', sortSpaceType: 'Disk', sortSpaceKb: 4500 }, [join]);
  return node('0', 'Limit', { totalCost: 2310, exclusiveCost: 0, estimatedRows: 10, actualRows: 5, loops: 1, actualTotalMs: 45.6, exclusiveMs: 0.1 }, [sort]);
}

describe('planModel (SQL plan view)', () => {
  it('flattens the tree depth-first with parent links and depth', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true, executionMs: 46 });
    assert.deepEqual(rows.map((r) => [r.id, r.depth, r.parentId]), [
      ['0', 0, undefined], ['0.0', 1, '0'], ['0.0.0', 2, '0.0'], ['0.0.0.0', 3, '0.0.0'], ['0.0.0.1', 3, '0.0.0'], ['0.0.0.1.0', 4, '0.0.0.1'],
    ]);
    assert.equal(rows[0].hasChildren, true);
    assert.equal(rows[3].hasChildren, false);
  });

  it('sizes cost bars by exclusive cost as a share of the total and time bars by exclusive time', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true, executionMs: 50 });
    const scan = rows.find((r) => r.id === '0.0.0.0')!;
    assert.ok(Math.abs(scan.costPct - (2000 / 2310) * 100) < 1e-9);
    assert.ok(Math.abs(scan.timePct! - 80) < 1e-9);
    const limit = rows[0];
    assert.equal(limit.costPct, 0);
    // Without ANALYZE there is no time bar and no actual rows.
    const plain = flattenPlan(joinPlan(), { analyzed: false });
    assert.equal(plain[3].timePct, undefined);
    assert.equal(plain[3].actualRows, undefined);
  });

  it('falls back to the root node time when the summary has no execution time', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true });
    const scan = rows.find((r) => r.id === '0.0.0.0')!;
    assert.ok(Math.abs(scan.timePct! - (40 / 45.6) * 100) < 1e-9);
  });

  it('clamps percentages into 0..100 even when the engine reports odd figures', () => {
    const plan = node('0', 'Seq Scan', { totalCost: 10, exclusiveCost: 25, exclusiveMs: -3, actualTotalMs: 1, loops: 1 });
    const [row] = flattenPlan(plan, { analyzed: true, executionMs: 1 });
    assert.equal(row.costPct, 100);
    assert.equal(row.timePct, 0);
  });

  it('gives pev2 badges: slow and costly at 10/40/90 %, misestimate at 10/100/1000×', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true, executionMs: 50 });
    const scan = rows.find((r) => r.id === '0.0.0.0')!;
    const kinds = Object.fromEntries(scan.badges.map((b) => [b.kind, b.level]));
    assert.equal(kinds.slow, 2); // 80 % of execution time
    assert.equal(kinds.costly, 2); // 86.6 % of cost
    // 500 planned vs 5 actual, but under the Limit: an early stop, not a misestimate.
    assert.equal(kinds.misestimate, undefined);
    const free = badgesFor({ ...joinPlan().children[0].children[0].children[0] }, { totalCost: 2310, ancestors: [] });
    const mis = free.find((b) => b.kind === 'misestimate')!;
    assert.equal(mis.level, 1); // 100×: above 10, not above 100
    assert.match(mis.label, /×100 ▼/);
  });

  it('levels badges exactly at the pev2 boundaries (strictly greater than)', () => {
    const ctx = { totalCost: 100, executionMs: 100, ancestors: [] };
    const at = (pct: number) => badgesFor(node('0', 'Seq Scan', { exclusiveCost: pct, exclusiveMs: pct }), ctx);
    assert.deepEqual(at(10).map((b) => b.kind), []);
    assert.deepEqual(at(10.5).map((b) => [b.kind, b.level]), [['slow', 1], ['costly', 1]]);
    assert.deepEqual(at(40.5).map((b) => b.level), [2, 2]);
    assert.deepEqual(at(90.5).map((b) => b.level), [3, 3]);
  });

  it('suppresses over-estimates under a Limit (early stop) but keeps under-estimates', () => {
    const limit = node('0', 'Limit', {});
    const over = node('0.0', 'Seq Scan', { estimatedRows: 10000, actualRows: 10, loops: 1 });
    assert.equal(badgesFor(over, { totalCost: 0, ancestors: [limit] }).filter((b) => b.kind === 'misestimate').length, 0);
    assert.equal(badgesFor(over, { totalCost: 0, ancestors: [] }).find((b) => b.kind === 'misestimate')?.level, 2);
    const under = node('0.0', 'Seq Scan', { estimatedRows: 10, actualRows: 25000, loops: 1 });
    const b = badgesFor(under, { totalCost: 0, ancestors: [limit] }).find((x) => x.kind === 'misestimate');
    assert.equal(b?.level, 3);
    assert.match(b!.label, /×2,500 ▲/);
  });

  it('shows no misestimate on assumed table sizes (the embedded engine has no rows)', () => {
    const n = node('0', 'Seq Scan', { estimatedRows: 100000, actualRows: 0, loops: 1 });
    assert.equal(badgesFor(n, { totalCost: 0, ancestors: [] }).find((b) => b.kind === 'misestimate')?.level, 3);
    assert.equal(badgesFor(n, { totalCost: 0, ancestors: [], estimate: true }).filter((b) => b.kind === 'misestimate').length, 0);
    const rows = flattenPlan(n, { analyzed: true, estimate: true, executionMs: 1 });
    assert.equal(rows[0].badges.filter((b) => b.kind === 'misestimate').length, 0);
  });

  it('computes the misestimate per loop and ignores nodes that never ran', () => {
    assert.deepEqual(misestimate(node('0', 'Index Scan', { estimatedRows: 1, actualRows: 1, loops: 5000 })), { factor: 1, direction: 'under' });
    assert.equal(misestimate(node('0', 'Index Scan', { estimatedRows: 100, actualRows: 0, loops: 0 })), undefined);
    assert.equal(misestimate(node('0', 'Index Scan', { estimatedRows: 100 })), undefined);
  });

  it('flags rows removed by pev2 score (% removed × % time) and spills and heap fetches', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true, executionMs: 50 });
    const scan = rows.find((r) => r.id === '0.0.0.0')!;
    assert.equal(scan.badges.find((b) => b.kind === 'rows-removed')?.level, 3); // ~100 % × 80 % = 8000
    const sort = rows.find((r) => r.id === '0.0')!;
    assert.ok(sort.badges.some((b) => b.kind === 'spill' && /4\.5k kB/.test(b.title)));
    const hash = rows.find((r) => r.id === '0.0.0.1')!;
    assert.ok(hash.badges.some((b) => b.kind === 'spill' && /4 batches/.test(b.title)));
    const ios = node('0', 'Index Only Scan', { actualRows: 100, loops: 1, heapFetches: 50 });
    assert.equal(badgesFor(ios, { totalCost: 0, ancestors: [] }).find((b) => b.kind === 'heap-fetches')?.level, 2);
    const iosAll = node('0', 'Index Only Scan', { actualRows: 100, loops: 1, heapFetches: 95 });
    assert.equal(badgesFor(iosAll, { totalCost: 0, ancestors: [] }).find((b) => b.kind === 'heap-fetches')?.level, 3);
    const iosClean = node('0', 'Index Only Scan', { actualRows: 100, loops: 1, heapFetches: 0 });
    assert.equal(badgesFor(iosClean, { totalCost: 0, ancestors: [] }).length, 0);
  });

  it('does not badge rows removed on a fast node without ANALYZE time', () => {
    const n = node('0', 'Seq Scan', { rowsRemovedByFilter: 50, actualRows: 50, loops: 1 });
    assert.equal(badgesFor(n, { totalCost: 0, ancestors: [] }).length, 0);
  });

  it('marks the nodes findings point at with the worst severity', () => {
    const rows = flattenPlan(joinPlan(), {
      analyzed: false,
      findings: [
        { id: 'slow-node', title: 'x', severity: 'low', nodeId: '0.0.0.0', why: '', action: '', evidence: {} },
        { id: 'indexable-seq-scan', title: 'y', severity: 'high', nodeId: '0.0.0.0', why: '', action: '', evidence: {} },
        { id: 'n-plus-one', title: 'z', severity: 'medium', why: '', action: '', evidence: {} },
      ],
    });
    assert.equal(rows.find((r) => r.id === '0.0.0.0')!.findingSeverity, 'high');
    assert.equal(rows.filter((r) => r.findingSeverity).length, 1);
  });

  it('hides the descendants of collapsed nodes and finds a node\'s ancestors', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: false });
    assert.deepEqual(visibleRows(rows, new Set(['0.0.0'])).map((r) => r.id), ['0', '0.0', '0.0.0']);
    assert.deepEqual(visibleRows(rows, new Set(['0.0.0.1'])).map((r) => r.id), ['0', '0.0', '0.0.0', '0.0.0.0', '0.0.0.1']);
    assert.equal(visibleRows(rows, new Set()).length, rows.length);
    assert.deepEqual(ancestorIds(rows, '0.0.0.1.0'), ['0.0.0.1', '0.0.0', '0.0', '0']);
    assert.deepEqual(ancestorIds(rows, '0'), []);
  });

  it('titles nodes like EXPLAIN text does', () => {
    assert.equal(nodeTitle(node('0', 'Hash Join', { operation: 'Left' })), 'Hash Left Join');
    assert.equal(nodeTitle(node('0', 'Hash Join', { operation: 'Inner' })), 'Hash Join');
    assert.equal(nodeTitle(node('0', 'Nested Loop', { operation: 'Inner' })), 'Nested Loop');
    assert.equal(nodeTitle(node('0', 'Nested Loop', { operation: 'Anti' })), 'Nested Loop Anti Join');
    assert.equal(nodeTitle(node('0', 'Seq Scan', { relation: 'orders', alias: 'o' })), 'Seq Scan on orders o');
    assert.equal(nodeTitle(node('0', 'Seq Scan', { relation: 'orders', alias: 'orders', schema: 'public' })), 'Seq Scan on orders');
    assert.equal(nodeTitle(node('0', 'Index Scan', { relation: 'events', schema: 'audit' })), 'Index Scan on audit.events');
    assert.equal(nodeTitle(node('0', 'Aggregate', { operation: 'Hashed' })), 'HashAggregate');
    assert.equal(nodeTitle(node('0', 'Aggregate', { operation: 'Plain' })), 'Aggregate');
    assert.equal(nodeTitle(node('0', 'ModifyTable', { operation: 'Update', relation: 'orders', alias: 'o' })), 'Update on orders o');
    assert.equal(nodeTitle(node('0', 'Memoize', { operation: 'Whatever' })), 'Memoize (Whatever)');
  });

  it('lists the node details a reviewer needs', () => {
    const rows = flattenPlan(joinPlan(), { analyzed: true, executionMs: 50 });
    const scan = Object.fromEntries(rows.find((r) => r.id === '0.0.0.0')!.details);
    assert.equal(scan.Filter, '(customer_id = 42)');
    assert.equal(scan['Rows removed by filter'], '100k per loop');
    assert.match(scan['Actual rows'], /^5 per loop × 1 loops$/);
    const sort = Object.fromEntries(rows.find((r) => r.id === '0.0')!.details);
    assert.equal(sort['Sort method'], 'external merge (Disk 4.5k kB)');
  });

  it('builds the header with the estimate banner text and parameter note', () => {
    const header = planHeader({
      engine: { kind: 'embedded', version: '18.6', label: 'Embedded PostgreSQL 18.6 (PGlite)' },
      estimate: true,
      assumedRows: { customers: 100000, orders: 5000000 },
      analyzed: false,
      summary: {},
      plan: joinPlan(),
      parameterMode: 'generic-plan',
    });
    assert.equal(header.estimate, true);
    assert.equal(header.assumedRowsText, 'orders 5M, customers 100k');
    assert.equal(header.totalCost, 2310);
    assert.match(header.parameterNote!, /GENERIC_PLAN/);
  });

  it('formats counts, times and savings compactly', () => {
    assert.equal(formatCount(950), '950');
    assert.equal(formatCount(12345), '12.3k');
    assert.equal(formatCount(4_500_000), '4.5M');
    assert.equal(formatCount(undefined), '–');
    assert.equal(formatMs(0.0421), '0.042 ms');
    assert.equal(formatMs(2500), '2.50 s');
    assert.equal(savingText(2038, 22.95), '−99%');
    assert.equal(savingText(0, 1), '');
  });
});
