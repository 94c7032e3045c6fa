/**
 * The audit report webview (bundled to media/auditReport.js). Renders the state the host posts;
 * every user action goes back as a message naming a finding id. Model output is untrusted text:
 * it is only ever put into the page with textContent, never parsed as HTML.
 */
import type { Finding, FindingSource, Severity } from '../core/audit/findings';
import type { HostMessage, ReportStateMessage, WebviewMessage } from '../protocol/auditReport';
import { formatUsd } from '../core/audit/cost';
import {
  buildView, formatTokens, nothingFoundText, NO_FILTERS, SEVERITY_ORDER, SOURCE_LABEL, SOURCE_ORDER,
  type Filters, type FindingView,
} from './auditReport/view';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

let state: ReportStateMessage | null = null;
let filters: Filters = restoreFilters();
let pendingFocus: string | null = null;

function restoreFilters(): Filters {
  const saved = vscode.getState() as { filters?: Partial<Filters> } | undefined;
  return { ...NO_FILTERS, ...(saved?.filters ?? {}) };
}

function setFilters(next: Filters): void {
  filters = next;
  vscode.setState({ filters });
  render();
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

/** Tiny element builder: text goes through textContent only. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

function button(label: string, title: string, onClick: () => void, extraClass = ''): HTMLButtonElement {
  const b = el('button', { class: `btn ${extraClass}`.trim(), title, type: 'button' }, label);
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

function toggleChip<T extends string>(label: string, value: T, selected: T[], onChange: (next: T[]) => void, count?: number): HTMLElement {
  const on = selected.includes(value);
  const chip = el('button', {
    class: `chip${on ? ' on' : ''} chip-${value}`, type: 'button', 'aria-pressed': String(on),
    title: on ? `Showing only selected: click to remove ${label}` : `Show ${label}`,
  }, label, count !== undefined ? el('span', { class: 'chip-count' }, String(count)) : null);
  chip.addEventListener('click', () => onChange(on ? selected.filter((v) => v !== value) : [...selected, value]));
  return chip;
}

function lines(f: Finding): string {
  return f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}–${f.endLine}`;
}

function renderFinding(v: FindingView, unverified: boolean): HTMLElement {
  const f = v.finding;
  const card = el('article', {
    class: `finding sev-${f.severity}${v.suppressed ? ' suppressed' : ''}${unverified ? ' unverified' : ''}`,
    id: `finding-${cssId(v.id)}`, 'data-id': v.id, 'data-testid': unverified ? 'unverified-finding' : 'finding', tabindex: '0',
  });
  const head = el('header', { class: 'finding-head' },
    el('span', { class: `sev sev-${f.severity}` }, f.severity),
    el('span', { class: 'finding-title' }, f.title),
  );
  const meta = el('div', { class: 'finding-meta' },
    el('span', { class: 'loc' }, `${f.file} · ${lines(f)}`),
    el('span', { class: 'tag' }, f.category),
    f.cwe ? el('span', { class: 'tag' }, f.cwe) : null,
    el('span', { class: `tag src src-${f.source}`, title: sourceTitle(f) }, SOURCE_LABEL[f.source] + (f.ruleId ? ` · ${f.ruleId}` : '')),
    el('span', { class: 'tag', title: "The model's own confidence" }, `confidence ${Math.round(f.confidence * 100)}%`),
    v.suppressed ? el('span', { class: 'tag suppressed-tag' }, 'marked false positive') : null,
  );
  card.append(head, meta);
  card.append(el('div', { class: 'label' }, unverified ? 'Quoted as evidence (not found in the code)' : 'Evidence'));
  card.append(el('pre', { class: 'code evidence' }, f.evidence));
  card.append(el('p', { class: 'explanation' }, f.explanation));
  if (f.fix !== null && f.fix.trim() !== '') {
    card.append(el('div', { class: 'label' }, 'Suggested fix'));
    card.append(el('pre', { class: 'code fix' }, f.fix));
  }
  const actions = el('div', { class: 'actions' });
  if (!unverified) {
    actions.append(button('Go to code', 'Open the file at this finding', () => post({ type: 'reveal', findingId: v.id })));
    if (f.fix !== null && f.fix.trim() !== '') {
      actions.append(button('Apply fix', 'Replace the evidence with the suggested fix (undoable)', () => post({ type: 'applyFix', findingId: v.id }), 'primary'));
      actions.append(button('Copy fix', 'Copy the suggested fix to the clipboard', () => post({ type: 'copyFix', findingId: v.id })));
    }
  } else if (f.fix !== null && f.fix.trim() !== '') {
    actions.append(button('Copy fix', 'Copy the suggested fix to the clipboard', () => post({ type: 'copyFix', findingId: v.id })));
  }
  actions.append(v.suppressed
    ? button('Not a false positive', 'Show this finding again in the report and the Problems panel', () => post({ type: 'suppress', findingId: v.id, suppressed: false }))
    : button('Mark false positive', 'Hide this finding here and in the Problems panel, also in later audits', () => post({ type: 'suppress', findingId: v.id, suppressed: true })));
  card.append(actions);
  card.addEventListener('dblclick', () => {
    if (!unverified) post({ type: 'reveal', findingId: v.id });
  });
  // Keyboard: Enter on a focused finding goes to its code, like a double click.
  card.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === card && !unverified) post({ type: 'reveal', findingId: v.id });
  });
  return card;
}

function sourceTitle(f: Finding): string {
  if (f.source === 'both') return `Found by the model and confirmed by the offline rule ${f.ruleId ?? ''}`.trim();
  if (f.source === 'rule') return `Found by the offline rule ${f.ruleId ?? ''} (deterministic, no model involved)`.trim();
  return 'Found by the model only: no offline rule backs it; read it closely';
}

function cssId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function renderHeader(s: ReportStateMessage): HTMLElement {
  const header = el('section', { class: 'header', 'data-testid': 'report-header' });
  const report = s.report!;
  header.append(el('h1', {}, s.scope ? `Audit: ${s.scope.title}` : 'Audit report'));
  const u = report.usage;
  const facts = el('div', { class: 'facts' },
    fact('Model', `${report.model.id} (${report.model.provider})`),
    s.scope?.label ? fact('Label', `${s.scope.label.label}: ${s.scope.label.why}`) : null,
    fact('Tokens', `${formatTokens(u.inputTokens)} in (${formatTokens(u.cachedInputTokens)} cached) · ${formatTokens(u.outputTokens)} out`),
    fact('Cost', s.run?.cached
      ? `$0 now: answered from the cache, no call made (the original run cost ${formatUsd(u.costUsd)})`
      : `${formatUsd(u.costUsd)}${s.run?.costNote ? ` (${s.run.costNote})` : ''}`),
    s.run ? fact('Finished', `${new Date(s.run.finishedAt).toLocaleString()} in ${(s.run.durationMs / 1000).toFixed(1)} s`) : null,
    s.scope && s.scope.redactions > 0 ? fact('Redacted', `${s.scope.redactions} secret${s.scope.redactions === 1 ? '' : 's'} replaced by placeholders before sending`) : null,
    s.scope?.rules ? fact('Offline rules', s.scope.rules) : null,
  );
  header.append(facts);
  for (const note of s.scope?.notes ?? []) header.append(el('p', { class: 'note' }, note));
  if (report.summary.trim()) header.append(el('p', { class: 'summary' }, report.summary));
  if (s.scope && s.scope.skipped.length) {
    const d = el('details', { class: 'skipped' }, el('summary', {}, `${s.scope.skipped.length} file${s.scope.skipped.length === 1 ? '' : 's'} not sent`));
    const ul = el('ul');
    for (const sk of s.scope.skipped) ul.append(el('li', {}, `${sk.file}: ${sk.reason}`));
    d.append(ul);
    header.append(d);
  }
  return header;
}

function fact(name: string, value: string): HTMLElement {
  return el('div', { class: 'fact' }, el('span', { class: 'fact-name' }, name), el('span', { class: 'fact-value' }, value));
}

function renderToolbar(view: ReturnType<typeof buildView>): HTMLElement {
  const bar = el('section', { class: 'toolbar', 'aria-label': 'Filters', 'data-testid': 'filters' });
  const sev = el('div', { class: 'chips', role: 'group', 'aria-label': 'Severity' });
  for (const s of SEVERITY_ORDER) {
    sev.append(toggleChip<Severity>(s, s, filters.severities, (next) => setFilters({ ...filters, severities: next }), view.countsBySeverity[s]));
  }
  const src = el('div', { class: 'chips', role: 'group', 'aria-label': 'Source' });
  for (const s of SOURCE_ORDER) {
    src.append(toggleChip<FindingSource>(SOURCE_LABEL[s], s, filters.sources, (next) => setFilters({ ...filters, sources: next }), view.countsBySource[s]));
  }
  const cat = el('select', { class: 'select', 'aria-label': 'Category', title: 'Category' });
  cat.append(el('option', { value: '' }, 'all categories'));
  for (const c of view.categories) {
    const o = el('option', { value: c }, c);
    if (filters.categories.length === 1 && filters.categories[0] === c) o.selected = true;
    cat.append(o);
  }
  cat.addEventListener('change', () => setFilters({ ...filters, categories: cat.value ? [cat.value] : [] }));
  const text = el('input', { class: 'text', type: 'search', placeholder: 'Filter text, file, CWE…', 'aria-label': 'Filter text' }) as HTMLInputElement;
  text.value = filters.text;
  text.addEventListener('input', () => {
    filters = { ...filters, text: text.value };
    vscode.setState({ filters });
    renderBody();
  });
  const supp = el('label', { class: 'toggle', 'data-testid': 'show-suppressed' });
  const box = el('input', { type: 'checkbox' }) as HTMLInputElement;
  box.checked = filters.showSuppressed;
  box.addEventListener('change', () => setFilters({ ...filters, showSuppressed: box.checked }));
  supp.append(box, ` show suppressed (${view.hiddenSuppressed + (filters.showSuppressed ? countSuppressedShown(view) : 0)})`);
  const right = el('div', { class: 'toolbar-actions' },
    button('Export SARIF', 'Save the report as SARIF 2.1.0', () => post({ type: 'export', format: 'sarif' })),
    button('Export Markdown', 'Save the report as Markdown', () => post({ type: 'export', format: 'markdown' })),
    button('Re-run', 'Audit the same scope again (unchanged code is answered from the cache)', () => post({ type: 'rerun' })),
  );
  bar.append(sev, src, cat, text, supp, right);
  return bar;
}

function countSuppressedShown(view: ReturnType<typeof buildView>): number {
  return view.files.reduce((n, f) => n + f.bySeverity.reduce((m, g) => m + g.findings.filter((x) => x.suppressed).length, 0), 0);
}

let bodyHost: HTMLElement | null = null;

function renderBody(): void {
  if (!state?.report || !bodyHost) return;
  const view = buildView(state.report, new Set(state.suppressed), filters);
  bodyHost.replaceChildren();
  const status = el('p', { class: 'status', role: 'status', 'data-testid': 'report-status' });
  const parts = [`${view.shown} of ${view.total} finding${view.total === 1 ? '' : 's'} shown`];
  if (view.hiddenByFilters) parts.push(`${view.hiddenByFilters} hidden by filters`);
  if (view.hiddenSuppressed) parts.push(`${view.hiddenSuppressed} marked false positive`);
  if (view.unverified.length) parts.push(`${view.unverified.length} unverified`);
  status.textContent = parts.join(' · ');
  bodyHost.append(status);

  if (state.report.findings.length === 0) {
    bodyHost.append(el('div', { class: 'empty', 'data-testid': 'nothing-found' },
      el('p', {}, nothingFoundText(state.report, state.scope)),
      el('p', { class: 'hint' }, 'No finding is not a proof of safety: the model judged only the code listed above.'),
    ));
  } else if (view.shown === 0) {
    bodyHost.append(el('div', { class: 'empty' }, el('p', {}, 'No finding matches the filters.'),
      button('Clear filters', 'Show every finding', () => setFilters({ ...NO_FILTERS, showSuppressed: filters.showSuppressed }))));
  }

  for (const file of view.files) {
    const section = el('details', { class: 'file', open: '', 'data-testid': 'file-group', 'data-file': file.file });
    section.append(el('summary', {}, el('span', { class: 'file-name' }, file.file),
      el('span', { class: `sev sev-${file.worst}` }, `${file.count}`)));
    for (const g of file.bySeverity) {
      section.append(el('h3', { class: `sev-head sev-${g.severity}` }, `${g.severity} (${g.findings.length})`));
      for (const v of g.findings) section.append(renderFinding(v, false));
    }
    bodyHost.append(section);
  }

  if (view.unverified.length) {
    const section = el('details', { class: 'unverified-section', 'data-testid': 'unverified' });
    section.append(el('summary', {}, `Unverified: ${view.unverified.length} claim${view.unverified.length === 1 ? '' : 's'} whose evidence is not in the code`));
    section.append(el('p', { class: 'hint' }, 'The model quoted code that does not appear in what was audited. These are not shown in the Problems panel; treat them as unconfirmed.'));
    for (const v of view.unverified) section.append(renderFinding(v, true));
    bodyHost.append(section);
  }
  applyFocus();
}

function render(): void {
  root.replaceChildren();
  if (!state) {
    root.append(el('p', { class: 'status' }, 'Loading…'));
    return;
  }
  if (state.running) root.append(el('p', { class: 'running', role: 'status' }, state.running));
  if (!state.report) {
    if (!state.running) {
      root.append(el('div', { class: 'empty' }, el('p', {}, 'No audit yet. Run "Stakes: Audit current file", "Stakes: Review selection" or "Stakes: Audit uncommitted changes".')));
    }
    return;
  }
  const view = buildView(state.report, new Set(state.suppressed), filters);
  root.append(renderHeader(state), renderToolbar(view));
  bodyHost = el('section', { class: 'body' });
  root.append(bodyHost);
  renderBody();
}

function applyFocus(): void {
  if (!pendingFocus) return;
  const node = document.getElementById(`finding-${cssId(pendingFocus)}`);
  if (!node) return;
  pendingFocus = null;
  let p: HTMLElement | null = node.parentElement;
  while (p) {
    if (p instanceof HTMLDetailsElement) p.open = true;
    p = p.parentElement;
  }
  node.scrollIntoView({ block: 'center' });
  node.classList.add('focused');
  node.focus();
  setTimeout(() => node.classList.remove('focused'), 1600);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'state') {
    state = msg;
    render();
  } else if (msg.type === 'focus') {
    pendingFocus = msg.findingId;
    // A focused finding must be visible even when filters or suppression hide it: only then are the filters reset.
    if (state?.report) {
      const view = buildView(state.report, new Set(state.suppressed), filters);
      const visible = view.files.some((f) => f.bySeverity.some((g) => g.findings.some((x) => x.id === msg.findingId)));
      if (!visible) filters = { ...NO_FILTERS, showSuppressed: filters.showSuppressed || state.suppressed.includes(msg.findingId) };
    }
    render();
  }
});

render();
post({ type: 'ready' });
