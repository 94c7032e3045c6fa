/** Adoption on existing code: stakes-ignore comments and the baseline. */
import * as assert from 'node:assert/strict';
import { analyzeFile, applyBaseline, createBaseline, parseBaseline, runRules } from '../../../src/core/rules';

const vulnerable = "app.get('/', (req, res) => { eval(req.query.code); });";

describe('offline rules: suppressions', () => {
  it('honours // stakes-ignore RULE reason on the line above and on the same line', async () => {
    const above = `// stakes-ignore code-injection admin-only debug console, behind VPN\n${vulnerable}`;
    const r = await analyzeFile('a.js', above);
    assert.equal(r.findings.length, 0);
    assert.equal(r.suppressed.length, 1);
    assert.equal(r.suppressed[0].suppression.reason, 'admin-only debug console, behind VPN');
    assert.equal((await runRules('a.js', `${vulnerable} // stakes-ignore code-injection reviewed`)).length, 0);
  });

  it('only silences the named rule, and only on its line', async () => {
    assert.equal((await runRules('a.js', `// stakes-ignore sql-injection wrong rule\n${vulnerable}`)).length, 1);
    assert.equal((await runRules('a.js', `// stakes-ignore code-injection too far\n\n${vulnerable}`)).length, 1);
    assert.equal((await runRules('a.js', `// stakes-ignore sql-injection, code-injection both\n${vulnerable}`)).length, 0);
    assert.equal((await runRules('a.js', `/* stakes-ignore * generated */\n${vulnerable}`)).length, 0);
  });

  it('uses # in Python and -- in SQL', async () => {
    const py = "from flask import request\ndef f():\n    # stakes-ignore code-injection sandboxed\n    return eval(request.args['x'])\n";
    assert.equal((await runRules('a.py', py)).length, 0);
    const sql = '-- stakes-ignore migration-index-not-concurrent table has 20 rows\nCREATE INDEX i ON small_table (a);';
    assert.equal((await runRules('m.sql', sql)).length, 0);
    assert.equal((await runRules('m.sql', 'CREATE INDEX i ON small_table (a);')).length, 1);
  });
});

describe('offline rules: baseline', () => {
  const before = "app.get('/a', (req, res) => { eval(req.query.a); });\n";
  const added = "app.get('/b', (req, res) => { eval(req.query.b); });\n";

  it('keeps known findings across moves and reformatting, and reports new ones', async () => {
    const baseline = createBaseline(await runRules('src/app.js', before));
    assert.equal(baseline.entries.length, 1);
    const reformatted = `// a comment that shifts every line\n\n${before.replace('eval(req.query.a)', 'eval( req.query.a )')}${added}`;
    const { fresh, known } = applyBaseline(await runRules('src/app.js', reformatted), baseline);
    assert.equal(known.length, 1);
    assert.deepEqual(fresh.map((f) => f.evidence), ['eval(req.query.b)']);
  });

  it('treats the same finding in another file, or a second copy, as new', async () => {
    const baseline = createBaseline(await runRules('src/app.js', before));
    assert.equal(applyBaseline(await runRules('src/other.js', before), baseline).fresh.length, 1);
    assert.equal(applyBaseline(await runRules('src/app.js', before + before), baseline).fresh.length, 1);
  });

  it('round-trips through JSON and rejects files that are not baselines with a way out', async () => {
    const b = createBaseline(await runRules('src/app.js', before));
    assert.deepEqual(parseBaseline(JSON.stringify(b), '.stakes-baseline.json'), b);
    assert.throws(() => parseBaseline('{nope', 'b.json'), /b\.json is not valid JSON.*--write-baseline/);
    assert.throws(() => parseBaseline('{"version":1,"entries":[{"ruleId":"x"}]}', 'b.json'), /not a Stakes baseline \(entries\.0\.file/);
  });
});
