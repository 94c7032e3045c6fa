/** Plain-text rendering of an EXPLAIN result (CLI and `stakes demo`) and the one-line summary the editor's CodeLens shows. */
import type { ExplainResult, PlanNode, SqlFinding, WorkspaceExplainReport } from './types';

const SEV_MARK: Record<string, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED ', low: 'LOW ', info: 'INFO' };

function n(v: number | undefined, digits = 0): string {
  if (v === undefined) return '?';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** One line per plan node: type, relation/index, cost, rows, actuals, and marks for nodes with findings. */
export function renderPlanTree(plan: PlanNode, findings: SqlFinding[] = []): string[] {
  const byNode = new Map<string, SqlFinding[]>();
  for (const f of findings) if (f.nodeId) byNode.set(f.nodeId, [...(byNode.get(f.nodeId) ?? []), f]);
  const lines: string[] = [];
  const walk = (node: PlanNode, prefix: string, last: boolean, root: boolean): void => {
    const head = root ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
    let label = node.nodeType;
    if (node.operation) label += ` (${node.operation})`;
    if (node.relation) label += ` on ${node.relation}${node.alias && node.alias !== node.relation ? ` ${node.alias}` : ''}`;
    if (node.index) label += ` using ${node.index}`;
    const facts: string[] = [];
    if (node.totalCost !== undefined) facts.push(`cost ${n(node.totalCost, 2)}`);
    if (node.estimatedRows !== undefined) facts.push(`rows ${n(node.estimatedRows)}`);
    if (node.actualRows !== undefined) facts.push(`actual ${n(node.actualRows)}${node.loops && node.loops > 1 ? ` × ${n(node.loops)} loops` : ''}`);
    if (node.actualTotalMs !== undefined) facts.push(`${n(node.actualTotalMs * (node.loops ?? 1), 3)} ms`);
    const marks = (byNode.get(node.id) ?? []).map((f) => `⚠ ${f.id}`).join(' ');
    lines.push(`${head}${label}  [${facts.join(', ')}]${marks ? `  ${marks}` : ''}`);
    const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
    const details: string[] = [];
    if (node.indexCondition) details.push(`Index Cond: ${node.indexCondition}`);
    if (node.filter) details.push(`Filter: ${node.filter}${node.rowsRemovedByFilter !== undefined ? ` (removed ${n(node.rowsRemovedByFilter)})` : ''}`);
    if (node.hashCondition) details.push(`Cond: ${node.hashCondition}`);
    if (node.joinFilter) details.push(`Join Filter: ${node.joinFilter}`);
    if (node.sortKey) details.push(`Sort Key: ${node.sortKey.join(', ')}${node.sortMethod ? ` (${node.sortMethod}${node.sortSpaceKb ? `, ${n(node.sortSpaceKb)} kB ${node.sortSpaceType ?? ''}` : ''})` : ''}`);
    if (node.detail && !node.relation) details.push(node.detail);
    for (const d of details) lines.push(`${childPrefix}${node.children.length ? '│  ' : '   '}${d}`);
    node.children.forEach((c, i) => walk(c, childPrefix, i === node.children.length - 1, false));
  };
  walk(plan, '', true, true);
  return lines;
}

export function renderResult(r: ExplainResult, opts: { source?: string } = {}): string {
  const out: string[] = [];
  out.push(`${r.engine.label} — ${r.engine.version}${r.analyzed ? ' — ANALYZE (rolled back)' : ''}${r.estimate ? ' — ESTIMATE' : ''}`);
  if (opts.source) out.push(`Statement: ${opts.source}`);
  for (const w of r.warnings) out.push(`note: ${w}`);
  if (r.parameterMode !== 'none') out.push(`Parameters: ${r.parameterMode === 'generic-plan' ? 'generic plan (GENERIC_PLAN)' : r.parameterMode === 'prepared-generic' ? 'PREPARE + forced generic plan' : 'sample values'}`);
  out.push('', 'Plan:');
  for (const l of renderPlanTree(r.plan, r.findings)) out.push(`  ${l}`);
  if (r.summary.planningMs !== undefined || r.summary.executionMs !== undefined) {
    out.push(`  Planning ${n(r.summary.planningMs, 3)} ms, execution ${n(r.summary.executionMs, 3)} ms`);
  }
  out.push('', r.findings.length ? `Findings (${r.findings.length}):` : 'Findings: none');
  for (const f of r.findings) out.push(...renderFinding(f));
  if (r.suggestions.length) {
    out.push('', `Index suggestions (verified by re-planning with ${r.suggestions[0].method === 'hypopg' ? 'HypoPG hypothetical indexes' : 'trial indexes that were rolled back'}${r.estimate ? '; costs are estimates' : ''}):`);
    for (const s of r.suggestions) {
      out.push(`  ${s.statement}`);
      out.push(`      cost ${n(s.costBefore, 2)} → ${n(s.costAfter, 2)} (${Math.round(s.reduction * 100)}% lower)`);
    }
  } else {
    const covered = r.candidates.filter((c) => c.outcome === 'covered-by-existing').length;
    const tried = r.candidates.length - covered;
    const parts = [tried ? `${tried} tried without halving the cost` : '', covered ? `${covered} already indexed` : ''].filter(Boolean).join(', ');
    out.push('', r.candidates.length ? `Index suggestions: none (${r.candidates.length} candidate${r.candidates.length === 1 ? '' : 's'}: ${parts})` : 'Index suggestions: none (no filter, join or sort column to index)');
  }
  for (const c of r.candidates.filter((x) => x.outcome !== 'suggested')) out.push(`    tried (${c.columns.join(', ')}) on ${c.table}: ${c.outcome}${c.reason ? ` — ${c.reason}` : ''}`);
  if (r.skippedMigrationStatements.length) {
    out.push('', `Schema: ${r.schema?.statementsRun ?? 0} statements loaded, ${r.skippedMigrationStatements.length} skipped:`);
    for (const s of r.skippedMigrationStatements.slice(0, 10)) out.push(`  ${s.file}:${s.line + 1}  ${s.kind}: ${s.reason}`);
    if (r.skippedMigrationStatements.length > 10) out.push(`  … ${r.skippedMigrationStatements.length - 10} more`);
  }
  out.push('', `Time: ${r.timings.totalMs} ms (start ${r.timings.startMs}, schema ${r.timings.schemaMs}, explain ${r.timings.explainMs}, advice ${r.timings.adviseMs})`);
  return out.join('\n') + '\n';
}

export function renderFinding(f: SqlFinding): string[] {
  const where = f.file && f.range ? `${f.file}:${f.range.start.line + 1}  ` : '';
  return [`  ${SEV_MARK[f.severity] ?? f.severity} ${where}${f.title}  [${f.id}${f.nodeId ? ` @ node ${f.nodeId}` : ''}]`, `       why: ${f.why}`, `       do:  ${f.action}`];
}

/** Summary of a workspace run: one block per statement with findings or suggestions. */
export function renderWorkspace(rep: WorkspaceExplainReport, relative: (file: string) => string): string {
  const out: string[] = [];
  if (rep.schema) {
    out.push(`Schema: ${rep.schema.files.length} file(s) (${rep.schema.layout}), ${rep.schema.statementsRun} statements, ${rep.schema.skipped.length} skipped`);
    for (const s of rep.schema.skipped.slice(0, 5)) out.push(`  skipped ${relative(s.file)}:${s.line + 1} (${s.kind}): ${s.reason}`);
  }
  let clean = 0;
  for (const x of rep.results) {
    const loc = `${relative(x.statement.file)}:${x.statement.range.start.line + 1}`;
    if (x.error) { out.push('', `${loc}  could not explain: ${x.error.message}`); continue; }
    const r = x.result!;
    if (!r.findings.length && !r.suggestions.length) { clean++; continue; }
    out.push('', `${loc}  ${x.statement.sql.replace(/\s+/g, ' ').slice(0, 100)}${x.statement.sql.length > 100 ? '…' : ''}`);
    for (const f of r.findings) out.push(`  ${SEV_MARK[f.severity]} ${f.title}  [${f.id}]`);
    for (const s of r.suggestions) out.push(`  → ${s.statement}  (cost ${n(s.costBefore, 0)} → ${n(s.costAfter, 0)}, ${Math.round(s.reduction * 100)}% lower${r.estimate ? ', estimate' : ''})`);
  }
  out.push('', `${rep.results.length} statements in ${rep.filesScanned} files: ${rep.results.length - clean - rep.results.filter((x) => x.error).length} with findings, ${clean} clean, ${rep.results.filter((x) => x.error).length} not explainable; ${(rep.totalMs / 1000).toFixed(1)} s.`);
  return out.join('\n') + '\n';
}

/** "2 problems · 1 verified index · estimate": what a statement's CodeLens says after an explain. */
export function resultSummary(result: Pick<ExplainResult, 'findings' | 'suggestions' | 'estimate'>): string {
  const n = result.findings.length;
  const parts = [n === 0 ? 'no problems' : `${n} problem${n === 1 ? '' : 's'}`];
  const k = result.suggestions.length;
  if (k) parts.push(`${k} verified index${k === 1 ? '' : 'es'}`);
  if (result.estimate) parts.push('estimate');
  return parts.join(' · ');
}
