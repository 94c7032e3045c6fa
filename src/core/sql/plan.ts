/**
 * One plan tree for every engine. PostgreSQL JSON maps almost 1:1; MySQL/MariaDB FORMAT=JSON
 * (a JSON *string*) is a nest of query blocks and nested loops; SQLite EXPLAIN QUERY PLAN is a flat
 * list of (id, parent, detail) rows.
 */
import type { PlanBuffers, PlanNode, PlanSummary } from './types';

// ------------------------------------------------------------------ PostgreSQL

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] };

/** Parses `EXPLAIN (FORMAT JSON)` output (already parsed by pg/PGlite, or the JSON text). */
export function parsePostgresPlan(raw: unknown): { plan: PlanNode; summary: PlanSummary } {
  let doc = raw;
  if (typeof doc === 'string') doc = JSON.parse(doc);
  if (Array.isArray(doc)) doc = doc[0];
  const top = doc as Record<string, unknown> | undefined;
  if (!top || typeof top !== 'object' || !top.Plan) throw new Error('EXPLAIN output has no "Plan" (not a PostgreSQL JSON plan)');
  const plan = pgNode(top.Plan as PgPlan, '0');
  computeExclusive(plan);
  const summary: PlanSummary = {
    planningMs: num(top['Planning Time']),
    executionMs: num(top['Execution Time']),
    totalCost: plan.totalCost,
  };
  return { plan, summary };
}

const PG_KNOWN = new Set([
  'Node Type', 'Plans', 'Relation Name', 'Schema', 'Alias', 'Index Name', 'Plan Rows', 'Actual Rows', 'Actual Loops',
  'Startup Cost', 'Total Cost', 'Actual Startup Time', 'Actual Total Time', 'Plan Width', 'Filter', 'Index Cond',
  'Join Filter', 'Hash Cond', 'Rows Removed by Filter', 'Rows Removed by Join Filter', 'Rows Removed by Index Recheck',
  'Heap Fetches', 'Sort Key', 'Sort Method', 'Sort Space Type', 'Sort Space Used', 'Hash Batches', 'Lossy Heap Blocks',
  'Parent Relationship', 'Subplan Name', 'Join Type', 'Strategy', 'Operation', 'Shared Hit Blocks', 'Shared Read Blocks',
  'Shared Dirtied Blocks', 'Shared Written Blocks', 'Local Hit Blocks', 'Local Read Blocks', 'Temp Read Blocks', 'Temp Written Blocks',
]);

function pgNode(p: PgPlan, id: string): PlanNode {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (!PG_KNOWN.has(k)) extra[k] = v;
  const buffers: PlanBuffers = {};
  const b = (key: keyof PlanBuffers, field: string): void => { const v = num(p[field]); if (v !== undefined) buffers[key] = v; };
  b('sharedHit', 'Shared Hit Blocks'); b('sharedRead', 'Shared Read Blocks'); b('sharedDirtied', 'Shared Dirtied Blocks');
  b('sharedWritten', 'Shared Written Blocks'); b('localHit', 'Local Hit Blocks'); b('localRead', 'Local Read Blocks');
  b('tempRead', 'Temp Read Blocks'); b('tempWritten', 'Temp Written Blocks');
  const node: PlanNode = clean({
    id,
    nodeType: String(p['Node Type'] ?? 'Unknown'),
    operation: str(p['Join Type']) ?? str(p.Strategy) ?? str(p.Operation),
    relation: str(p['Relation Name']),
    schema: str(p.Schema),
    alias: str(p.Alias),
    index: str(p['Index Name']),
    estimatedRows: num(p['Plan Rows']),
    actualRows: num(p['Actual Rows']),
    loops: num(p['Actual Loops']),
    startupCost: num(p['Startup Cost']),
    totalCost: num(p['Total Cost']),
    actualStartupMs: num(p['Actual Startup Time']),
    actualTotalMs: num(p['Actual Total Time']),
    width: num(p['Plan Width']),
    buffers: Object.keys(buffers).length ? buffers : undefined,
    filter: str(p.Filter),
    indexCondition: str(p['Index Cond']) ?? str(p['Recheck Cond']),
    joinFilter: str(p['Join Filter']),
    hashCondition: str(p['Hash Cond']) ?? str(p['Merge Cond']),
    rowsRemovedByFilter: num(p['Rows Removed by Filter']),
    rowsRemovedByJoinFilter: num(p['Rows Removed by Join Filter']),
    rowsRemovedByIndexRecheck: num(p['Rows Removed by Index Recheck']),
    heapFetches: num(p['Heap Fetches']),
    sortKey: Array.isArray(p['Sort Key']) ? (p['Sort Key'] as unknown[]).map(String) : undefined,
    sortMethod: str(p['Sort Method']),
    sortSpaceType: str(p['Sort Space Type']),
    sortSpaceKb: num(p['Sort Space Used']),
    hashBatches: num(p['Hash Batches']),
    lossyHeapBlocks: num(p['Lossy Heap Blocks']),
    parentRelationship: str(p['Parent Relationship']),
    subplanName: str(p['Subplan Name']),
    extra,
    children: (p.Plans ?? []).map((c, i) => pgNode(c, `${id}.${i}`)),
  });
  return node;
}

/** Exclusive cost and time: the node's own share, children subtracted (time × loops, as depesz does). */
export function computeExclusive(node: PlanNode): void {
  for (const c of node.children) computeExclusive(c);
  if (node.totalCost !== undefined) {
    const childCost = node.children.filter((c) => c.parentRelationship !== 'InitPlan').reduce((s, c) => s + (c.totalCost ?? 0), 0);
    node.exclusiveCost = Math.max(0, round(node.totalCost - childCost));
  }
  if (node.actualTotalMs !== undefined) {
    const total = node.actualTotalMs * (node.loops ?? 1);
    const childTime = node.children.filter((c) => c.parentRelationship !== 'InitPlan' && c.nodeType !== 'CTE Scan')
      .reduce((s, c) => s + (c.actualTotalMs ?? 0) * (c.loops ?? 1), 0);
    node.exclusiveMs = Math.max(0, round(total - childTime));
  }
}

// ------------------------------------------------------------------ MySQL / MariaDB

/**
 * MySQL and MariaDB `EXPLAIN FORMAT=JSON` / MariaDB `ANALYZE FORMAT=JSON`. Tables in a nested loop
 * become a left-deep chain of "Nested Loop" nodes so the tree reads like PostgreSQL's.
 */
/**
 * MySQL/MariaDB `EXPLAIN FORMAT=JSON` text as the server writes it. MariaDB prints conditions inside
 * JSON strings with SQL's own quoting: `'o\'brien'` (an escape JSON does not know), and double
 * quotes, tabs and newlines of literals unescaped (`'q"uote'`). Inside a JSON string, a `"` within a
 * SQL '…' literal is part of it; unknown escapes keep their character. Linear in the text.
 */
export function parseExplainJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Fall through to the tolerant reading.
  }
  let out = '';
  let inString = false;
  let inSqlLiteral = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inString) {
      if (c === '"') { inString = true; inSqlLiteral = false; }
      out += c;
      continue;
    }
    if (c === '\\') {
      const n = text[i + 1];
      i++;
      if (n === undefined) out += '\\\\';
      else if (n === "'") out += "'"; // an escaped quote inside a SQL literal: does not end it
      else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) { out += text.slice(i - 1, i + 5); i += 4; }
      else if ('"\\/bfnrt'.includes(n)) out += c + n;
      else out += `\\\\${n}`; // \% \_ \0 …: the backslash is kept as a character
      continue;
    }
    if (c === "'") inSqlLiteral = !inSqlLiteral;
    if (c === '"') {
      if (inSqlLiteral) { out += '\\"'; continue; }
      inString = false;
      out += c;
      continue;
    }
    if (c < ' ') { out += c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`; continue; }
    out += c;
  }
  return JSON.parse(out);
}

export function parseMysqlPlan(raw: unknown): { plan: PlanNode; summary: PlanSummary } {
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
  const qb = (doc.query_block ?? doc) as Record<string, unknown>;
  const plan = mysqlBlock(qb, '0');
  const costInfo = qb.cost_info as Record<string, unknown> | undefined;
  const totalCost = num(costInfo?.query_cost) ?? plan.totalCost;
  if (totalCost !== undefined) plan.totalCost = totalCost;
  computeExclusive(plan);
  const opt = qb.query_optimization as Record<string, unknown> | undefined;
  return { plan, summary: { planningMs: num(opt?.r_total_time_ms), executionMs: num(qb.r_total_time_ms), totalCost } };
}

function mysqlBlock(qb: Record<string, unknown>, id: string): PlanNode {
  const children: PlanNode[] = [];
  const wrap = (nodeType: string, inner: Record<string, unknown>, extraFields: Partial<PlanNode>): PlanNode => {
    const child = mysqlBlock(inner, `${id}.0`);
    return clean<PlanNode>({ id, nodeType, extra: {}, ...extraFields, children: [child], estimatedRows: child.estimatedRows, totalCost: child.totalCost });
  };
  if (qb.ordering_operation) return wrap('Sort', qb.ordering_operation as Record<string, unknown>, sortFields(qb.ordering_operation as Record<string, unknown>));
  if (qb.grouping_operation) return wrap('Aggregate', qb.grouping_operation as Record<string, unknown>, sortFields(qb.grouping_operation as Record<string, unknown>));
  if (qb.duplicates_removal) return wrap('Unique', qb.duplicates_removal as Record<string, unknown>, {});
  // MariaDB wraps `filesort` in `read_sorted_file`: one Sort node, not two.
  if (qb.read_sorted_file) return mysqlBlock(qb.read_sorted_file as Record<string, unknown>, id);
  if (qb.filesort) {
    const fs = qb.filesort as Record<string, unknown>;
    return wrap('Sort', fs, { sortKey: str(fs.sort_key) ? [String(fs.sort_key)] : undefined, sortMethod: 'filesort', extra: pick(fs, ['r_used_priority_queue', 'r_output_rows', 'r_buffer_size', 'r_sort_mode']) });
  }
  if (qb.temporary_table) return wrap('Materialize', qb.temporary_table as Record<string, unknown>, { detail: 'temporary table' });
  const loop = (qb.nested_loop as Array<Record<string, unknown>> | undefined) ?? (qb.table ? [{ table: qb.table }] : []);
  let acc: PlanNode | undefined;
  for (const item of loop) {
    const node = item.table ? mysqlTable(item.table as Record<string, unknown>, '') : mysqlBlock(item, '');
    if (!acc) acc = node;
    else {
      const rows = (acc.estimatedRows ?? 1) * (node.estimatedRows ?? 1);
      acc = clean<PlanNode>({ id: '', nodeType: 'Nested Loop', operation: 'Inner', estimatedRows: rows, extra: {}, children: [acc, node], totalCost: sumCost(acc, node) });
    }
  }
  for (const key of ['union_result', 'subqueries', 'materialized_from_subquery']) {
    if (qb[key]) children.push(clean<PlanNode>({ id: '', nodeType: key, extra: pick(qb, [key]), children: [] }));
  }
  const root = acc ?? clean<PlanNode>({ id, nodeType: qb.message ? 'Result' : 'Query Block', detail: str(qb.message) ?? str((qb.table as Record<string, unknown> | undefined)?.message), extra: {}, children: [] });
  if (children.length) root.children.push(...children);
  renumber(root, id);
  return root;
}

function sortFields(o: Record<string, unknown>): Partial<PlanNode> {
  const extra: Record<string, unknown> = {};
  if (o.using_filesort !== undefined) extra.using_filesort = o.using_filesort;
  if (o.using_temporary_table !== undefined) extra.using_temporary_table = o.using_temporary_table;
  return { extra, sortMethod: o.using_filesort ? 'filesort' : undefined };
}

const MYSQL_ACCESS: Record<string, string> = {
  ALL: 'Full Table Scan', index: 'Full Index Scan', range: 'Index Range Scan', ref: 'Index Lookup', eq_ref: 'Unique Index Lookup',
  const: 'Constant Lookup', system: 'Constant Lookup', ref_or_null: 'Index Lookup', index_merge: 'Index Merge', fulltext: 'Fulltext Index',
  hash_ALL: 'Hash Join Scan', hash_index: 'Hash Join Scan', hash_range: 'Hash Join Scan',
};

function mysqlTable(t: Record<string, unknown>, id: string): PlanNode {
  const access = String(t.access_type ?? '');
  const rows = num(t.rows) ?? num(t.rows_examined_per_scan);
  const filtered = num(t.filtered);
  const rRows = num(t.r_rows);
  const rFiltered = num(t.r_filtered);
  const costInfo = t.cost_info as Record<string, unknown> | undefined;
  const known = new Set(['table_name', 'access_type', 'rows', 'rows_examined_per_scan', 'filtered', 'r_rows', 'r_filtered', 'key', 'attached_condition', 'r_loops', 'r_total_time_ms', 'cost_info', 'used_key_parts', 'r_table_time_ms', 'r_other_time_ms']);
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!known.has(k)) extra[k] = v;
  extra.access_type = access;
  if (filtered !== undefined) extra.filtered = filtered;
  const loops = num(t.r_loops);
  const estimatedOut = rows !== undefined ? rows * ((filtered ?? 100) / 100) : undefined;
  const actualOut = rRows !== undefined ? rRows * ((rFiltered ?? 100) / 100) : undefined;
  return clean({
    id,
    nodeType: MYSQL_ACCESS[access] ?? (access || 'Table'),
    relation: str(t.table_name),
    index: str(t.key),
    estimatedRows: estimatedOut,
    actualRows: actualOut,
    loops,
    totalCost: num(costInfo?.prefix_cost) ?? num(costInfo?.read_cost),
    actualTotalMs: num(t.r_table_time_ms) ?? num(t.r_total_time_ms),
    filter: str(t.attached_condition),
    indexCondition: Array.isArray(t.used_key_parts) ? `${(t.used_key_parts as string[]).join(', ')}` : undefined,
    rowsRemovedByFilter: rRows !== undefined && actualOut !== undefined ? Math.round(rRows - actualOut) : undefined,
    detail: `access_type=${access}${rows !== undefined ? ` rows=${rows}` : ''}${filtered !== undefined ? ` filtered=${filtered}%` : ''}`,
    extra: { ...extra, rowsExamined: rows, rRowsExamined: rRows },
    children: [],
  });
}

function sumCost(a: PlanNode, b: PlanNode): number | undefined {
  if (a.totalCost === undefined && b.totalCost === undefined) return undefined;
  return Math.max(a.totalCost ?? 0, b.totalCost ?? 0);
}

function renumber(node: PlanNode, id: string): void {
  node.id = id;
  node.children.forEach((c, i) => renumber(c, `${id}.${i}`));
}

/**
 * MySQL/MariaDB have no comparable cost in MariaDB 10.x JSON; the advisor compares "rows examined":
 * for a nested loop, each table's rows times the rows that reach it.
 */
export function mysqlRowsExamined(plan: PlanNode): number {
  const tables: PlanNode[] = [];
  const walk = (n: PlanNode): void => { if (n.relation) tables.push(n); n.children.forEach(walk); };
  walk(plan);
  let fanout = 1;
  let total = 0;
  for (const t of tables) {
    const examined = Number(t.extra.rowsExamined ?? t.estimatedRows ?? 1);
    total += fanout * examined;
    fanout *= Math.max(1, t.estimatedRows ?? 1);
  }
  return total;
}

// ------------------------------------------------------------------ SQLite

export interface SqliteEqpRow { id: number; parent: number; detail: string }

/** Builds the tree from EXPLAIN QUERY PLAN rows; costs are estimated rows visited (see sqliteCost). */
export interface SqliteEstimators {
  tableRows: (table: string) => number | undefined;
  indexRowsPerKey: (index: string, eqColumns: number) => number | undefined;
  /** Rows a range condition on the column keeps, when it can be counted (literal bounds). */
  rangeRows?: (table: string, column: string) => number | undefined;
}

export function parseSqlitePlan(rows: SqliteEqpRow[], est: SqliteEstimators): { plan: PlanNode; summary: PlanSummary } {
  const root: PlanNode = { id: '0', nodeType: 'Query', extra: {}, children: [] };
  const byId = new Map<number, PlanNode>();
  for (const r of rows) {
    const node = sqliteNode(r.detail, est);
    byId.set(r.id, node);
    const parent = byId.get(r.parent) ?? root;
    parent.children.push(node);
  }
  renumber(root, '0');
  // Visited rows multiply through nested scans: a SEARCH under a SCAN runs once per outer row.
  let fanout = 1;
  let total = 0;
  const walk = (n: PlanNode): void => {
    if (n.relation) {
      total += fanout * (n.totalCost ?? 0);
      fanout *= Math.max(1, n.estimatedRows ?? 1);
    } else if (/TEMP B-TREE/.test(n.detail ?? '')) {
      total += fanout * Math.log2(Math.max(2, fanout));
    }
    n.children.forEach(walk);
  };
  walk(root);
  root.totalCost = round(total);
  root.estimatedRows = fanout;
  computeExclusive(root);
  return { plan: root, summary: { totalCost: root.totalCost } };
}

function sqliteNode(detail: string, est: SqliteEstimators): PlanNode {
  const m = /^(SCAN|SEARCH)\s+(?:TABLE\s+)?("?[\w.]+"?)(?:\s+AS\s+(\w+))?(?:\s+USING\s+(COVERING\s+INDEX|INDEX|AUTOMATIC\s+(?:COVERING\s+)?INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\s*(\S+)?\s*(?:\((.*)\))?)?/i.exec(detail);
  if (!m) {
    const nodeType = /TEMP B-TREE/.test(detail) ? 'Sort (temp b-tree)' : /SUBQUERY/.test(detail) ? 'SubPlan' : /^COMPOUND|UNION/.test(detail) ? 'Append' : detail.split(/\s+/).slice(0, 2).join(' ');
    return { id: '', nodeType, detail, extra: {}, children: [], ...(/CORRELATED/.test(detail) ? { parentRelationship: 'SubPlan' } : {}) };
  }
  const [, op, tableRaw, alias, using, indexName, cond] = m;
  const table = tableRaw.replace(/"/g, '');
  const n = est.tableRows(table) ?? 1000;
  let rows = n;
  let index: string | undefined;
  if (op.toUpperCase() === 'SEARCH') {
    const conds = (cond ?? '').split(/\s+AND\s+/i).filter(Boolean);
    const eq = conds.filter((c) => /=\?$/.test(c.replace(/\s/g, ''))).length;
    const ranged = conds.length - eq;
    if (/PRIMARY KEY/i.test(using ?? '')) { rows = eq > 0 ? 1 : n / 4; index = 'PRIMARY KEY'; }
    else {
      index = indexName;
      const perKey = index && eq > 0 ? est.indexRowsPerKey(index, eq) : undefined;
      rows = eq > 0 ? (perKey ?? Math.max(1, n / 10)) : n;
      if (ranged > 0) {
        // Count what the range keeps when the bound is a literal; otherwise SQLite's own rule of
        // thumb (a one-sided range keeps ~1/4, a two-sided one ~1/64).
        const col = /^\(?\s*"?(\w+)"?\s*[<>]/.exec(conds[conds.length - 1] ?? '')?.[1];
        const counted = col && eq === 0 ? est.rangeRows?.(table, col) : undefined;
        rows = counted ?? rows / (ranged >= 2 || /<.*>|>.*</.test(cond ?? '') ? 64 : 4);
      }
    }
  } else if (using && /INDEX/i.test(using)) index = indexName;
  const nodeType = op.toUpperCase() === 'SCAN' ? (using && /COVERING/i.test(using) ? 'Full Index Scan' : using ? 'Full Index Scan' : 'Seq Scan') : 'Index Search';
  return clean({
    id: '', nodeType, relation: table, alias, index, indexCondition: cond, estimatedRows: Math.max(1, round(rows)),
    totalCost: Math.max(1, round(rows)), detail, extra: { using }, children: [],
  });
}

// ------------------------------------------------------------------ helpers

export function walkPlan(node: PlanNode, visit: (n: PlanNode, parents: PlanNode[]) => void, parents: PlanNode[] = []): void {
  visit(node, parents);
  for (const c of node.children) walkPlan(c, visit, [...parents, node]);
}

export function findNode(root: PlanNode, id: string): PlanNode | undefined {
  let found: PlanNode | undefined;
  walkPlan(root, (n) => { if (n.id === id) found = n; });
  return found;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
