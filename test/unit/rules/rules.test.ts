/** Every rule on vulnerable code and on the safe look-alikes that naive pattern matching reports. */
import * as assert from 'node:assert/strict';
import { Finding } from '../../../src/core/audit/findings';
import { analyzeFile, RULES, runRules } from '../../../src/core/rules';
import { TS_CASES, type RuleCase } from './cases-ts';
import { PY_CASES, SQL_CASES } from './cases-py';
import { GO_CASES } from './cases-go';

function run(cases: RuleCase[], defaultFile: string): void {
  for (const c of cases) {
    it(`${c.vulnerable ? 'reports' : 'does not report'} ${c.rule}: ${c.name}`, async () => {
      const file = c.file ?? defaultFile;
      // Every hit, problems and hints alike: these cases pin what each rule detects, not where it is shown.
      const r = await analyzeFile(file, c.code, { includeTests: true });
      const findings = [...r.findings, ...r.hints];
      const hits = findings.filter((f) => f.ruleId === c.rule);
      if (!c.vulnerable) {
        assert.deepEqual(hits.map((f) => `${f.startLine}: ${f.evidence}`), [], `${c.rule} must not fire on safe code`);
        return;
      }
      assert.ok(hits.length > 0, `${c.rule} did not fire. Findings: ${JSON.stringify(findings.map((f) => [f.ruleId, f.evidence]))}`);
      for (const f of hits) {
        // The contract: valid, source 'rule', evidence quoted exactly from the file at the reported lines.
        Finding.parse(f);
        assert.equal(f.source, 'rule');
        assert.equal(f.file, file);
        const lines = c.code.split('\n');
        const atLines = lines.slice(f.startLine - 1, f.endLine).join('\n');
        assert.ok(atLines.includes(f.evidence), `evidence "${f.evidence}" is not at lines ${f.startLine}-${f.endLine}`);
        assert.equal(lines[f.startLine - 1].slice(f.startColumn).startsWith(f.evidence.split('\n')[0]), true, 'startColumn points at the evidence');
      }
      if (c.evidence) assert.ok(hits.some((f) => f.evidence.includes(c.evidence!)), `no evidence containing ${c.evidence}: ${hits.map((h) => h.evidence).join(' | ')}`);
      if (c.fix) assert.ok(hits.some((f) => f.fix === c.fix), `expected fix ${c.fix}, got ${hits.map((h) => h.fix).join(' | ')}`);
    });
  }
}

describe('offline rules', () => {
  describe('TypeScript / JavaScript', () => run(TS_CASES, 'src/routes/handler.ts'));
  describe('Python', () => run(PY_CASES, 'app/views.py'));
  describe('Go', () => run(GO_CASES, 'internal/api/handlers.go'));
  describe('PostgreSQL migrations', () => run(SQL_CASES, 'migrations/0002_change.sql'));

  it('has vulnerable and safe cases for every rule', () => {
    const all = [...TS_CASES, ...PY_CASES, ...GO_CASES, ...SQL_CASES];
    for (const r of RULES) {
      assert.ok(all.some((c) => c.rule === r.id && c.vulnerable), `no vulnerable case for ${r.id}`);
      assert.ok(all.some((c) => c.rule === r.id && !c.vulnerable), `no safe case for ${r.id}`);
    }
    for (const r of RULES.filter((x) => x.languages.includes('python') && !x.languages.includes('sql'))) {
      assert.ok(PY_CASES.some((c) => c.rule === r.id && c.vulnerable), `no Python vulnerable case for ${r.id}`);
    }
    for (const r of RULES.filter((x) => x.languages.includes('go'))) {
      assert.ok(GO_CASES.some((c) => c.rule === r.id && c.vulnerable), `no Go vulnerable case for ${r.id}`);
      assert.ok(GO_CASES.some((c) => c.rule === r.id && !c.vulnerable), `no Go safe case for ${r.id}`);
    }
  });

  it('rates request data worse than a parameter of unknown origin', async () => {
    const [fromRequest] = await runRules('a.ts', "app.get('/', (req, res) => db.query('SELECT * FROM t WHERE a = ' + req.query.a));");
    const param = await analyzeFile('a.ts', "export function q(a: string) { return db.query('SELECT * FROM t WHERE a = ' + a); }");
    assert.deepEqual(param.findings, [], 'a parameter of unknown origin is a hint, not a problem');
    const [fromParam] = param.hints;
    assert.equal(fromRequest.severity, 'critical');
    assert.equal(fromParam.severity, 'medium');
    assert.match(fromRequest.explanation, /req\.query\.a/);
  });

  it('follows data through variables, destructuring and helpers rather than spelling', async () => {
    const code = [
      "app.post('/x', async (req, res) => {",
      '  const { filter } = req.body;',
      '  const where = `name = \'${filter.trim()}\'`;',
      '  const sql = ["SELECT * FROM t", "WHERE", where].join(" ");',
      '  await db.query(sql);',
      '});',
    ].join('\n');
    const f = await runRules('x.js', code);
    assert.deepEqual(f.map((x) => x.ruleId), ['sql-injection']);
    assert.equal(f[0].startLine, 5);
  });

  it('skips files it does not understand, and huge files, with a reason', async () => {
    assert.equal((await analyzeFile('README.md', 'eval(req.body)')).skipped, 'not a TypeScript, JavaScript, Python, Go or SQL file');
    assert.match((await analyzeFile('big.js', 'x'.repeat(3 * 1024 * 1024))).skipped ?? '', /larger than/);
    assert.equal((await analyzeFile('x.d.ts', 'declare const a: string;')).skipped, 'not a TypeScript, JavaScript, Python, Go or SQL file');
  });

  it('does not crash on syntax errors', async () => {
    assert.ok(Array.isArray(await runRules('broken.ts', 'app.get("/", (req, res) => { db.query("SELECT " + req.query.a')));
    assert.ok(Array.isArray(await runRules('broken.py', 'def f(:\n  cur.execute(f"SELECT {request.args}"')));
  });

  it('rejects unknown rule ids in options', async () => {
    await assert.rejects(runRules('a.ts', '', { only: ['sql-injectoin'] }), /unknown rule "sql-injectoin"/);
  });
});
