/**
 * Plan checks. Thresholds follow pev2, depesz's Pg::Explain::Hinter, postgres.ai Joe and Dexter
 * (see shared notes); each finding says why it matters and what to do.
 * Checks that need real executions (misestimates, spills, heap fetches) only run on ANALYZE plans.
 */
import { walkPlan } from './plan';
import { leadingWildcardLikes, predicateColumns, sqlClauses, tableRefs } from './predicates';
import { nPlusOneFindings } from './loops';
import type { EngineKind, ExtractedStatement, PlanNode, PlanSummary, Severity, SqlFinding } from './types';

export interface CheckContext {
  engine: EngineKind;
  /** 'mysql' plans come from MySQL or MariaDB; 'sqlite' from EXPLAIN QUERY PLAN. */
  analyzed: boolean;
  /** Costs rest on assumed table sizes. */
  estimate: boolean;
  sql: string;
  summary: PlanSummary;
  /** Estimated total rows per table (lower-case name). */
  tableRows: Record<string, number>;
  /** Existing indexes per table: each index's columns in order (lower-case; expressions as written). */
  indexes: Record<string, string[][]>;
  /** Column types per table (lower-case), when the engine reports them. */
  columnTypes?: Record<string, Record<string, string>>;
  source?: ExtractedStatement;
}

const PAGE = 8192;

export function runChecks(plan: PlanNode, ctx: CheckContext): SqlFinding[] {
  const findings: SqlFinding[] = [];
  const add = (f: SqlFinding): void => { findings.push(f); };
  walkPlan(plan, (node, parents) => {
    if (ctx.engine === 'sqlite') { sqliteChecks(node, parents, ctx, add); return; }
    if (ctx.engine === 'mysql') { mysqlChecks(node, ctx, add); return; }
    indexableSeqScan(node, ctx, add);
    indexScanFiltering(node, ctx, add);
    misestimate(node, parents, ctx, add);
    diskSpill(node, ctx, add);
    repeatedInnerWork(node, parents, ctx, add);
    heapFetches(node, ctx, add);
    lossyBitmap(node, ctx, add);
    slowNode(node, ctx, add);
  });
  nonSargable(plan, ctx, add);
  leadingWildcard(plan, ctx, add);
  missingLimit(plan, ctx, add);
  if (ctx.source) findings.push(...nPlusOneFindings([ctx.source]));
  return dedupe(findings).sort((a, b) => SEV[b.severity] - SEV[a.severity]);
}

const SEV: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

function dedupe(fs: SqlFinding[]): SqlFinding[] {
  const seen = new Set<string>();
  return fs.filter((f) => { const k = `${f.id}|${f.nodeId ?? ''}|${f.relation ?? ''}|${f.title}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const isScan = (n: PlanNode): boolean => /Seq Scan$/.test(n.nodeType);
const totalActual = (n: PlanNode): number => (n.actualRows ?? 0) * (n.loops ?? 1);

function tableSize(ctx: CheckContext, relation: string | undefined): number | undefined {
  return relation ? ctx.tableRows[relation.toLowerCase()] : undefined;
}

/** depesz INDEXABLE_SEQSCAN: ≥3 pages processed and ≥⅔ of the rows thrown away by a `col op const` filter. */
function indexableSeqScan(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!isScan(node) || !node.filter) return;
  const preds = predicateColumns(node.filter).filter((p) => p.kind !== 'other' && !p.wrapped);
  if (preds.length === 0) return;
  let kept: number;
  let removed: number;
  if (ctx.analyzed && node.actualRows !== undefined) {
    kept = totalActual(node);
    removed = (node.rowsRemovedByFilter ?? 0) * (node.loops ?? 1);
    if ((kept + removed) * (node.width ?? 8) <= 3 * PAGE || removed <= 2 * kept) return;
  } else {
    // Plain EXPLAIN: Dexter's bar (cost ≥ 100) and the planner's own estimate of what the filter keeps.
    const size = tableSize(ctx, node.relation);
    kept = node.estimatedRows ?? 0;
    if ((node.totalCost ?? 0) < 100 || size === undefined) return;
    removed = Math.max(0, size - kept);
    if (removed <= 2 * kept) return;
  }
  const cols = [...new Set(preds.map((p) => p.column))].join(', ');
  const scanned = kept + removed;
  add({
    id: 'indexable-seq-scan',
    title: `Sequential scan of ${node.relation} filtered on ${cols}`,
    severity: scanned >= 100_000 ? 'high' : 'medium',
    nodeId: node.id,
    relation: node.relation,
    why: `${ctx.analyzed ? 'Read' : 'Reads an estimated'} ${fmt(scanned)} rows of ${node.relation} to keep ${fmt(kept)}: ` +
      `the filter ${node.filter} has no index, so the cost grows with the table, not with the result.`,
    action: `Index the filtered column${preds.length > 1 ? 's' : ''} (${cols}); see the verified index suggestions below. ` +
      'If the filter is rarely selective, check the value distribution before adding an index.',
    evidence: { rowsKept: Math.round(kept), rowsRemoved: Math.round(removed), filter: node.filter, ...(ctx.estimate ? { basis: 'assumed table size' } : {}) },
  });
}

/** Joe INDEX_INEFFICIENT_HIGH_FILTERED: an index scan that still throws most rows away. */
function indexScanFiltering(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!ctx.analyzed || !/Index|Bitmap Heap/.test(node.nodeType) || !node.filter) return;
  const removed = (node.rowsRemovedByFilter ?? 0) * (node.loops ?? 1);
  const kept = totalActual(node);
  if (removed <= 100 || removed <= kept) return;
  add({
    id: 'index-scan-filters-most-rows',
    title: `${node.nodeType} on ${node.relation ?? node.index} discards most rows it fetches`,
    severity: removed >= 10_000 ? 'medium' : 'low',
    nodeId: node.id,
    relation: node.relation,
    why: `The index${node.index ? ` ${node.index}` : ''} narrows by ${node.indexCondition ?? 'its condition'}, then ${fmt(removed)} fetched rows are removed by ${node.filter} (${fmt(kept)} kept). Each discarded row is a heap fetch.`,
    action: `Add the filtered column(s) to the index (multi-column index: equality columns first, then range), or a partial index WHERE ${node.filter}.`,
    evidence: { rowsRemoved: removed, rowsKept: kept, index: node.index ?? '' },
  });
}

/** pev2/depesz "rows x": planned vs actual per loop ≥ 10×. Nodes that stop early (under Limit, semi/anti joins) are skipped. */
function misestimate(node: PlanNode, parents: PlanNode[], ctx: CheckContext, add: (f: SqlFinding) => void): void {
  // On assumed table sizes (the empty embedded engine) every estimate is "off" from the 0 real rows.
  if (!ctx.analyzed || ctx.estimate || node.actualRows === undefined || node.estimatedRows === undefined || (node.loops ?? 1) === 0) return;
  if (parents.some((p) => p.nodeType === 'Limit' || /Semi|Anti/.test(p.operation ?? '')) || /Semi|Anti/.test(node.operation ?? '')) return;
  const a = Math.max(1, node.actualRows);
  const e = Math.max(1, node.estimatedRows);
  const factor = Math.max(a / e, e / a);
  if (factor < 10) return;
  const under = a > e;
  add({
    id: 'row-misestimate',
    title: `Row estimate off by ${Math.round(factor)}× at ${node.nodeType}${node.relation ? ` on ${node.relation}` : ''}`,
    severity: factor >= 1000 ? 'high' : factor >= 100 ? 'medium' : 'low',
    nodeId: node.id,
    relation: node.relation,
    why: `The planner expected ${fmt(e)} rows per loop and got ${fmt(a)}. Join methods and memory are chosen from estimates; ` +
      `an ${under ? 'under' : 'over'}-estimate this large typically picks ${under ? 'nested loops or in-memory plans that collapse on real volumes' : 'needlessly heavy scans and hash joins'}.`,
    action: 'Run ANALYZE on the tables; for correlated columns, CREATE STATISTICS (dependencies, mcv) on them; raise the column\'s statistics target if values are skewed.',
    evidence: { estimatedRows: e, actualRows: a, factor: Math.round(factor) },
  });
}

/** depesz DISK_SORT, Joe TEMP_BUF_WRITTEN: sorts and hashes that do not fit work_mem. */
function diskSpill(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!ctx.analyzed) return;
  const sortDisk = node.sortSpaceType === 'Disk' || /external/i.test(node.sortMethod ?? '');
  const hashSpill = (node.hashBatches ?? 1) > 1;
  const temp = node.buffers?.tempWritten ?? 0;
  const aggSpill = /Aggregate|Hash/.test(node.nodeType) && temp > 0 && node.children.every((c) => (c.buffers?.tempWritten ?? 0) < temp);
  if (!sortDisk && !hashSpill && !aggSpill) return;
  add({
    id: 'disk-spill',
    title: `${node.nodeType} spills to disk`,
    severity: 'medium',
    nodeId: node.id,
    relation: node.relation,
    why: sortDisk ? `The sort used ${node.sortMethod ?? 'an external merge'} with ${fmt(node.sortSpaceKb ?? 0)} kB on disk: it did not fit in work_mem.`
      : hashSpill ? `The hash was split into ${node.hashBatches} batches written to temporary files: it did not fit in work_mem.`
        : `${fmt(temp)} temporary blocks were written.`,
    action: sortDisk ? 'Return fewer rows (LIMIT / keyset pagination), sort by an indexed column so no sort is needed, or raise work_mem for this query (SET LOCAL work_mem).'
      : 'Reduce the rows reaching the hash (filter earlier), or raise work_mem for this query (SET LOCAL work_mem).',
    evidence: { sortSpaceKb: node.sortSpaceKb ?? 0, hashBatches: node.hashBatches ?? 1, tempWrittenBlocks: temp },
  });
}

/** Nested-loop inner sides and SubPlans executed ~1000+ times: N+1 inside the database. */
function repeatedInnerWork(node: PlanNode, parents: PlanNode[], ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const parent = parents[parents.length - 1];
  const isInner = parent?.nodeType === 'Nested Loop' && parent.children[1] === node;
  const isSubPlan = node.parentRelationship === 'SubPlan';
  if (!isInner && !isSubPlan) return;
  const heavy = isScan(node) || (node.rowsRemovedByFilter ?? 0) > 0 || node.nodeType === 'Aggregate' || /Seq Scan/.test(firstScan(node)?.nodeType ?? '');
  if (!heavy) return;
  let loops: number;
  if (ctx.analyzed) loops = node.loops ?? 1;
  else if (isInner) loops = parent.children[0]?.estimatedRows ?? 1;
  else return;
  if (loops < 1000) return;
  add({
    id: 'repeated-inner-work',
    title: `${isSubPlan ? 'Subplan' : 'Inner side of a nested loop'} runs ${fmt(loops)} times${ctx.analyzed ? '' : ' (estimated)'}`,
    severity: loops >= 100_000 ? 'high' : 'medium',
    nodeId: node.id,
    relation: node.relation ?? firstScan(node)?.relation,
    why: `${node.nodeType}${node.relation ? ` on ${node.relation}` : ''} is repeated once per outer row; with a scan or filter inside, the work is outer rows × inner rows.`,
    action: isSubPlan ? 'Rewrite the correlated subquery as a JOIN (or LATERAL join / GROUP BY) so it runs once, or index the correlated column.'
      : 'Index the inner side\'s join column so each loop is an index lookup, or let the planner hash/merge join by fixing row estimates.',
    evidence: { loops: Math.round(loops) },
  });
}

function firstScan(n: PlanNode): PlanNode | undefined {
  if (n.relation) return n;
  for (const c of n.children) { const s = firstScan(c); if (s) return s; }
  return undefined;
}

/** pev2 heapFetchesClass / Joe VACUUM_ANALYZE_NEEDED. */
function heapFetches(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!ctx.analyzed || node.nodeType !== 'Index Only Scan' || !node.heapFetches) return;
  const base = totalActual(node) + (node.rowsRemovedByFilter ?? 0) * (node.loops ?? 1);
  const pct = base > 0 ? (node.heapFetches / base) * 100 : 100;
  add({
    id: 'heap-fetches',
    title: `Index-only scan on ${node.relation} still visits the table (${Math.round(pct)}% heap fetches)`,
    severity: pct > 90 ? 'medium' : 'low',
    nodeId: node.id,
    relation: node.relation,
    why: `${fmt(node.heapFetches)} rows had to be checked in the heap because their pages are not marked all-visible, so the "index-only" scan does table I/O.`,
    action: `VACUUM (ANALYZE) ${node.relation}; if the table is write-heavy, tune autovacuum for it (autovacuum_vacuum_scale_factor) so the visibility map stays current.`,
    evidence: { heapFetches: node.heapFetches, percent: Math.round(pct) },
  });
}

function lossyBitmap(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!ctx.analyzed || !node.lossyHeapBlocks) return;
  add({
    id: 'lossy-bitmap',
    title: `Bitmap on ${node.relation} became lossy`,
    severity: 'low',
    nodeId: node.id,
    relation: node.relation,
    why: `${fmt(node.lossyHeapBlocks)} heap blocks were tracked per page, not per row, so every row on them was rechecked.`,
    action: 'Raise work_mem for this query, or make the condition more selective / index it more precisely.',
    evidence: { lossyHeapBlocks: node.lossyHeapBlocks },
  });
}

/** pev2 durationClass: one node takes most of the execution time. */
function slowNode(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const total = ctx.summary.executionMs;
  if (!ctx.analyzed || !total || total < 10 || node.exclusiveMs === undefined) return;
  const pct = (node.exclusiveMs / total) * 100;
  if (pct <= 40 || node.children.length === 0 && isScan(node) && node.filter) return; // the scan check already covers it
  add({
    id: 'slow-node',
    title: `${node.nodeType}${node.relation ? ` on ${node.relation}` : ''} takes ${Math.round(pct)}% of the time`,
    severity: pct > 90 && total > 100 ? 'medium' : 'low',
    nodeId: node.id,
    relation: node.relation,
    why: `${node.exclusiveMs.toFixed(1)} ms of ${total.toFixed(1)} ms are spent in this node itself.`,
    action: 'Start here: reduce the rows this node handles (filter or join earlier, index its input) or avoid the operation (e.g. an index that delivers rows in order instead of a sort).',
    evidence: { exclusiveMs: node.exclusiveMs, executionMs: total, percent: Math.round(pct) },
  });
}

/** Functions and casts around a column in a filter: the planner cannot use a plain index on the column. */
function nonSargable(plan: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const seen = new Set<string>();
  const report = (node: PlanNode | undefined, relation: string | undefined, column: string, wrapped: string, where: string): void => {
    const key = `${relation}.${column}.${wrapped}`;
    if (seen.has(key)) return;
    seen.add(key);
    const indexed = relation ? (ctx.indexes[relation.toLowerCase()] ?? []).some((ix) => ix[0] === column) : false;
    add({
      id: 'non-sargable-predicate',
      title: `${wrapped} on ${relation ? `${relation}.` : ''}${column} ${indexed ? 'defeats its index' : 'prevents index use'}`,
      severity: indexed ? 'medium' : 'low',
      ...(node ? { nodeId: node.id } : {}),
      ...(relation ? { relation } : {}),
      why: `The condition ${where} applies ${wrapped} to the column, so a btree index on ${column} cannot be used${indexed ? ' even though one exists' : ''}: every row is computed and compared.`,
      action: wrapped.startsWith('::')
        ? `Compare the column with a value of its own type (cast the parameter, not the column), or use a range: ${column} >= $1 AND ${column} < $1 + interval '1 day'.`
        : `Rewrite to leave ${column} bare (e.g. a range instead of date_trunc/DATE()), or create an expression index: CREATE INDEX ON ${relation ?? 'table'} (${wrapped.replace('()', '')}(${column})).`,
      evidence: { column, wrapper: wrapped, condition: where },
    });
  };
  if (ctx.engine === 'sqlite') {
    const refs = tableRefs(ctx.sql);
    for (const clause of sqlClauses(ctx.sql).where) {
      for (const p of predicateColumns(clause)) {
        if (!p.wrapped) continue;
        const rel = refs.find((r) => r.alias === p.qualifier || r.table === p.qualifier) ?? (refs.length === 1 ? refs[0] : undefined);
        report(undefined, rel?.table, p.column, p.wrapped, clause.trim());
      }
    }
    return;
  }
  walkPlan(plan, (node) => {
    if (!node.filter || !node.relation) return;
    for (const p of predicateColumns(node.filter)) {
      if (p.wrapped) report(node, node.relation, p.column, p.wrapped, node.filter);
      // `(customer_id)::text = '42'`: a cast to text is only free for columns that already are text.
      const type = ctx.columnTypes?.[node.relation.toLowerCase()]?.[p.column];
      if (p.textCast && type && !/char|text|citext|name/i.test(type)) report(node, node.relation, p.column, p.textCast, node.filter);
    }
  });
}

function leadingWildcard(plan: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const hits = leadingWildcardLikes(ctx.sql);
  if (hits.length === 0) return;
  let scanNode: PlanNode | undefined;
  walkPlan(plan, (n) => { if (!scanNode && (isScan(n) || n.nodeType === 'Full Table Scan') && n.filter && /~~|LIKE/i.test(n.filter)) scanNode = n; });
  for (const h of hits) {
    add({
      id: 'leading-wildcard-like',
      title: `LIKE ${h.pattern} starts with a wildcard`,
      severity: scanNode ? 'medium' : 'low',
      ...(scanNode ? { nodeId: scanNode.id, relation: scanNode.relation } : {}),
      why: 'A pattern that begins with % cannot use a btree index: every row is read and matched.',
      action: ctx.engine === 'postgres' || ctx.engine === 'embedded'
        ? `Use a trigram index: CREATE EXTENSION pg_trgm; CREATE INDEX CONCURRENTLY ON ${scanNode?.relation ?? 'table'} USING gin (${h.column ?? 'column'} gin_trgm_ops); or full-text search for word matches.`
        : 'Use full-text search (FULLTEXT index / FTS5), or store a reversed copy of the column for suffix searches.',
      evidence: { pattern: h.pattern, ...(h.column ? { column: h.column } : {}) },
    });
  }
}

/** Joe ADD_LIMIT: a large result without LIMIT. */
function missingLimit(plan: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  if (!/^\s*(\(\s*)?(SELECT|WITH|VALUES|TABLE)\b/i.test(ctx.sql) || /\bLIMIT\b|\bFETCH\s+(FIRST|NEXT)\b|\bTOP\s*\(?\d/i.test(ctx.sql)) return;
  if (/^\s*WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i.test(ctx.sql)) return;
  let root = plan;
  while (root.nodeType === 'Query' && root.children.length === 1) root = root.children[0];
  // MySQL/MariaDB without column statistics estimate a filter as keeping every row: no basis for this check.
  let unknown = false;
  walkPlan(plan, (n) => { if (ctx.engine === 'mysql' && n.filter && Number(n.extra.filtered ?? 0) >= 100 && n.actualRows === undefined) unknown = true; });
  if (unknown) return;
  const rows = ctx.analyzed && root.actualRows !== undefined ? totalActual(root) : root.estimatedRows;
  if (rows === undefined || rows <= 10_000 || root.nodeType === 'Limit') return;
  add({
    id: 'missing-limit',
    title: `Returns ${ctx.analyzed ? '' : 'an estimated '}${fmt(rows)} rows without LIMIT`,
    severity: rows >= 100_000 ? 'medium' : 'low',
    nodeId: root.id,
    why: 'Every row is read, sent over the network and materialized by the client; the response grows with the table.',
    action: 'Paginate: LIMIT with keyset pagination (WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 50), or aggregate in SQL.',
    evidence: { rows: Math.round(rows), ...(ctx.estimate ? { basis: 'assumed table size' } : {}) },
  });
}

// ------------------------------------------------------------------ MySQL / MariaDB

function mysqlChecks(node: PlanNode, ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const examined = Number(node.extra.rRowsExamined ?? node.extra.rowsExamined ?? 0);
  if (node.nodeType === 'Full Table Scan' && node.relation) {
    const preds = node.filter ? predicateColumns(node.filter).filter((p) => p.kind !== 'other' && !p.wrapped) : [];
    const filtered = Number(node.extra.filtered ?? 100);
    const kept = node.actualRows ?? node.estimatedRows ?? examined;
    // filtered = 100 means "no idea" (no column histogram), not "keeps everything": an equality is assumed selective.
    const unknownSelectivity = filtered >= 100 && node.actualRows === undefined;
    if (preds.length > 0 && examined >= 1000 && (kept * 3 < examined || filtered < 34 || (unknownSelectivity && preds.some((p) => p.kind === 'equality')))) {
      const cols = [...new Set(preds.map((p) => p.column))].join(', ');
      add({
        id: 'indexable-seq-scan',
        title: `Full table scan of ${node.relation} filtered on ${cols}`,
        severity: examined >= 100_000 ? 'high' : 'medium',
        nodeId: node.id,
        relation: node.relation,
        why: unknownSelectivity
          ? `access_type=ALL: all ${fmt(examined)} rows are examined to evaluate ${node.filter}, which has no usable index.`
          : `access_type=ALL: ${fmt(examined)} rows examined to keep about ${fmt(kept)}; the condition ${node.filter} has no usable index.`,
        action: `Index ${cols}; see the verified index suggestions below.`,
        evidence: { rowsExamined: examined, rowsKept: Math.round(kept), filter: node.filter ?? '' },
      });
    } else if (examined >= 10_000 && !node.filter) {
      add({
        id: 'mysql-full-scan',
        title: `Full table scan of ${node.relation} (${fmt(examined)} rows)`,
        severity: 'low',
        nodeId: node.id,
        relation: node.relation,
        why: 'Every row of the table is read; cost grows with the table.',
        action: 'Add a selective condition and index it, or paginate.',
        evidence: { rowsExamined: examined },
      });
    }
  }
  if (node.nodeType === 'Sort' && node.sortMethod === 'filesort' || node.extra.using_temporary_table) {
    const rows = node.estimatedRows ?? 0;
    if (rows >= 1000) add({
      id: 'mysql-filesort-temporary',
      title: `${node.extra.using_temporary_table ? 'Temporary table' : 'Filesort'} over ${fmt(rows)} rows`,
      severity: 'low',
      nodeId: node.id,
      why: 'Rows are collected and sorted (or grouped) after reading; with many rows this spills to disk.',
      action: 'Give the ORDER BY / GROUP BY an index that matches it (after the equality columns of the WHERE clause), or LIMIT the result.',
      evidence: { rows: Math.round(rows) },
    });
  }
  if (ctx.analyzed && node.relation && node.actualRows !== undefined && node.estimatedRows !== undefined) {
    const a = Math.max(1, node.actualRows);
    const e = Math.max(1, node.estimatedRows);
    const factor = Math.max(a / e, e / a);
    if (factor >= 10) add({
      id: 'row-misestimate',
      title: `Row estimate off by ${Math.round(factor)}× on ${node.relation}`,
      severity: factor >= 1000 ? 'high' : factor >= 100 ? 'medium' : 'low',
      nodeId: node.id,
      relation: node.relation,
      why: `Estimated ${fmt(e)} rows, read ${fmt(a)} (rows × filtered vs r_rows × r_filtered). Join order is chosen from these estimates.`,
      action: `ANALYZE TABLE ${node.relation}; for skewed columns, ANALYZE TABLE … PERSISTENT FOR COLUMNS (…) (MariaDB) or histograms (MySQL 8: ANALYZE TABLE … UPDATE HISTOGRAM ON …).`,
      evidence: { estimatedRows: e, actualRows: a, factor: Math.round(factor) },
    });
  }
}

// ------------------------------------------------------------------ SQLite

function sqliteChecks(node: PlanNode, parents: PlanNode[], ctx: CheckContext, add: (f: SqlFinding) => void): void {
  const detail = node.detail ?? '';
  if (node.nodeType === 'Seq Scan' && node.relation) {
    const refs = tableRefs(ctx.sql).filter((r) => r.table === node.relation!.toLowerCase());
    const names = new Set(refs.flatMap((r) => [r.table, r.alias].filter(Boolean) as string[]));
    const single = tableRefs(ctx.sql).length === 1;
    const preds = sqlClauses(ctx.sql).where.flatMap((w) => predicateColumns(w))
      .filter((p) => p.kind !== 'other' && !p.wrapped && (p.qualifier ? names.has(p.qualifier) : single));
    const rows = tableSize(ctx, node.relation) ?? node.estimatedRows ?? 0;
    const nested = parents.some((p) => p.relation);
    if (preds.length > 0 && rows >= 1000) {
      const cols = [...new Set(preds.map((p) => p.column))].join(', ');
      add({
        id: 'indexable-seq-scan',
        title: `Full scan of ${node.relation} filtered on ${cols}${nested ? ' (once per outer row)' : ''}`,
        severity: rows >= 100_000 || nested ? 'high' : 'medium',
        nodeId: node.id,
        relation: node.relation,
        why: `SQLite reads all ${fmt(rows)} rows of ${node.relation} (${detail}) to evaluate a condition on ${cols}.`,
        action: `Index ${cols}; see the verified index suggestions below.`,
        evidence: { tableRows: rows, detail },
      });
    } else if (rows >= 10_000) {
      add({
        id: 'sqlite-full-scan', title: `Full scan of ${node.relation} (${fmt(rows)} rows)`, severity: 'low', nodeId: node.id, relation: node.relation,
        why: `${detail}: every row is read.`, action: 'Add a selective, indexed condition or paginate.', evidence: { tableRows: rows, detail },
      });
    }
  }
  if (/USE TEMP B-TREE FOR (ORDER BY|GROUP BY|DISTINCT)/.test(detail) && !/LAST \d+ TERMS/.test(detail)) {
    add({
      id: 'sqlite-temp-btree', title: detail, severity: 'low', nodeId: node.id,
      why: 'SQLite builds a temporary b-tree to sort or group the rows after reading them.',
      action: 'An index whose columns match the ORDER BY / GROUP BY (after the WHERE equality columns) returns rows in order.',
      evidence: { detail },
    });
  }
  if (/AUTOMATIC (COVERING )?INDEX/.test(detail)) {
    add({
      id: 'indexable-seq-scan', title: `SQLite builds a temporary index on ${node.relation} for every run`, severity: 'medium', nodeId: node.id, relation: node.relation,
      why: `${detail}: no permanent index serves this join, so one is built at query time.`,
      action: 'Create that index permanently (the columns in parentheses).', evidence: { detail },
    });
  }
  if (/CORRELATED (SCALAR|LIST) SUBQUERY/.test(detail)) {
    add({
      id: 'sqlite-correlated-subquery', title: detail, severity: 'medium', nodeId: node.id,
      why: 'A correlated subquery runs once per outer row.', action: 'Rewrite it as a JOIN with GROUP BY, or index the correlated column.', evidence: { detail },
    });
  }
}
