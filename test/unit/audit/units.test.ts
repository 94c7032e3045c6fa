/** Pure pieces of the audit pipeline: diff parsing, judged lines, redaction, grounding, token estimate, cost. */
import * as assert from 'node:assert/strict';
import { parseUnifiedDiff } from '../../../src/core/audit/diff';
import { judgedRanges } from '../../../src/core/audit/scope';
import { enclosingBlock, renderTarget } from '../../../src/core/audit/context';
import { excludedBy, Redactor, DEFAULT_EXCLUDE_GLOBS } from '../../../src/core/audit/redaction';
import { GroundingIndex } from '../../../src/core/audit/grounding';
import { estimateTokens } from '../../../src/core/audit/tokens';
import { costOf, estimateCost, priceFor } from '../../../src/core/audit/cost';
import { structuredFromText } from '../../../src/core/providers/json-output';
import { isLocalBaseUrl } from '../../../src/core/providers/locality';
import { ModelReview } from '../../../src/core/audit/findings';

const DIFF = `diff --git a/src/a.ts b/src/a.ts
index 111..222 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -3,2 +3,3 @@ function f() {
-  check(user);
+  const x = 1;
+  const y = 2;
   return x;
@@ -20,2 +21,0 @@
-  audit(user);
-  log();
diff --git a/new.ts b/new.ts
new file mode 100644
--- /dev/null
+++ b/new.ts
@@ -0,0 +1,2 @@
+export const a = 1;
+export const b = 2;
diff --git a/img.png b/img.png
Binary files a/img.png and b/img.png differ
diff --git a/old.ts b/renamed.ts
similarity index 90%
rename from old.ts
rename to renamed.ts
`;

describe('audit units', () => {
  it('parses unified diffs: hunks, line numbers, added, binary, renamed files', () => {
    const files = parseUnifiedDiff(DIFF);
    assert.equal(files.length, 4);
    const [a, added, binary, renamed] = files;
    assert.equal(a.newPath, 'src/a.ts');
    assert.equal(a.hunks.length, 2);
    assert.deepEqual(a.hunks[0].lines.map((l) => [l.kind, l.oldLine, l.newLine]), [['remove', 3, null], ['add', null, 3], ['add', null, 4], ['context', 4, 5]]);
    assert.equal(added.status, 'added');
    assert.equal(added.oldPath, null);
    assert.equal(binary.binary, true);
    assert.equal(renamed.status, 'renamed');
    assert.equal(renamed.newPath, 'renamed.ts');
  });

  it('judges added lines and the lines around a pure deletion', () => {
    const [a] = parseUnifiedDiff(DIFF);
    const content = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const ranges = judgedRanges({ path: 'src/a.ts', content, scope: { kind: 'changes', base: 'HEAD', hunks: a.hunks } });
    assert.deepEqual(ranges, [{ startLine: 3, endLine: 4 }, { startLine: 21, endLine: 22 }]);
  });

  it('sends the enclosing function of a change, not just a few lines around it', () => {
    const body = Array.from({ length: 30 }, (_, i) => `  step${i + 1}();`);
    const lines = ['import { a } from "a";', '', 'export async function transfer(req, res) {', '  requireAuth(req);', ...body, '}', '', 'export function other() {', '  x();', '}'];
    assert.deepEqual(enclosingBlock(lines, 25, 25), { startLine: 3, endLine: 35 });
    const content = lines.join('\n') + '\n';
    const { text } = renderTarget({ path: 'a.ts', content, scope: { kind: 'selection', startLine: 25, endLine: 25 } }, content, [{ startLine: 25, endLine: 25 }], 2, 'line 25');
    assert.match(text, / {2}3 \| export async function transfer/);
    assert.match(text, / {2}4 \| {3}requireAuth\(req\);/);
    assert.match(text, />25 \| {3}step21\(\);/);
    assert.match(text, / {2}1 \| import \{ a \}/, 'imports are always shown');
    assert.doesNotMatch(text, /other\(\)/);
    const far = Array.from({ length: 200 }, (_, i) => `  s${i}();`);
    assert.equal(enclosingBlock(['function huge() {', ...far, '}'], 150, 150), null, 'a block beyond reach falls back to context lines');
  });

  it('redacts each kind of secret, keeps line numbers, and restores them', async () => {
    const code = [
      'const aws = "AKIAIOSFODNN7EXAMPLE";',
      'const gh = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";',
      'const slack = "xoxb-1234567890-abcdefghij";',
      'const oai = "sk-proj-AbCdEfGhIjKlMnOpQrStUv123";',
      'const ant = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv";',
      'const stripe = "sk_live_51HxQ2mK8vT3nR7pW9yZ4bC";',
      'const google = "AIzaSyA1234567890abcdefghijklmnopqrstuv";',
      'const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";',
      'const url = "mysql://root:hunter2secret@localhost/db";',
      'const password = "correct horse";',
      'db_password: "Tr0ub4dor&3"',
      'const azure = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcdEFGHijklMNOPqrstUVWXyz0123456789+/==;";',
      'const key = `-----BEGIN RSA PRIVATE KEY-----',
      'MIIEpAIBAAKCAQEA1234567890',
      '-----END RSA PRIVATE KEY-----`;',
      'const clientSecret = "8f3a9c2e7b1d4f6a0e5c9b3d7f1a2c4e";',
      'const tokenType = "Bearer";',
      'const secretRef = process.env.SECRET;',
      'last line',
    ].join('\n');
    const r = new Redactor();
    const out = await r.redact('src/config.ts', code);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghij', 'xoxb-1234567890', 'sk-proj-AbCd', 'sk-ant-api03', 'sk_live_51Hx', 'AIzaSyA123',
      'eyJhbGciOiJIUzI1NiJ9', 'hunter2secret', 'Tr0ub4dor&3', 'abcdEFGHijkl', 'MIIEpAIBAAKCAQEA', '8f3a9c2e7b1d']) {
      assert.ok(!out.includes(secret), `${secret} survived redaction:\n${out}`);
    }
    assert.match(out, /const tokenType = "Bearer";/, 'ordinary strings are left alone');
    assert.match(out, /process\.env\.SECRET/);
    assert.equal(out.split('\n').length, code.split('\n').length, 'line count unchanged');
    assert.equal(out.split('\n')[18], 'last line');
    assert.equal(r.restore(out), code, 'restoring gives back the exact text, multi-line key included');
    assert.ok(r.notes.every((n) => n.line >= 1 && !JSON.stringify(n).includes('hunter2')));
  });

  it('redacts every .env value when an .env file is audited on purpose', async () => {
    const r = new Redactor();
    const out = await r.redact('deploy/.env.staging', 'DB_HOST=db.internal\nAPI_KEY=abc\n# comment\nEMPTY=\n');
    assert.ok(!out.includes('db.internal') && !out.includes('=abc'));
  });

  it('excludes secret-bearing files by glob anywhere in the tree', () => {
    assert.equal(excludedBy('.env', DEFAULT_EXCLUDE_GLOBS), '.env');
    assert.equal(excludedBy('services/api/.env.local', DEFAULT_EXCLUDE_GLOBS), '.env.*');
    assert.equal(excludedBy('certs/tls.KEY', DEFAULT_EXCLUDE_GLOBS), '*.key');
    assert.equal(excludedBy('src/keys.ts', DEFAULT_EXCLUDE_GLOBS), null);
    assert.equal(excludedBy('secrets/prod.yaml', ['secrets/**']), 'secrets/**');
  });

  it('grounds evidence whitespace-insensitively, nearest the claimed line, and strips line prefixes', () => {
    const text = 'a();\nif (x) {\n  run( y );\n}\nrun(y);\n';
    const idx = new GroundingIndex(text);
    assert.deepEqual(idx.locate('run(y);', 5), { startLine: 5, endLine: 5, startColumn: 0, endColumn: 7 });
    assert.deepEqual(idx.locate('run(y);', 2), { startLine: 3, endLine: 3, startColumn: 2, endColumn: 11 });
    assert.equal(idx.locate('if (x) {\n run(y);', 99)?.startLine, 2);
    assert.equal(idx.locate('> 3 |   run( y );', 1)?.startLine, 3);
    assert.equal(idx.locate('if (x) { ... }', 1)?.endLine, 4);
    assert.equal(idx.locate('delete(y)', 1), null);
    assert.equal(idx.locate('   ', 1), null);
    assert.equal(idx.locate('}', 1), null, 'too short to place');
    assert.equal(idx.locate('if (x) { run( ...', 1)?.startLine, 2, 'a trailing ellipsis is an elided rest');
  });

  it('estimates tokens within 15% of the o200k tokenizer on code and prose', () => {
    // Reference counts from OpenAI's o200k_base tokenizer for these exact strings.
    const code = 'export async function getOrder(req: Request, res: Response): Promise<void> {\n  const rows = await db.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);\n}\n';
    const prose = 'The audit is the reason a backend developer installs Stakes: the ideal audit model is not the one that reassures you fastest.';
    for (const [text, real] of [[code, 41], [prose, 25]] as const) {
      const n = estimateTokens(text);
      assert.ok(Math.abs(n / real - 1) <= 0.15, `${n} vs ${real}`);
    }
    assert.equal(estimateTokens(''), 0);
    assert.ok(estimateTokens('x'.repeat(6000)) >= 1000, 'long runs are not one token');
  });

  it('prices cached input at the cached rate and knows dated model ids', () => {
    const price = priceFor('openai', 'gpt-5.4-2026-03-05')!;
    assert.deepEqual(price, priceFor('openai', 'gpt-5.4'));
    assert.equal(costOf({ inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 0 }, price), 0.6 * price.input + 0.4 * price.cachedInput);
    assert.equal(estimateCost('openai-compatible', 'qwen3-coder', 1000, 100).costUsd, 0);
    assert.equal(priceFor('anthropic', 'claude-opus-4-6', { 'claude-opus-4-6': { input: 1, cachedInput: 1, output: 1 } })!.input, 1);
  });

  it('reads JSON from fenced or chatty model text and reports problems without throwing', () => {
    const ok = structuredFromText('Here you go:\n```json\n{"findings": [], "summary": "fine"}\n```', ModelReview);
    assert.equal(ok.parsed?.summary, 'fine');
    assert.match(structuredFromText('', ModelReview).issues[0], /empty/);
    assert.match(structuredFromText('{"findings": 3, "summary": "x"}', ModelReview).issues[0], /^findings: /);
  });

  it('treats loopback and private addresses as local', () => {
    for (const u of ['http://127.0.0.1:11434/v1', 'http://localhost:1234/v1', 'http://[::1]:8000/v1', 'http://192.168.1.20:8000/v1', 'http://10.0.0.5/v1', 'http://gpu.local:8000']) {
      assert.ok(isLocalBaseUrl(u), u);
    }
    for (const u of ['https://api.openai.com/v1', 'http://8.8.8.8/v1', 'not a url']) assert.ok(!isLocalBaseUrl(u), u);
  });
});
