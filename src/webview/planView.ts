/**
 * The SQL plan webview (bundled to media/planView.js). Renders what the host sends: header,
 * estimate banner, findings, verified index suggestions, the plan tree with bars and badges, the
 * raw plan and skipped migration statements. DOM is built with textContent only (plan text comes
 * from the database and the workspace); actions go back to the host, which validates them.
 */
import type { CandidateOutcome, ExplainResult, SqlFinding } from '../core/sql/types';
import { ancestorIds, flattenPlan, formatCost, formatCount, formatMs, planHeader, savingText, visibleRows, type PlanRow } from './planModel';
import type { PlanViewData, PlanViewInbound, PlanViewOutbound } from '../protocol/planView';

interface VsCodeApi {
  postMessage(msg: PlanViewInbound): void;
  getState(): ViewState | undefined;
  setState(s: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  collapsed: string[];
  expandedDetails: string[];
  selected?: string;
  last?: PlanViewOutbound;
}

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
let state: ViewState = vscode.getState() ?? { collapsed: [], expandedDetails: [] };
let rows: PlanRow[] = [];

function save(): void {
  vscode.setState(state);
}

type Child = Node | string | undefined | null | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

function button(label: string, onClick: () => void, attrs: Record<string, string | undefined> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
  return b;
}

function post(msg: PlanViewInbound): void {
  vscode.postMessage(msg);
}

function section(title: string, id: string, open: boolean, ...content: Child[]): HTMLDetailsElement {
  const d = h('details', { class: 'section', id });
  d.open = open;
  d.append(h('summary', {}, h('h2', {}, title)), ...content.filter((c): c is Node | string => !!c));
  return d;
}

function render(msg: PlanViewOutbound): void {
  state.last = msg;
  save();
  root.replaceChildren();
  if (msg.type === 'running') {
    root.append(h('div', { class: 'running', role: 'status' },
      h('div', { class: 'spinner', 'aria-hidden': 'true' }),
      h('div', {}, h('strong', {}, msg.title), msg.detail ? h('div', { class: 'muted' }, msg.detail) : undefined)));
    return;
  }
  if (msg.type === 'error') {
    root.append(h('div', { class: 'error-box', role: 'alert', 'data-testid': 'sql-error' },
      h('h1', {}, msg.title),
      h('p', { class: 'error-message' }, msg.message),
      msg.schemaHint ? h('p', { class: 'banner warn', 'data-testid': 'schema-hint' }, msg.schemaHint) : undefined,
      msg.source ? h('p', { class: 'muted' }, `${msg.source.label}:${msg.source.line}`) : undefined,
      msg.sql ? sqlBlock(msg.sql, msg.position) : undefined,
      h('div', { class: 'actions' },
        msg.source ? button('Go to SQL', () => post({ type: 'revealSql' })) : undefined,
        button('Try again', () => post({ type: 'rerun', analyze: false })),
        msg.schemaHint ? button('Set migrations folder…', () => post({ type: 'openSetting', setting: 'stakes.sql.migrationsPath' })) : undefined,
        msg.schemaHint ? button('Set schema file…', () => post({ type: 'openSetting', setting: 'stakes.sql.schemaFile' })) : undefined,
        msg.kind === 'connection' || msg.kind === 'config' || msg.schemaHint ? button('Choose SQL connection…', () => post({ type: 'chooseConnection' })) : undefined)));
    return;
  }
  renderResult(msg.data);
}

function sqlBlock(sql: string, position?: { line: number; character: number }): HTMLElement {
  const pre = h('pre', { class: 'sql', 'data-testid': 'sql-text' });
  if (!position) {
    pre.textContent = sql;
    return pre;
  }
  // Mark the error position so "syntax error at or near" is visible in place.
  const lines = sql.split('\n');
  lines.forEach((line, i) => {
    if (i === position.line) {
      const c = Math.min(position.character, line.length);
      pre.append(line.slice(0, c), h('mark', { class: 'error-pos' }, line.slice(c, c + 1) || ' '), line.slice(c + 1));
    } else {
      pre.append(line);
    }
    if (i < lines.length - 1) pre.append('\n');
  });
  return pre;
}

function severityPill(sev: string): HTMLElement {
  return h('span', { class: `sev sev-${sev}` }, sev);
}

function renderResult(data: PlanViewData): void {
  const r = data.result;
  const header = planHeader(r);
  rows = flattenPlan(r.plan, { analyzed: r.analyzed, estimate: r.estimate, executionMs: r.summary.executionMs, findings: r.findings });
  const titleById = new Map(rows.map((row) => [row.id, row.title]));

  // Header
  root.append(h('header', { class: 'head' },
    h('div', { class: 'head-title' },
      h('h1', {}, r.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'),
      h('span', { class: 'engine', 'data-testid': 'engine' }, header.engineLabel),
      data.source ? h('span', { class: 'muted source' }, `${data.source.label}:${data.source.line} · ${data.source.via}`) : undefined),
    h('div', { class: 'actions' },
      button('Copy SQL', () => post({ type: 'copySql' })),
      data.source ? button('Go to SQL', () => post({ type: 'revealSql' })) : undefined,
      button('Re-run', () => post({ type: 'rerun', analyze: false })),
      button('Run with ANALYZE…', () => post({ type: 'rerun', analyze: true })),
      button('Connection…', () => post({ type: 'chooseConnection' })))));

  if (r.estimate) {
    root.append(h('div', { class: 'banner estimate', role: 'note', 'data-testid': 'estimate-banner' },
      h('strong', {}, 'ESTIMATE: assumed table sizes.'),
      ' The embedded PostgreSQL holds your schema but no data, so costs assume ',
      header.assumedRowsText ? h('span', { class: 'mono' }, header.assumedRowsText) : 'the default row count for every table',
      '. Timings, buffers and misestimates need a real database.',
      h('div', { class: 'actions' },
        button('Set table sizes…', () => post({ type: 'openSetting', setting: 'stakes.sql.assumedRows' })),
        button('Use a real database…', () => post({ type: 'chooseConnection' })))));
  }
  if (r.analyzed) {
    root.append(h('div', { class: 'banner info', role: 'note' },
      'The statement was executed inside a transaction that was rolled back: no data was changed.'));
  }
  for (const w of r.warnings) root.append(h('div', { class: 'banner warn', role: 'note' }, w));

  // Summary line
  const stats: Child[] = [];
  if (header.totalCost !== undefined) stats.push(h('span', {}, 'Total cost ', h('strong', {}, formatCost(header.totalCost))));
  if (header.executionMs !== undefined) stats.push(h('span', {}, 'Execution ', h('strong', {}, formatMs(header.executionMs))));
  if (header.planningMs !== undefined) stats.push(h('span', {}, 'Planning ', h('strong', {}, formatMs(header.planningMs))));
  stats.push(h('span', {}, 'Findings ', h('strong', { 'data-testid': 'finding-count' }, String(r.findings.length))));
  stats.push(h('span', {}, 'Index suggestions ', h('strong', { 'data-testid': 'suggestion-count' }, String(r.suggestions.length))));
  root.append(h('div', { class: 'stats' }, ...stats));

  root.append(section('SQL', 'sql-section', false, sqlBlock(r.sql), header.parameterNote ? h('p', { class: 'muted' }, header.parameterNote) : undefined));

  // Findings
  const rank: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  const findings = [...r.findings].sort((a, b) => (rank[b.severity] ?? 0) - (rank[a.severity] ?? 0));
  root.append(section(`Findings (${findings.length})`, 'findings', true,
    findings.length === 0
      ? h('p', { class: 'muted' }, 'No problems found in this plan.')
      : h('ul', { class: 'findings', 'data-testid': 'findings' }, ...findings.map((f) => findingItem(f, titleById)))));

  // Index suggestions
  root.append(section(`Index suggestions (${r.suggestions.length})`, 'suggestions', true,
    r.suggestions.length === 0
      ? h('p', { class: 'muted' }, noSuggestionText(r))
      : h('ul', { class: 'suggestions', 'data-testid': 'suggestions' }, ...r.suggestions.map((s, i) =>
        h('li', { class: 'suggestion' },
          h('div', { class: 'suggestion-head' },
            h('strong', {}, `${s.table} (${s.columns.join(', ')})`),
            h('span', { class: 'cost-change' }, `cost ${formatCost(s.costBefore)} → ${formatCost(s.costAfter)}`),
            h('span', { class: 'saving' }, savingText(s.costBefore, s.costAfter)),
            h('span', { class: 'muted' }, s.method === 'hypopg' ? 'verified with a hypothetical index (HypoPG)' : 'verified with a trial index in a rolled-back transaction')),
          h('pre', { class: 'sql' }, s.statement),
          h('div', { class: 'actions' }, button('Copy CREATE INDEX', () => post({ type: 'copyIndex', index: i })))))),
    candidatesBlock(r.candidates)));

  // Plan tree
  const tree = h('div', { class: 'tree', role: 'tree', 'data-testid': 'plan-tree' });
  const legend = h('div', { class: 'legend muted' },
    h('span', { class: 'bar-swatch cost' }), ' exclusive cost % of total',
    r.analyzed ? h('span', { class: 'bar-swatch time' }) : undefined, r.analyzed ? ' exclusive time % of execution' : undefined,
    ' · ',
    button('Expand all', () => { state.collapsed = []; save(); renderTree(tree); }, { class: 'link' }),
    button('Collapse all', () => { state.collapsed = rows.filter((x) => x.hasChildren).map((x) => x.id); save(); renderTree(tree); }, { class: 'link' }));
  root.append(section('Plan', 'plan', true, legend, tree));
  renderTree(tree);

  // Raw plan
  const raw = h('pre', { class: 'raw', 'data-testid': 'raw-plan' });
  raw.textContent = data.rawText;
  root.append(section(`Raw plan (${data.rawLabel})`, 'raw', false, h('div', { class: 'actions' }, button('Copy raw plan', () => post({ type: 'copyRaw' }))), raw));

  // Skipped migration statements
  if (r.skippedMigrationStatements.length) {
    root.append(section(`Skipped migration statements (${r.skippedMigrationStatements.length})`, 'skipped', false,
      h('p', { class: 'muted' }, 'The embedded engine could not run these statements while loading the schema; objects they create are missing from the plan.'),
      h('ul', { class: 'skipped', 'data-testid': 'skipped' }, ...r.skippedMigrationStatements.map((s, i) =>
        h('li', {},
          button(`${shortPath(s.file, data.workspaceRoot)}:${s.line + 1}`, () => post({ type: 'openSkipped', index: i }), { class: 'link' }),
          ' ', h('span', { class: 'muted' }, `${s.kind}: ${s.reason}`),
          h('pre', { class: 'sql small' }, s.sqlPreview))))));
  }
  if (r.schema) {
    root.append(h('p', { class: 'muted footer' }, `Schema: ${r.schema.files.length} file(s) (${r.schema.layout}), ${r.schema.statementsRun} statements in ${formatMs(r.schema.loadMs)}.`,
      ` Timings: start ${formatMs(r.timings.startMs)}, schema ${formatMs(r.timings.schemaMs)}, explain ${formatMs(r.timings.explainMs)}, index advice ${formatMs(r.timings.adviseMs)}.`));
  } else {
    root.append(h('p', { class: 'muted footer' }, `Timings: connect ${formatMs(r.timings.startMs)}, explain ${formatMs(r.timings.explainMs)}, index advice ${formatMs(r.timings.adviseMs)}.`));
  }
  if (state.selected) highlight(state.selected, false);
}

function shortPath(file: string, rootDir?: string): string {
  if (rootDir && file.startsWith(rootDir)) return file.slice(rootDir.length).replace(/^[\\/]/, '');
  return file;
}

function noSuggestionText(r: ExplainResult): string {
  if (r.candidates.length === 0) return 'No index candidates: the plan has no filter, join or sort columns an index could serve.';
  return `None of the ${r.candidates.length} candidate index(es) cut the plan's cost by half or more, so none is suggested.`;
}

const OUTCOME_TEXT: Record<CandidateOutcome['outcome'], string> = {
  suggested: 'suggested',
  'covered-by-existing': 'already covered by an existing index',
  'insufficient-saving': 'saves less than half the cost',
  'not-used': 'the planner did not use it',
  failed: 'could not be tried',
  'below-cost-floor': 'plan too cheap to need an index',
};

function candidatesBlock(candidates: CandidateOutcome[]): HTMLElement | undefined {
  const rejected = candidates.filter((c) => c.outcome !== 'suggested');
  if (!rejected.length) return undefined;
  const d = h('details', { class: 'candidates' });
  d.append(h('summary', {}, `Candidates tried and not suggested (${rejected.length})`),
    h('ul', {}, ...rejected.map((c) => h('li', {},
      h('span', { class: 'mono' }, `${c.table} (${c.columns.join(', ')})`), ' — ', OUTCOME_TEXT[c.outcome],
      c.costAfter !== undefined ? ` (cost after: ${formatCost(c.costAfter)})` : '',
      c.reason ? h('span', { class: 'muted' }, ` · ${c.reason}`) : undefined))));
  return d;
}

function findingItem(f: SqlFinding, titleById: Map<string, string>): HTMLElement {
  const nodeTitle = f.nodeId ? titleById.get(f.nodeId) : undefined;
  const evidence = Object.entries(f.evidence);
  const li = h('li', { class: `finding${f.nodeId ? ' clickable' : ''}`, tabindex: f.nodeId ? '0' : undefined, 'data-node': f.nodeId, 'data-check': f.id },
    h('div', { class: 'finding-head' }, severityPill(f.severity), h('strong', {}, f.title), h('span', { class: 'muted mono' }, f.id)),
    nodeTitle ? h('div', { class: 'finding-node' }, 'Node: ', h('span', { class: 'mono' }, nodeTitle)) : undefined,
    h('div', { class: 'why' }, h('span', { class: 'label' }, 'Why: '), f.why),
    h('div', { class: 'action' }, h('span', { class: 'label' }, 'What to do: '), f.action),
    evidence.length ? h('div', { class: 'evidence muted' }, evidence.map(([k, v]) => `${k}: ${typeof v === 'number' ? formatCount(v) : v}`).join(' · ')) : undefined);
  if (f.nodeId) {
    const go = () => highlight(f.nodeId!, true);
    li.addEventListener('click', go);
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
  }
  return li;
}

function highlight(id: string, scroll: boolean): void {
  state.selected = id;
  const ancestors = new Set(ancestorIds(rows, id));
  if (state.collapsed.some((c) => ancestors.has(c))) {
    state.collapsed = state.collapsed.filter((c) => !ancestors.has(c));
  }
  if (!state.expandedDetails.includes(id)) state.expandedDetails.push(id);
  save();
  const plan = document.getElementById('plan') as HTMLDetailsElement | null;
  if (plan) plan.open = true;
  const tree = document.querySelector<HTMLElement>('.tree');
  if (tree) renderTree(tree);
  const el = document.querySelector<HTMLElement>(`.node[data-id="${CSS.escape(id)}"]`);
  if (el && scroll) {
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.focus({ preventScroll: true });
  }
}

function bar(kind: 'cost' | 'time', pct: number, text: string): HTMLElement {
  const fill = h('div', { class: `bar-fill ${kind}` });
  fill.style.width = `${Math.max(pct, pct > 0 ? 1 : 0).toFixed(1)}%`;
  return h('div', { class: `bar ${kind}`, title: text, 'aria-label': text }, fill, h('span', { class: 'bar-text' }, `${pct < 1 && pct > 0 ? '<1' : Math.round(pct)}%`));
}

function renderTree(tree: HTMLElement): void {
  const collapsed = new Set(state.collapsed);
  const expanded = new Set(state.expandedDetails);
  tree.replaceChildren();
  for (const row of visibleRows(rows, collapsed)) {
    const isCollapsed = collapsed.has(row.id);
    const toggle = row.hasChildren
      ? button(isCollapsed ? '▸' : '▾', () => {
        state.collapsed = isCollapsed ? state.collapsed.filter((c) => c !== row.id) : [...state.collapsed, row.id];
        save();
        renderTree(tree);
      }, { class: 'toggle', 'aria-label': isCollapsed ? 'Expand' : 'Collapse', 'aria-expanded': String(!isCollapsed) })
      : h('span', { class: 'toggle-spacer' });
    const rowsText = row.actualRows !== undefined
      ? `rows ${formatCount(row.actualRows)} of ${formatCount(row.estimatedRows)} est.${row.loops && row.loops > 1 ? ` × ${formatCount(row.loops)} loops` : ''}`
      : `rows ${formatCount(row.estimatedRows)} est.`;
    const node = h('div', {
      class: `node${state.selected === row.id ? ' selected' : ''}${row.findingSeverity ? ` has-finding sev-border-${row.findingSeverity}` : ''}`,
      role: 'treeitem', tabindex: '0', 'data-id': row.id, 'aria-level': String(row.depth + 1),
      'aria-expanded': row.hasChildren ? String(!isCollapsed) : undefined,
    });
    node.style.paddingLeft = `${row.depth * 18 + 4}px`;
    const line = h('div', { class: 'node-line' },
      toggle,
      h('span', { class: 'node-title' }, row.title),
      row.subtitle ? h('span', { class: 'node-sub muted' }, row.subtitle) : undefined,
      h('span', { class: 'node-rows muted' }, rowsText),
      h('span', { class: 'badges' }, ...row.badges.map((b) => h('span', { class: `badge badge-${b.kind} level-${b.level}`, title: b.title }, b.label))));
    const bars = h('div', { class: 'bars' },
      bar('cost', row.costPct, `Exclusive cost ${formatCost(row.exclusiveCost)} (${row.costPct.toFixed(1)}% of total); total with children ${formatCost(row.totalCost)}`),
      row.timePct !== undefined ? bar('time', row.timePct, `Exclusive time ${formatMs(row.exclusiveMs)} (${row.timePct.toFixed(1)}% of execution)`) : undefined);
    node.append(line, bars);
    if (expanded.has(row.id) && row.details.length) {
      node.append(h('dl', { class: 'details' }, ...row.details.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)])));
    }
    const toggleDetails = () => {
      state.selected = row.id;
      state.expandedDetails = expanded.has(row.id) ? state.expandedDetails.filter((x) => x !== row.id) : [...state.expandedDetails, row.id];
      save();
      renderTree(tree);
      (tree.querySelector(`.node[data-id="${CSS.escape(row.id)}"]`) as HTMLElement | null)?.focus({ preventScroll: true });
    };
    node.addEventListener('click', toggleDetails);
    node.addEventListener('keydown', (e) => {
      if (e.target !== node) return;
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggleDetails(); }
    });
    tree.append(node);
  }
}

function sameResult(a: PlanViewOutbound | undefined, b: PlanViewOutbound): boolean {
  if (a?.type !== 'result' || b.type !== 'result') return false;
  const x = a.data.result;
  const y = b.data.result;
  return x.sql === y.sql && x.timings.totalMs === y.timings.totalMs && x.plan.totalCost === y.plan.totalCost && a.data.rawText === b.data.rawText;
}

window.addEventListener('message', (event: MessageEvent<PlanViewOutbound>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object' || !('type' in msg)) return;
  if (msg.type === 'result' && !sameResult(state.last, msg)) {
    // A new plan has new node ids: start unfolded with nothing selected. The same result sent
    // again (the view was hidden and reloaded) keeps the user's folding and selection.
    state = { collapsed: [], expandedDetails: [], selected: undefined };
  }
  render(msg);
});

if (state.last) render(state.last);
post({ type: 'ready' });
