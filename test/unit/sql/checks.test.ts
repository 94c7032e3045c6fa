import * as assert from 'node:assert/strict';
import { parseMysqlPlan, parsePostgresPlan, parseSqlitePlan } from '../../../src/core/sql/plan';
import { runChecks, type CheckContext } from '../../../src/core/sql/checks';
import { predicateColumns } from '../../../src/core/sql/predicates';
import { changesData } from '../../../src/core/sql/safety';
import type { SqlCheckId } from '../../../src/core/sql/types';

/** A PostgreSQL EXPLAIN (ANALYZE, FORMAT JSON) document around one plan. */
const pg = (plan: object, executionMs = 200): unknown => [{ Plan: plan, 'Planning Time': 0.2, 'Execution Time': executionMs }];
const ctx = (sql: string, over: Partial<CheckContext> = {}): CheckContext => ({
  engine: 'postgres', analyzed: true, estimate: false, sql, summary: { executionMs: 200 }, tableRows: {}, indexes: {}, ...over,
});
const ids = (fs: Array<{ id: SqlCheckId }>): SqlCheckId[] => fs.map((f) => f.id).sort();

describe('sql: plan normalization', () => {
  it('maps PostgreSQL JSON to the common tree with exclusive cost and time', () => {
    const { plan, summary } = parsePostgresPlan(pg({
      'Node Type': 'Hash Join', 'Join Type': 'Inner', 'Total Cost': 300, 'Plan Rows': 10, 'Actual Rows': 12, 'Actual Loops': 1, 'Actual Total Time': 50,
      'Hash Cond': '(o.customer_id = c.id)',
      Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 200, 'Plan Rows': 100, 'Actual Rows': 100, 'Actual Loops': 1, 'Actual Total Time': 30, 'Shared Hit Blocks': 5, 'Shared Read Blocks': 7 },
        { 'Node Type': 'Hash', 'Total Cost': 50, 'Actual Total Time': 10, 'Actual Loops': 1, 'Hash Batches': 1, Plans: [] },
      ],
    }));
    assert.equal(plan.nodeType, 'Hash Join');
    assert.equal(plan.operation, 'Inner');
    assert.equal(plan.exclusiveCost, 50);
    assert.equal(plan.exclusiveMs, 10);
    assert.equal(plan.children[0].id, '0.0');
    assert.deepEqual(plan.children[0].buffers, { sharedHit: 5, sharedRead: 7 });
    assert.equal(summary.executionMs, 200);
  });

  it('maps MariaDB FORMAT=JSON (a JSON string) with filesort and a nested loop', () => {
    const raw = JSON.stringify({ query_block: { select_id: 1, read_sorted_file: { filesort: { sort_key: 'o.created_at', table: { table_name: 'o', access_type: 'ALL', rows: 100152, filtered: 100, attached_condition: "o.`status` = 'paid'" } } } } });
    const { plan } = parseMysqlPlan(raw);
    assert.equal(plan.nodeType, 'Sort');
    assert.equal(plan.children[0].nodeType, 'Full Table Scan');
    assert.equal(plan.children[0].relation, 'o');
    assert.equal(plan.children[0].estimatedRows, 100152);
    const nested = parseMysqlPlan({ query_block: { nested_loop: [
      { table: { table_name: 'o', access_type: 'ALL', rows: 1000, filtered: 10 } },
      { table: { table_name: 'c', access_type: 'eq_ref', key: 'PRIMARY', rows: 1, filtered: 100 } },
    ] } }).plan;
    assert.equal(nested.nodeType, 'Nested Loop');
    assert.deepEqual(nested.children.map((c) => c.nodeType), ['Full Table Scan', 'Unique Index Lookup']);
  });

  it('builds the SQLite tree from EXPLAIN QUERY PLAN rows with a rows-visited cost', () => {
    const { plan } = parseSqlitePlan([
      { id: 2, parent: 0, detail: 'SCAN o' },
      { id: 5, parent: 0, detail: 'SEARCH c USING INTEGER PRIMARY KEY (rowid=?)' },
      { id: 9, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY' },
    ], { tableRows: (t) => (t === 'o' ? 5000 : 100), indexRowsPerKey: () => undefined });
    assert.deepEqual(plan.children.map((c) => c.nodeType), ['Seq Scan', 'Index Search', 'Sort (temp b-tree)']);
    assert.ok((plan.totalCost ?? 0) >= 5000 + 5000, 'outer scan plus one lookup per outer row');
  });
});

describe('sql: checks', () => {
  it('indexable seq scan: most rows removed by a col = const filter, on at least 3 pages', () => {
    const { plan, summary } = parsePostgresPlan(pg({ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'orders', 'Total Cost': 2038, 'Plan Rows': 5, 'Actual Rows': 5, 'Actual Loops': 1, 'Plan Width': 40, Filter: '(customer_id = 4242)', 'Rows Removed by Filter': 99995, 'Actual Total Time': 12 }));
    const f = runChecks(plan, ctx('SELECT * FROM orders WHERE customer_id = 4242', { summary }));
    assert.deepEqual(ids(f), ['indexable-seq-scan']);
    assert.equal(f[0].severity, 'high');
    assert.equal(f[0].evidence.rowsRemoved, 99995);
    // Keeping most rows is not indexable.
    const keeps = parsePostgresPlan(pg({ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Total Cost': 2038, 'Plan Rows': 90000, 'Actual Rows': 90000, 'Actual Loops': 1, 'Plan Width': 40, Filter: '(amount > 1)', 'Rows Removed by Filter': 10000, 'Actual Total Time': 12 }));
    assert.ok(!ids(runChecks(keeps.plan, ctx('SELECT * FROM orders WHERE amount > 1 LIMIT 5'))).includes('indexable-seq-scan'));
  });

  it('row misestimates ≥10×, but not under a Limit (early stop)', () => {
    const node = { 'Node Type': 'Seq Scan', 'Relation Name': 't', 'Total Cost': 50, 'Plan Rows': 124, 'Actual Rows': 25000, 'Actual Loops': 1, 'Plan Width': 8, 'Actual Total Time': 5 };
    const f = runChecks(parsePostgresPlan(pg(node)).plan, ctx('SELECT * FROM t LIMIT 100000'));
    assert.equal(f.find((x) => x.id === 'row-misestimate')?.evidence.factor, 202);
    const limited = parsePostgresPlan(pg({ 'Node Type': 'Limit', 'Total Cost': 60, 'Plan Rows': 10, 'Actual Rows': 10, 'Actual Loops': 1, Plans: [{ ...node, 'Plan Rows': 2480, 'Actual Rows': 10 }] }));
    assert.ok(!ids(runChecks(limited.plan, ctx('SELECT * FROM t LIMIT 10'))).includes('row-misestimate'));
  });

  it('disk spills, heap fetches, repeated subplans, lossy bitmaps', () => {
    const { plan } = parsePostgresPlan(pg({
      'Node Type': 'Sort', 'Total Cost': 9000, 'Plan Rows': 200000, 'Actual Rows': 200000, 'Actual Loops': 1, 'Sort Key': ['note'], 'Sort Method': 'external merge', 'Sort Space Type': 'Disk', 'Sort Space Used': 4500, 'Actual Total Time': 150,
      Plans: [{
        'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Total Cost': 2000, 'Plan Rows': 200000, 'Actual Rows': 200000, 'Actual Loops': 1, 'Actual Total Time': 20,
        Plans: [
          { 'Node Type': 'Aggregate', 'Parent Relationship': 'SubPlan', 'Subplan Name': 'SubPlan 1', 'Total Cost': 10, 'Actual Loops': 5000, 'Actual Rows': 1, 'Plan Rows': 1, 'Actual Total Time': 0.01,
            Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'items', 'Total Cost': 9, 'Actual Loops': 5000, 'Actual Rows': 2, 'Plan Rows': 2, Filter: '(order_id = o.id)', 'Rows Removed by Filter': 900, 'Actual Total Time': 0.01 }] },
          { 'Node Type': 'Index Only Scan', 'Relation Name': 'c', 'Index Name': 'c_pkey', 'Parent Relationship': 'InitPlan', 'Total Cost': 1, 'Actual Loops': 1, 'Actual Rows': 100, 'Plan Rows': 100, 'Heap Fetches': 95, 'Actual Total Time': 0.1 },
          { 'Node Type': 'Bitmap Heap Scan', 'Relation Name': 'p', 'Parent Relationship': 'InitPlan', 'Total Cost': 1, 'Actual Loops': 1, 'Actual Rows': 100, 'Plan Rows': 100, 'Lossy Heap Blocks': 40, 'Actual Total Time': 0.1 },
        ],
      }],
    }));
    const found = ids(runChecks(plan, ctx('SELECT o.*, (SELECT count(*) FROM items WHERE order_id = o.id) FROM orders o ORDER BY note')));
    for (const id of ['disk-spill', 'heap-fetches', 'repeated-inner-work', 'lossy-bitmap', 'missing-limit'] as const) assert.ok(found.includes(id), `${id} in ${found}`);
  });

  it('functions and casts on an indexed column, and leading-wildcard LIKE', () => {
    const { plan } = parsePostgresPlan(pg({ 'Node Type': 'Seq Scan', 'Relation Name': 'users', Alias: 'u', 'Total Cost': 500, 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Plan Width': 40, Filter: "((lower(email) = 'a@b.c'::text) AND ((created_at)::date = '2024-01-01'::date) AND ((name)::text ~~ '%son'::text))", 'Rows Removed by Filter': 9999, 'Actual Total Time': 3 }));
    const f = runChecks(plan, ctx("SELECT * FROM users u WHERE lower(email) = 'a@b.c' AND created_at::date = '2024-01-01' AND name LIKE '%son'", { indexes: { users: [['email'], ['created_at']] } }));
    const ns = f.filter((x) => x.id === 'non-sargable-predicate');
    assert.deepEqual(ns.map((x) => x.evidence.column).sort(), ['created_at', 'email']);
    assert.ok(ns.every((x) => x.severity === 'medium' && /defeats its index/.test(x.title)));
    assert.ok(f.some((x) => x.id === 'leading-wildcard-like' && x.evidence.pattern === "'%son'"));
  });

  it('a cast to text is harmless on a text column but defeats the index of an integer column', () => {
    const { plan } = parsePostgresPlan(pg({ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Total Cost': 500, 'Plan Rows': 1, 'Plan Width': 40, Filter: "(((customer_id)::text = '42'::text) AND ((status)::text = 'paid'::text))" }));
    const f = runChecks(plan, ctx("SELECT * FROM orders WHERE customer_id::text = '42' AND status = 'paid'", {
      analyzed: false, indexes: { orders: [['customer_id'], ['status']] }, columnTypes: { orders: { customer_id: 'integer', status: 'character varying(20)' } },
    }));
    assert.deepEqual(f.filter((x) => x.id === 'non-sargable-predicate').map((x) => `${x.evidence.column}${x.evidence.wrapper}`), ['customer_id::text']);
  });

  it('reads columns from plan filters without mistaking casts, strings or parameters for columns', () => {
    const p = predicateColumns("((o.status)::text = 'paid'::text) AND (o.created_at > $1) AND (lower(c.email) = 'x = y')");
    assert.deepEqual(p.map((x) => [x.qualifier, x.column, x.kind, x.wrapped ?? '']), [
      ['o', 'status', 'equality', ''], ['o', 'created_at', 'range', ''], ['c', 'email', 'equality', 'lower()'],
    ]);
  });

  it('knows which statements change data (ANALYZE needs confirmation)', () => {
    for (const s of ['DELETE FROM t', 'UPDATE t SET a = 1', 'INSERT INTO t VALUES (1)', 'WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'SELECT * INTO new_t FROM t', 'TRUNCATE t', 'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE']) assert.ok(changesData(s), s);
    for (const s of ['SELECT * FROM t', '  -- c\n select 1', "SELECT 'DELETE FROM t'", 'WITH x AS (SELECT 1) SELECT * FROM x', 'SELECT a INTO @v FROM t']) assert.ok(!changesData(s), s);
  });
});
