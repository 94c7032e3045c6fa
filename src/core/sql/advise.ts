/**
 * Verified index advice, after Dexter: candidates come from the plan's filter, join and sort columns
 * (single columns, then pairs); each is tried (HypoPG, or a trial index that is rolled back / lives on
 * a temporary copy) and the statement re-explained. Only candidates that at least halve the plan's
 * cost are suggested, with before and after costs. Candidates an existing index already covers are skipped.
 */
import { walkPlan } from './plan';
import { predicateColumns, sortColumns, sqlClauses, tableRefs, type ColumnPredicate } from './predicates';
import type { CandidateOutcome, IndexCandidate, IndexSuggestion, PlanNode } from './types';
import type { EngineExplainRequest, ExplainEngine, TableInfo } from './engines/types';

/** Dexter's minimum saving. */
export const MIN_REDUCTION = 0.5;
const MAX_SINGLES_PER_TABLE = 4;
const MAX_PAIRS_PER_TABLE = 4;
const MAX_SUGGESTIONS = 2;
const UNINDEXABLE_TYPES = /^(json|jsonb|xml|bytea|tsvector|geometry|geography|point|polygon|box|circle|line|lseg|path|blob|longblob|mediumblob|text\[\]|longtext|mediumtext)$/i;

interface TableColumns {
  table: string;
  schema?: string;
  equality: string[];
  range: string[];
  join: string[];
  sort: string[];
}

export interface AdviceResult {
  suggestions: IndexSuggestion[];
  candidates: CandidateOutcome[];
}

export async function adviseIndexes(engine: ExplainEngine, req: EngineExplainRequest, plan: PlanNode, info: TableInfo, sql: string): Promise<AdviceResult> {
  const tables = candidateColumns(engine.kind, plan, info, sql);
  const candidates: CandidateOutcome[] = [];
  const suggestions: IndexSuggestion[] = [];
  const baseCost = engine.planCost(plan);
  const floor = engine.kind === 'postgres' || engine.kind === 'embedded' ? 100 : 1000;
  for (const t of tables) {
    const singles = unique([...t.equality, ...t.join, ...t.range, ...t.sort]).slice(0, MAX_SINGLES_PER_TABLE).map((c) => [c]);
    const pairs: string[][] = [];
    const leading = unique([...t.equality, ...t.join]);
    for (const a of leading) for (const b of unique([...leading, ...t.range, ...t.sort])) if (a !== b) pairs.push([a, b]);
    const tried: Array<CandidateOutcome & { plan?: PlanNode }> = [];
    const before = engine.trialBaseline ? await engine.trialBaseline(req, t.table).catch(() => baseCost) : baseCost;
    const evaluate = async (columns: string[]): Promise<CandidateOutcome & { plan?: PlanNode }> => {
      const cand: IndexCandidate = { ...(t.schema ? { schema: t.schema } : {}), table: t.table, columns, origin: originOf(t, columns) };
      if (covered(info.indexes[t.table] ?? [], columns)) return { ...cand, outcome: 'covered-by-existing', reason: 'an existing index starts with these columns' };
      if (before < floor) return { ...cand, outcome: 'below-cost-floor', reason: `the plan costs ${round(before)} already (below ${floor})` };
      try {
        const r = await engine.tryIndex(req, cand, info);
        if (!r.used) return { ...cand, outcome: 'not-used', costAfter: round(r.cost), reason: 'the planner does not use it for this statement' };
        const reduction = before > 0 ? 1 - r.cost / before : 0;
        const ok = reduction >= MIN_REDUCTION;
        return { ...cand, outcome: ok ? 'suggested' : 'insufficient-saving', costAfter: round(r.cost), plan: r.plan,
          reason: `cost ${round(before)} → ${round(r.cost)} (${Math.round(reduction * 100)}% lower${ok ? '' : `; ${Math.round(MIN_REDUCTION * 100)}% needed`})` };
      } catch (e) {
        return { ...cand, outcome: 'failed', reason: (e as Error).message };
      }
    };
    for (const cols of singles) tried.push(await evaluate(cols));
    const bestSingle = tried.filter((c) => c.outcome === 'suggested').sort((a, b) => (a.costAfter ?? 0) - (b.costAfter ?? 0))[0];
    for (const cols of pairs.slice(0, MAX_PAIRS_PER_TABLE)) {
      const r = await evaluate(cols);
      // A pair must beat the best single index by half again (Dexter's rule for multi-column indexes).
      if (r.outcome === 'suggested' && bestSingle && (r.costAfter ?? 0) > (bestSingle.costAfter ?? 0) * MIN_REDUCTION) {
        r.outcome = 'insufficient-saving';
        r.reason = `not better enough than the single-column index on ${bestSingle.columns.join(', ')} (${bestSingle.costAfter} → ${r.costAfter})`;
      }
      tried.push(r);
    }
    const winners = tried.filter((c) => c.outcome === 'suggested').sort((a, b) => (a.costAfter ?? 0) - (b.costAfter ?? 0));
    const best = winners[0];
    for (const c of tried) {
      if (c.outcome === 'suggested' && c !== best) { c.outcome = 'insufficient-saving'; c.reason = `${c.reason}, but the index on (${best.columns.join(', ')}) saves more`; }
      const { plan: _p, ...outcome } = c;
      void _p;
      candidates.push(outcome);
    }
    if (best?.plan) {
      suggestions.push({
        ...(t.schema ? { schema: t.schema } : {}), table: t.table, columns: best.columns,
        statement: engine.createIndexStatement({ table: t.table, columns: best.columns, origin: best.origin, ...(t.schema ? { schema: t.schema } : {}) }),
        costBefore: round(before), costAfter: round(best.costAfter ?? 0), reduction: round(1 - (best.costAfter ?? 0) / before), method: engine.indexMethod, planAfter: best.plan,
      });
    }
  }
  suggestions.sort((a, b) => b.reduction - a.reduction);
  return { suggestions: suggestions.slice(0, MAX_SUGGESTIONS), candidates };
}

function originOf(t: TableColumns, cols: string[]): IndexCandidate['origin'] {
  const o = new Set<IndexCandidate['origin'][number]>();
  for (const c of cols) {
    if (t.equality.includes(c) || t.range.includes(c)) o.add('filter');
    if (t.join.includes(c)) o.add('join');
    if (t.sort.includes(c)) o.add('sort');
  }
  return [...o];
}

/** An existing index whose leading columns are exactly the candidate's. */
export function covered(existing: string[][], cols: string[]): boolean {
  return existing.some((ix) => cols.every((c, i) => ix[i] === c));
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Per scanned table: the columns its filters, joins and sorts use (validated against the table's columns). */
export function candidateColumns(kind: ExplainEngine['kind'], plan: PlanNode, info: TableInfo, sql: string): TableColumns[] {
  const refs = tableRefs(sql);
  const out = new Map<string, TableColumns>();
  const resolveTable = (name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const n = name.toLowerCase();
    if (info.columns[n]) return n;
    return refs.find((r) => r.alias === n)?.table;
  };
  const entry = (table: string): TableColumns => {
    let e = out.get(table);
    if (!e) { e = { table, ...(info.schemas[table] && info.schemas[table] !== 'public' && kind !== 'mysql' ? { schema: info.schemas[table] } : {}), equality: [], range: [], join: [], sort: [] }; out.set(table, e); }
    return e;
  };
  const usable = (table: string, col: string): boolean => {
    const type = info.columns[table]?.[col];
    return type !== undefined && !UNINDEXABLE_TYPES.test(type.replace(/\(.*\)/, '').trim());
  };
  const addPred = (table: string, p: ColumnPredicate, as: 'filter' | 'join'): void => {
    if (p.wrapped || p.kind === 'other' || !usable(table, p.column)) return;
    const e = entry(table);
    if (as === 'join') e.join.push(p.column);
    else if (p.kind === 'equality') e.equality.push(p.column);
    else if (p.kind === 'range' || p.kind === 'like-prefix') e.range.push(p.column);
  };
  /** Which table a qualifier (alias or name) means, among the scans of the plan. */
  const scans: Array<{ alias?: string; table: string; node: PlanNode }> = [];
  walkPlan(plan, (n) => {
    const t = resolveTable(n.relation);
    if (t) scans.push({ alias: n.alias?.toLowerCase() ?? refs.find((r) => r.table === t)?.alias, table: t, node: n });
  });
  const tableOfQualifier = (q: string | undefined, column: string): string | undefined => {
    if (q) return scans.find((s) => s.alias === q || s.table === q)?.table ?? resolveTable(q);
    const owners = [...new Set(scans.map((s) => s.table))].filter((t) => info.columns[t]?.[column] !== undefined);
    return owners.length === 1 ? owners[0] : undefined;
  };

  if (kind === 'sqlite') {
    const clauses = sqlClauses(sql);
    for (const w of clauses.where) {
      for (const p of predicateColumns(w)) {
        const t = tableOfQualifier(p.qualifier, p.column);
        if (t && scans.some((s) => s.table === t && /Seq Scan|Full/.test(s.node.nodeType) || s.table === t && p.kind !== 'other')) addPred(t, p, isJoinPredicate(w, p) ? 'join' : 'filter');
      }
    }
    for (const s of sortColumns(clauses.orderBy)) {
      const t = tableOfQualifier(s.qualifier, s.column);
      if (t && usable(t, s.column)) entry(t).sort.push(s.column);
    }
    return [...out.values()];
  }

  walkPlan(plan, (n, parents) => {
    const table = resolveTable(n.relation);
    if (table && n.filter) {
      const scanNeedsHelp = /Seq Scan|Full Table Scan|Full Index Scan/.test(n.nodeType) || (n.rowsRemovedByFilter ?? 0) > 0 || /Index|Bitmap/.test(n.nodeType);
      if (scanNeedsHelp) {
        for (const p of predicateColumns(n.filter)) {
          const t: string | undefined = p.qualifier ? tableOfQualifier(p.qualifier, p.column) ?? table : table;
          if (t === table) addPred(table, p, 'filter');
        }
      }
      // An index scan that still filters: its index columns first, then the filtered ones (pairs).
      if (n.indexCondition && /Index|Bitmap/.test(n.nodeType)) for (const p of predicateColumns(n.indexCondition)) addPred(table, p, 'filter');
    }
    for (const cond of [n.hashCondition, n.joinFilter]) {
      if (!cond) continue;
      for (const p of predicateColumns(cond)) {
        const t = tableOfQualifier(p.qualifier, p.column);
        if (t) addPred(t, { ...p, kind: 'equality' }, 'join');
      }
    }
    // ORDER BY: its leading keys. Sorts feeding DISTINCT/GROUP BY list every column and are not index material.
    const parent = parents[parents.length - 1];
    if (n.sortKey && n.nodeType === 'Sort' && !(parent && /Unique|Aggregate|SetOp/.test(parent.nodeType))) {
      for (const s of sortColumns(n.sortKey.slice(0, 2))) {
        const t = tableOfQualifier(s.qualifier, s.column);
        if (t && usable(t, s.column)) entry(t).sort.push(s.column);
      }
    }
  });
  // Only tables that are actually scanned without a fitting index are worth trying.
  return [...out.values()].filter((e) => e.equality.length + e.range.length + e.join.length + e.sort.length > 0);
}

function isJoinPredicate(clause: string, p: ColumnPredicate): boolean {
  const re = new RegExp(`${p.qualifier ? `${p.qualifier}\\.` : ''}${p.column}\\s*=\\s*[A-Za-z_]\\w*\\.[A-Za-z_]\\w*|[A-Za-z_]\\w*\\.[A-Za-z_]\\w*\\s*=\\s*${p.qualifier ? `${p.qualifier}\\.` : ''}${p.column}\\b`, 'i');
  return re.test(clause);
}
