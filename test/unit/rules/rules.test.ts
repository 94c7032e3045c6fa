/** The engine around the rules: severity by origin, data through variables, skips, syntax errors, options. (Each rule's cases: fixtures.test.ts.) */
import * as assert from 'node:assert/strict';
import { analyzeFile, runRules } from '../../../src/core/rules';

describe('offline rules', () => {
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
