import * as assert from 'node:assert/strict';
import type { AuditReport, Finding } from '../../../src/core/audit/findings';
import { parseWebviewMessage } from '../../../src/protocol/auditReport';
import { findingRef } from '../../../src/core/audit/findingRef';
import { buildView, NO_FILTERS, nothingFoundText, passesFilters } from '../../../src/webview/auditReport/view';

function finding(fields: Partial<Finding>): Finding {
  return {
    title: 'SQL built from request input', severity: 'high', category: 'injection', cwe: 'CWE-89', file: 'src/orders.ts',
    startLine: 10, endLine: 10, evidence: 'db.query(`SELECT * FROM orders WHERE id = ${req.params.id}`)',
    explanation: 'The id is interpolated into SQL.', fix: 'db.query("SELECT * FROM orders WHERE id = $1", [req.params.id])',
    confidence: 0.9, source: 'ai', ruleId: null, ...fields,
  };
}

function report(findings: Finding[], unverified: Finding[] = []): AuditReport {
  return {
    findings, unverified, summary: 'One injection.', model: { provider: 'openai', id: 'gpt-5.4' },
    usage: { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 0, costUsd: 0.0075 },
  };
}

describe('audit report view model', () => {
  const findings = [
    finding({ id: 'a', file: 'src/orders.ts', severity: 'high', startLine: 30 }),
    finding({ id: 'b', file: 'src/orders.ts', severity: 'critical', startLine: 12, category: 'authz', cwe: 'CWE-862', source: 'both', ruleId: 'missing-authz' }),
    finding({ id: 'c', file: 'src/orders.ts', severity: 'high', startLine: 5 }),
    finding({ id: 'd', file: 'src/util.ts', severity: 'low', category: 'performance', cwe: null, source: 'rule', ruleId: 'n-plus-one' }),
    finding({ id: 'e', file: 'src/auth.ts', severity: 'critical', category: 'authn', cwe: 'CWE-287' }),
  ];

  it('groups by file (worst first), then by severity, then by line', () => {
    const v = buildView(report(findings), new Set(), NO_FILTERS);
    assert.deepEqual(v.files.map((f) => f.file), ['src/orders.ts', 'src/auth.ts', 'src/util.ts']);
    const orders = v.files[0];
    assert.equal(orders.worst, 'critical');
    assert.deepEqual(orders.bySeverity.map((g) => [g.severity, g.findings.map((x) => x.id)]), [['critical', ['b']], ['high', ['c', 'a']]]);
    assert.equal(v.shown, 5);
    assert.equal(v.total, 5);
    assert.deepEqual(v.countsBySource, { ai: 3, rule: 1, both: 1 });
    assert.deepEqual(v.categories, ['authn', 'authz', 'injection', 'performance']);
  });

  it('hides suppressed findings unless asked, and never counts them as open', () => {
    const hidden = buildView(report(findings), new Set(['a', 'e']), NO_FILTERS);
    assert.equal(hidden.shown, 3);
    assert.equal(hidden.total, 3);
    assert.equal(hidden.hiddenSuppressed, 2);
    assert.equal(hidden.countsBySeverity.critical, 1);
    const shown = buildView(report(findings), new Set(['a', 'e']), { ...NO_FILTERS, showSuppressed: true });
    assert.equal(shown.shown, 5);
    assert.equal(shown.total, 3);
    assert.deepEqual(shown.files.flatMap((f) => f.bySeverity.flatMap((g) => g.findings)).filter((x) => x.suppressed).map((x) => x.id).sort(), ['a', 'e']);
  });

  it('filters by severity, category, source and text', () => {
    const bySev = buildView(report(findings), new Set(), { ...NO_FILTERS, severities: ['critical'] });
    assert.deepEqual(bySev.files.map((f) => f.file), ['src/auth.ts', 'src/orders.ts']);
    assert.equal(bySev.hiddenByFilters, 3);
    assert.equal(buildView(report(findings), new Set(), { ...NO_FILTERS, sources: ['rule', 'both'] }).shown, 2);
    assert.equal(buildView(report(findings), new Set(), { ...NO_FILTERS, categories: ['performance'] }).shown, 1);
    assert.equal(buildView(report(findings), new Set(), { ...NO_FILTERS, text: 'cwe-287' }).shown, 1);
    assert.equal(buildView(report(findings), new Set(), { ...NO_FILTERS, text: 'N-PLUS' }).shown, 1);
    assert.equal(passesFilters(findings[0], { ...NO_FILTERS, severities: ['low'] }), false);
  });

  it('lists unverified findings apart, with ids distinct from verified ones', () => {
    const unverified = [finding({ evidence: 'code the model invented' })];
    const v = buildView(report([finding({})], unverified), new Set(), NO_FILTERS);
    assert.equal(v.unverified.length, 1);
    assert.equal(v.shown, 1);
    assert.notEqual(v.unverified[0].id, findingRef(finding({}), 0));
  });

  it('says what was checked when nothing was found', () => {
    const text = nothingFoundText(report([], [finding({})]), { title: 'uncommitted changes in shop-api (2 files)',
      files: [{ file: 'src/a.ts', judged: 'changed lines 3–9' }, { file: 'src/b.ts', judged: 'new file' }] });
    assert.match(text, /No problems found by gpt-5\.4 \(openai\)/);
    assert.match(text, /src\/a\.ts \(changed lines 3–9\), src\/b\.ts \(new file\)/);
    assert.match(text, /1 claim could not be located/);
  });
});

describe('audit report webview messages', () => {
  it('accepts the messages the page sends', () => {
    for (const m of [
      { type: 'ready' }, { type: 'reveal', findingId: 'a1' }, { type: 'applyFix', findingId: 'a1' }, { type: 'copyFix', findingId: 'x' },
      { type: 'suppress', findingId: 'a1', suppressed: true }, { type: 'export', format: 'sarif' }, { type: 'export', format: 'markdown' },
      { type: 'rerun' },
    ]) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, true, JSON.stringify(m));
    }
  });

  it('rejects unknown types, missing or extra fields and wrong value types, with a reason', () => {
    const bad: unknown[] = [
      null, 'ready', { type: 'openFile', path: '/etc/passwd' }, { type: 'reveal' }, { type: 'reveal', findingId: '' },
      { type: 'reveal', findingId: 'a', path: '/etc/passwd' }, { type: 'suppress', findingId: 'a', suppressed: 'yes' },
      { type: 'export', format: 'html' }, { type: 'applyFix', findingId: 'x'.repeat(500) },
    ];
    for (const m of bad) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.ok(r.reason.length > 0);
    }
  });
});
