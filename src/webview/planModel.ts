/**
 * View model of the SQL plan view: flattens the normalized plan into rows with cost and time bars
 * and pev2-style badges. Pure (no DOM, no vscode) so it runs in the webview and in mocha alike.
 * Badge thresholds follow pev2 (dalibo/pev2 src/node.ts): level 1/2/3 ≈ pev2's c-2/c-3/c-4.
 */
import type { ExplainResult, PlanNode, SqlFinding, Severity } from '../core/sql/types';

export type BadgeKind = 'slow' | 'costly' | 'misestimate' | 'rows-removed' | 'spill' | 'heap-fetches' | 'lossy';

export interface Badge {
  kind: BadgeKind;
  /** 1 = notable, 2 = bad, 3 = very bad. */
  level: 1 | 2 | 3;
  label: string;
  /** Longer explanation for the tooltip. */
  title: string;
}

export interface PlanRow {
  id: string;
  parentId?: string;
  depth: number;
  hasChildren: boolean;
  /** "Seq Scan on orders o" */
  title: string;
  /** "using orders_customer_idx", "Hashed", "SubPlan 1" */
  subtitle?: string;
  /** Exclusive cost as % of the plan's total cost (0–100), for the cost bar. */
  costPct: number;
  exclusiveCost?: number;
  totalCost?: number;
  /** Exclusive time as % of execution time (0–100); undefined without ANALYZE. */
  timePct?: number;
  exclusiveMs?: number;
  estimatedRows?: number;
  actualRows?: number;
  loops?: number;
  badges: Badge[];
  /** Label/value pairs shown when the node is expanded (filters, conditions, buffers, sort…). */
  details: Array<[string, string]>;
  /** Highest severity of the findings attached to this node. */
  findingSeverity?: Severity;
}

const LEVELS = [10, 40, 90] as const;

function levelAbove(pct: number, thresholds: readonly [number, number, number]): 0 | 1 | 2 | 3 {
  if (pct > thresholds[2]) return 3;
  if (pct > thresholds[1]) return 2;
  if (pct > thresholds[0]) return 1;
  return 0;
}

/** Compact counts: 950, 12.3k, 4.5M, 1.2G. */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a < 1000) return Number.isInteger(n) ? String(n) : n.toFixed(a < 10 ? 2 : 1);
  const units: Array<[number, string]> = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [base, suffix] of units) {
    if (a >= base) {
      const v = n / base;
      const text = Math.abs(v) >= 99.95 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
      return `${text}${suffix}`;
    }
  }
  return String(n);
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function formatCost(c: number | undefined): string {
  if (c === undefined || !Number.isFinite(c)) return '–';
  return c >= 1000 ? formatCount(c) : c.toFixed(2);
}

/** Names EXPLAIN's text format gives to a node type + strategy/operation. */
const TEXT_NAMES: Record<string, Record<string, string>> = {
  Aggregate: { Plain: 'Aggregate', Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' },
  SetOp: { Sorted: 'SetOp', Hashed: 'HashSetOp' },
  ModifyTable: { Insert: 'Insert', Update: 'Update', Delete: 'Delete', Merge: 'Merge' },
};

export function nodeTitle(node: PlanNode): string {
  const textName = node.operation ? TEXT_NAMES[node.nodeType]?.[node.operation] : undefined;
  if (textName) return withRelation(textName, node);
  let t = node.nodeType;
  // EXPLAIN's text format omits "Inner" ("Hash Join"), and names the others ("Hash Left Join").
  const showOperation = node.operation && !(node.operation === 'Inner' && /\bJoin$|^Nested Loop$/.test(t));
  if (showOperation && node.operation && !t.toLowerCase().includes(node.operation.toLowerCase())) {
    if (/\bJoin$/.test(t)) t = t.replace(/ Join$/, ` ${node.operation} Join`);
    else if (t === 'Nested Loop') t = `Nested Loop ${node.operation} Join`;
    else t = `${t} (${node.operation})`;
  }
  return withRelation(t, node);
}

function withRelation(title: string, node: PlanNode): string {
  if (!node.relation) return title;
  const rel = node.schema && node.schema !== 'public' ? `${node.schema}.${node.relation}` : node.relation;
  return `${title} on ${rel}${node.alias && node.alias !== node.relation ? ` ${node.alias}` : ''}`;
}

function subtitleOf(node: PlanNode): string | undefined {
  const parts: string[] = [];
  if (node.index) parts.push(`using ${node.index}`);
  if (node.subplanName) parts.push(node.subplanName);
  else if (node.parentRelationship && !['Outer', 'Inner', 'Member'].includes(node.parentRelationship)) parts.push(node.parentRelationship);
  return parts.length ? parts.join(' · ') : undefined;
}

/** How far the planner's row estimate was off, per loop; undefined without ANALYZE. */
export function misestimate(node: PlanNode): { factor: number; direction: 'under' | 'over' } | undefined {
  if (node.actualRows === undefined || node.estimatedRows === undefined) return undefined;
  if ((node.loops ?? 1) === 0) return undefined; // never executed
  const est = Math.max(node.estimatedRows, 1);
  const act = Math.max(node.actualRows, 1);
  if (act >= est) return { factor: act / est, direction: 'under' };
  return { factor: est / act, direction: 'over' };
}

function bufferText(node: PlanNode): string | undefined {
  const b = node.buffers;
  if (!b) return undefined;
  const parts: string[] = [];
  const shared = [['hit', b.sharedHit], ['read', b.sharedRead], ['dirtied', b.sharedDirtied], ['written', b.sharedWritten]]
    .filter(([, v]) => typeof v === 'number' && (v as number) > 0).map(([k, v]) => `${k}=${formatCount(v as number)}`);
  if (shared.length) parts.push(`shared ${shared.join(' ')}`);
  const local = [['hit', b.localHit], ['read', b.localRead]]
    .filter(([, v]) => typeof v === 'number' && (v as number) > 0).map(([k, v]) => `${k}=${formatCount(v as number)}`);
  if (local.length) parts.push(`local ${local.join(' ')}`);
  const temp = [['read', b.tempRead], ['written', b.tempWritten]]
    .filter(([, v]) => typeof v === 'number' && (v as number) > 0).map(([k, v]) => `${k}=${formatCount(v as number)}`);
  if (temp.length) parts.push(`temp ${temp.join(' ')}`);
  return parts.length ? parts.join(', ') : undefined;
}

function detailsOf(node: PlanNode, analyzed: boolean): Array<[string, string]> {
  const d: Array<[string, string]> = [];
  const add = (k: string, v: string | undefined) => { if (v !== undefined && v !== '') d.push([k, v]); };
  add('Index condition', node.indexCondition);
  add('Hash condition', node.hashCondition);
  add('Filter', node.filter);
  add('Join filter', node.joinFilter);
  if (node.rowsRemovedByFilter) add('Rows removed by filter', formatCount(node.rowsRemovedByFilter) + ' per loop');
  if (node.rowsRemovedByJoinFilter) add('Rows removed by join filter', formatCount(node.rowsRemovedByJoinFilter) + ' per loop');
  if (node.rowsRemovedByIndexRecheck) add('Rows removed by index recheck', formatCount(node.rowsRemovedByIndexRecheck));
  if (node.sortKey?.length) add('Sort key', node.sortKey.join(', '));
  if (node.sortMethod) add('Sort method', `${node.sortMethod}${node.sortSpaceType ? ` (${node.sortSpaceType}${node.sortSpaceKb !== undefined ? ` ${formatCount(node.sortSpaceKb)} kB` : ''})` : ''}`);
  if (node.hashBatches !== undefined && node.hashBatches > 1) add('Hash batches', String(node.hashBatches));
  if (node.heapFetches !== undefined) add('Heap fetches', formatCount(node.heapFetches));
  if (node.lossyHeapBlocks) add('Lossy heap blocks', formatCount(node.lossyHeapBlocks));
  add('Buffers', bufferText(node));
  if (node.startupCost !== undefined || node.totalCost !== undefined) {
    add('Cost', `${formatCost(node.startupCost)} … ${formatCost(node.totalCost)} (this node: ${formatCost(node.exclusiveCost)})`);
  }
  add('Estimated rows', node.estimatedRows !== undefined ? formatCount(node.estimatedRows) : undefined);
  if (analyzed) {
    add('Actual rows', node.actualRows !== undefined ? `${formatCount(node.actualRows)} per loop × ${formatCount(node.loops ?? 1)} loops` : undefined);
    add('Actual time', node.actualTotalMs !== undefined ? `${formatMs(node.actualStartupMs)} … ${formatMs(node.actualTotalMs)} per loop (this node: ${formatMs(node.exclusiveMs)})` : undefined);
  }
  if (node.width !== undefined) add('Row width', `${node.width} bytes`);
  add('Detail', node.detail);
  return d;
}

/** Largest total cost in the plan (pev2 measures cost % against the maximum, i.e. usually the root). */
function maxTotalCost(node: PlanNode): number {
  let m = node.totalCost ?? 0;
  for (const c of node.children) m = Math.max(m, maxTotalCost(c));
  return m;
}

function underLimit(ancestors: PlanNode[]): boolean {
  return ancestors.some((a) => a.nodeType === 'Limit');
}

export interface BadgeContext {
  totalCost: number;
  /** Costs rest on assumed table sizes (empty embedded engine): actual rows say nothing about estimates. */
  estimate?: boolean;
  /** Execution time of the whole statement, ms (ANALYZE only). */
  executionMs?: number;
  ancestors: PlanNode[];
}

export function badgesFor(node: PlanNode, ctx: BadgeContext): Badge[] {
  const badges: Badge[] = [];
  const timePct = ctx.executionMs && node.exclusiveMs !== undefined ? (node.exclusiveMs / ctx.executionMs) * 100 : undefined;
  if (timePct !== undefined) {
    const level = levelAbove(timePct, LEVELS);
    if (level) badges.push({ kind: 'slow', level, label: `slow ${Math.round(timePct)}%`, title: `This node alone took ${formatMs(node.exclusiveMs)}, ${timePct.toFixed(1)}% of the execution time.` });
  }
  const costPct = ctx.totalCost > 0 && node.exclusiveCost !== undefined ? (node.exclusiveCost / ctx.totalCost) * 100 : undefined;
  if (costPct !== undefined) {
    const level = levelAbove(costPct, LEVELS);
    if (level) badges.push({ kind: 'costly', level, label: `costly ${Math.round(costPct)}%`, title: `This node alone accounts for ${costPct.toFixed(1)}% of the plan's estimated cost (${formatCost(node.exclusiveCost)} of ${formatCost(ctx.totalCost)}).` });
  }
  const mis = misestimate(node);
  // A node under a Limit stops early, so fewer actual rows than planned is expected, not a misestimate.
  const earlyStop = mis?.direction === 'over' && underLimit(ctx.ancestors);
  if (mis && !earlyStop && !ctx.estimate) {
    const level = levelAbove(mis.factor, [10, 100, 1000]);
    if (level) {
      const f = mis.factor >= 100 ? Math.round(mis.factor).toLocaleString('en-US') : mis.factor.toFixed(1).replace(/\.0$/, '');
      badges.push({ kind: 'misestimate', level, label: `misestimate ×${f}${mis.direction === 'under' ? ' ▲' : ' ▼'}`,
        title: `The planner expected ${formatCount(node.estimatedRows)} rows per loop and got ${formatCount(node.actualRows)} (${mis.direction === 'under' ? 'under' : 'over'}-estimated ${f}×). Plans built on wrong row counts pick the wrong join and scan methods; check statistics (ANALYZE, extended statistics for correlated columns).` });
    }
  }
  const removed = node.rowsRemovedByFilter ?? node.rowsRemovedByJoinFilter;
  if (removed && removed > 0) {
    const kept = node.actualRows ?? 0;
    const removedPct = (removed / (removed + kept)) * 100;
    // pev2: relevant only when the node also takes time: %removed × %time.
    const score = timePct !== undefined ? removedPct * timePct : undefined;
    let level: 0 | 1 | 2 | 3 = 0;
    if (score !== undefined && score > 2000) level = 3;
    else if (score !== undefined && score > 500) level = 2;
    else if (removedPct >= 90 && removed * (node.loops ?? 1) >= 1000) level = 1;
    if (level) badges.push({ kind: 'rows-removed', level, label: `rows removed ${Math.round(removedPct)}%`, title: `${formatCount(removed)} rows per loop were read and then discarded by the filter (${removedPct.toFixed(1)}% of the rows this node read).` });
  }
  const spillKb = node.sortSpaceType?.toLowerCase() === 'disk' ? node.sortSpaceKb : undefined;
  const tempWritten = node.buffers?.tempWritten ?? 0;
  if (node.sortSpaceType?.toLowerCase() === 'disk' || (node.hashBatches ?? 0) > 1 || tempWritten > 0) {
    const what = node.sortSpaceType?.toLowerCase() === 'disk' ? `sort spilled${spillKb !== undefined ? ` ${formatCount(spillKb)} kB` : ''} to disk`
      : (node.hashBatches ?? 0) > 1 ? `hash split into ${node.hashBatches} batches` : `${formatCount(tempWritten)} temp blocks written`;
    badges.push({ kind: 'spill', level: 2, label: 'spill', title: `The ${what}: work_mem was too small for this node.` });
  }
  if (node.heapFetches !== undefined && node.heapFetches > 0) {
    const denom = (node.actualRows ?? 0) + (node.rowsRemovedByFilter ?? 0) + (node.rowsRemovedByJoinFilter ?? 0);
    const pct = denom > 0 ? (node.heapFetches / (denom * Math.max(node.loops ?? 1, 1))) * 100 : 100;
    const level = pct > 90 ? 3 : pct > 40 ? 2 : 1;
    badges.push({ kind: 'heap-fetches', level, label: `heap fetches ${formatCount(node.heapFetches)}`, title: `The index-only scan had to visit the table ${formatCount(node.heapFetches)} times (${Math.min(pct, 100).toFixed(0)}% of rows) because the visibility map is not up to date; VACUUM the table.` });
  }
  if (node.lossyHeapBlocks && node.lossyHeapBlocks > 0) {
    badges.push({ kind: 'lossy', level: 1, label: 'lossy bitmap', title: `${formatCount(node.lossyHeapBlocks)} heap blocks were lossy: every row in them was rechecked. More work_mem keeps the bitmap exact.` });
  }
  return badges;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The plan as rows in display order (depth first), with bars and badges. */
export function flattenPlan(plan: PlanNode, opts: { analyzed: boolean; estimate?: boolean; executionMs?: number; findings?: SqlFinding[] }): PlanRow[] {
  const totalCost = maxTotalCost(plan);
  const rootMs = plan.actualTotalMs !== undefined ? plan.actualTotalMs * (plan.loops ?? 1) : undefined;
  const executionMs = opts.analyzed ? (opts.executionMs && opts.executionMs > 0 ? opts.executionMs : rootMs) : undefined;
  const severityByNode = new Map<string, Severity>();
  for (const f of opts.findings ?? []) {
    if (!f.nodeId) continue;
    const prev = severityByNode.get(f.nodeId);
    if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev]) severityByNode.set(f.nodeId, f.severity);
  }
  const rows: PlanRow[] = [];
  const walk = (node: PlanNode, depth: number, ancestors: PlanNode[]) => {
    const costPct = totalCost > 0 && node.exclusiveCost !== undefined ? clampPct((node.exclusiveCost / totalCost) * 100) : 0;
    const timePct = executionMs && node.exclusiveMs !== undefined ? clampPct((node.exclusiveMs / executionMs) * 100) : undefined;
    rows.push({
      id: node.id,
      parentId: ancestors.length ? ancestors[ancestors.length - 1].id : undefined,
      depth,
      hasChildren: node.children.length > 0,
      title: nodeTitle(node),
      subtitle: subtitleOf(node),
      costPct,
      exclusiveCost: node.exclusiveCost,
      totalCost: node.totalCost,
      timePct,
      exclusiveMs: node.exclusiveMs,
      estimatedRows: node.estimatedRows,
      actualRows: opts.analyzed ? node.actualRows : undefined,
      loops: opts.analyzed ? node.loops : undefined,
      badges: badgesFor(node, { totalCost, executionMs, ancestors, estimate: opts.estimate }),
      details: detailsOf(node, opts.analyzed),
      findingSeverity: severityByNode.get(node.id),
    });
    for (const c of node.children) walk(c, depth + 1, [...ancestors, node]);
  };
  walk(plan, 0, []);
  return rows;
}

function clampPct(p: number): number {
  if (!Number.isFinite(p) || p < 0) return 0;
  return p > 100 ? 100 : p;
}

/** Rows that are visible when the nodes in `collapsed` are folded. */
export function visibleRows(rows: PlanRow[], collapsed: ReadonlySet<string>): PlanRow[] {
  const hidden = new Set<string>();
  const out: PlanRow[] = [];
  for (const r of rows) {
    if (r.parentId !== undefined && (hidden.has(r.parentId) || collapsed.has(r.parentId))) {
      hidden.add(r.id);
      continue;
    }
    out.push(r);
  }
  return out;
}

/** Ids of a node's ancestors, to unfold the path to a highlighted node. */
export function ancestorIds(rows: PlanRow[], id: string): string[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: string[] = [];
  let cur = byId.get(id)?.parentId;
  while (cur !== undefined) {
    out.push(cur);
    cur = byId.get(cur)?.parentId;
  }
  return out;
}

/** What the view shows above the tree: engine, estimate banner, totals. */
export interface PlanHeader {
  engineLabel: string;
  estimate: boolean;
  /** "orders 5M, customers 100k (others 100k)" when estimate. */
  assumedRowsText?: string;
  analyzed: boolean;
  totalCost?: number;
  planningMs?: number;
  executionMs?: number;
  parameterNote?: string;
}

export function planHeader(result: Pick<ExplainResult, 'engine' | 'estimate' | 'assumedRows' | 'analyzed' | 'summary' | 'plan' | 'parameterMode'>): PlanHeader {
  let assumedRowsText: string | undefined;
  if (result.estimate) {
    const entries = Object.entries(result.assumedRows ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    assumedRowsText = entries.length ? entries.map(([t, n]) => `${t} ${formatCount(n)}`).join(', ') : undefined;
  }
  const parameterNote = {
    none: undefined,
    'generic-plan': 'Parameters planned with EXPLAIN (GENERIC_PLAN): the plan the server uses for any value.',
    'prepared-generic': 'Parameters planned with PREPARE and a forced generic plan.',
    'sample-values': 'Parameters replaced by sample values: the plan for other values may differ.',
  }[result.parameterMode];
  return {
    engineLabel: result.engine.label,
    estimate: result.estimate,
    assumedRowsText,
    analyzed: result.analyzed,
    totalCost: result.summary.totalCost ?? result.plan.totalCost,
    planningMs: result.summary.planningMs,
    executionMs: result.summary.executionMs,
    parameterNote,
  };
}

/** Percentage saved by an index suggestion, for display ("−98%"). */
export function savingText(costBefore: number, costAfter: number): string {
  if (!(costBefore > 0)) return '';
  return `−${Math.round((1 - costAfter / costBefore) * 100)}%`;
}
