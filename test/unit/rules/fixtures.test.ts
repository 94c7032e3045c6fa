/**
 * The rules' fixtures, data-driven (semgrep-rules style): every file in src/core/rules/<rule-id>/fixtures/
 * is realistic source annotated on the line above the code it is about:
 *   `// ruleid: <rule-id>`  the rule reports a problem on the next line (fix: <replacement> pins its fix)
 *   `// hint: <rule-id>`    the rule reports on the next line, below the problem bar (an AI-audit hint)
 *   `// ok: <rule-id>`      the rule reports nothing on the next line (a look-alike)
 * (`#` in Python, `--` in SQL). The rule must report exactly on the annotated lines: any other line of the
 * file it reports on fails the test. `stakes-fixture-path: <path>` on the first line says what path the
 * file is checked as (default per language), since paths decide migrations, tests and frameworks.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../../../src/core/audit/findings';
import { analyzeFile, RULES } from '../../../src/core/rules';
import { factsFromVersions } from '../../../src/core/rules/project';

export const RULES_DIR = path.resolve(__dirname, '../../../../src/core/rules');
const EXT: Record<string, { comment: string; path: string }> = {
  '.ts': { comment: '//', path: 'src/routes/handler.ts' },
  '.js': { comment: '//', path: 'src/routes/handler.js' },
  '.py': { comment: '#', path: 'app/views.py' },
  '.go': { comment: '//', path: 'internal/api/handlers.go' },
  '.sql': { comment: '--', path: 'migrations/0002_change.sql' },
};

export interface Fixture {
  rule: string;
  file: string;
  virtualPath: string;
  /** `stakes-fixture-project: jsonwebtoken=9.0.2, pyjwt=2.8.0`: the project's dependency versions. */
  project?: Map<string, string>;
  text: string;
  expect: Map<number, { kind: 'ruleid' | 'hint' | 'ok'; fix?: string }>;
}

export function readFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const rule of fs.readdirSync(RULES_DIR)) {
    const dir = path.join(RULES_DIR, rule, 'fixtures');
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const lang = EXT[path.extname(name)];
      if (!lang) continue;
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const lines = text.split('\n');
      const c = lang.comment.replace(/[/]/g, '\\/');
      const header = new RegExp(`^\\s*${c}\\s*stakes-fixture-path:\\s*(\\S+)`).exec(lines[0]);
      const projectLine = lines.slice(0, 3).map((l) => new RegExp(`^\\s*${c}\\s*stakes-fixture-project:\\s*(.+)$`).exec(l)).find(Boolean);
      const project = projectLine ? new Map(projectLine[1].split(',').map((kv) => kv.trim().split('=') as [string, string])) : undefined;
      const expect = new Map<number, { kind: 'ruleid' | 'hint' | 'ok'; fix?: string }>();
      lines.forEach((l, i) => {
        const m = new RegExp(`^\\s*${c}\\s*(ruleid|hint|ok):\\s*([\\w-]+)(?:\\s+fix:\\s*(.*))?$`).exec(l);
        if (m && m[2] === rule) expect.set(i + 2, { kind: m[1] as 'ruleid' | 'hint' | 'ok', fix: m[3]?.trim() });
      });
      out.push({ rule, file: `${rule}/fixtures/${name}`, virtualPath: header?.[1] ?? lang.path, project, text, expect });
    }
  }
  return out;
}

describe('rule fixtures (src/core/rules/<rule-id>/fixtures)', () => {
  const fixtures = readFixtures();

  it('every rule has fixtures that it must report and look-alikes it must not, in each of its languages', () => {
    const exts: Record<string, string[]> = { typescript: ['.ts', '.js'], python: ['.py'], go: ['.go'], sql: ['.sql', '.py', '.ts'] };
    for (const r of RULES) {
      const mine = fixtures.filter((f) => f.rule === r.id);
      assert.ok([...mine].some((f) => [...f.expect.values()].some((e) => e.kind !== 'ok')), `${r.id}: no fixture line it must report`);
      assert.ok([...mine].some((f) => [...f.expect.values()].some((e) => e.kind === 'ok')), `${r.id}: no look-alike it must not report`);
      for (const lang of r.languages) {
        if (lang === 'sql') continue;
        assert.ok(mine.some((f) => exts[lang].includes(path.extname(f.file)) && [...f.expect.values()].some((e) => e.kind !== 'ok')), `${r.id}: no ${lang} fixture it must report`);
      }
    }
  });

  for (const f of fixtures) {
    it(`${f.file}`, async () => {
      const r = await analyzeFile(f.virtualPath, f.text, { includeTests: true, project: f.project && factsFromVersions(f.project) });
      assert.equal(r.skipped, undefined, `${f.file} was not analysed: ${r.skipped}`);
      assert.deepEqual(r.ruleErrors ?? [], [], 'no rule may fail on its fixture');
      const got = new Map<number, { kind: 'ruleid' | 'hint'; finding: Finding }>();
      for (const x of r.findings) if (x.ruleId === f.rule) got.set(x.startLine, { kind: 'ruleid', finding: x });
      for (const x of r.hints) if (x.ruleId === f.rule && !got.has(x.startLine)) got.set(x.startLine, { kind: 'hint', finding: x });
      const problems: string[] = [];
      for (const [line, e] of f.expect) {
        const g = got.get(line);
        if (e.kind === 'ok' && g) problems.push(`line ${line}: reported (${g.kind}) but annotated ok: ${g.finding.evidence.slice(0, 80)}`);
        if (e.kind !== 'ok' && !g) problems.push(`line ${line}: annotated ${e.kind} but not reported`);
        if (e.kind !== 'ok' && g && g.kind !== e.kind) problems.push(`line ${line}: annotated ${e.kind} but reported as ${g.kind} (confidence ${g.finding.confidence})`);
        if (e.fix && g && g.finding.fix !== e.fix) problems.push(`line ${line}: fix ${JSON.stringify(g.finding.fix)}, expected ${JSON.stringify(e.fix)}`);
      }
      for (const [line, g] of got) {
        if (!f.expect.has(line)) problems.push(`line ${line}: reported (${g.kind}) without an annotation: ${g.finding.evidence.slice(0, 80)}`);
        // The findings contract: valid, quoted exactly from the file at the reported lines.
        Finding.parse(g.finding);
        const lines = f.text.split('\n');
        assert.ok(lines.slice(g.finding.startLine - 1, g.finding.endLine).join('\n').includes(g.finding.evidence), `evidence is not at lines ${g.finding.startLine}-${g.finding.endLine}`);
        assert.ok(lines[g.finding.startLine - 1].slice(g.finding.startColumn).startsWith(g.finding.evidence.split('\n')[0]), 'startColumn points at the evidence');
      }
      assert.deepEqual(problems, []);
    });
  }
});
