/**
 * OWASP BenchmarkPython, scored the Benchmark's own way: each test case is one file with a row in its
 * expectedresults CSV (test name, category, real vulnerability true/false, CWE). A file is flagged for a
 * category when the rules report a problem of a rule mapped to it (problems only: what a user sees).
 * Per claimed category: true-positive rate, false-positive rate and TPR − FPR (Youden); overall: their
 * averages (the Benchmark's score). Categories no rule claims are listed, not scored.
 * The Benchmark is read from a local copy, never from this repository:
 *   STAKES_BENCH_PYTHON_DIR=/path/to/BenchmarkPython (a checkout, or a bare git directory)
 * and skipped with the reason when it is not set.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeFile, type ModuleReader } from '../../src/core/rules';

/** Benchmark categories → the rules that claim them. */
export const CLAIMS: Record<string, string[]> = {
  sqli: ['sql-injection'],
  cmdi: ['command-injection'],
  codeinj: ['code-injection'],
  pathtraver: ['path-traversal'],
  redirect: ['open-redirect'],
  deserialization: ['unsafe-deserialization'],
  xxe: ['xxe'],
  hash: ['weak-hash', 'weak-password-hash'],
};

interface Source {
  list(): string[];
  read(p: string): string | undefined;
}

function openSource(dir: string): Source | undefined {
  if (fs.existsSync(path.join(dir, 'testcode'))) {
    return {
      list: () => ['expectedresults-0.1.csv', ...fs.readdirSync(path.join(dir, 'testcode')).map((f) => `testcode/${f}`), ...fs.readdirSync(dir).filter((f) => f.startsWith('expectedresults'))],
      read: (p) => (fs.existsSync(path.join(dir, p)) ? fs.readFileSync(path.join(dir, p), 'utf8') : undefined),
    };
  }
  const gitDir = fs.existsSync(path.join(dir, 'HEAD')) ? dir : fs.existsSync(path.join(dir, 'repo', 'HEAD')) ? path.join(dir, 'repo') : undefined;
  if (!gitDir) return undefined;
  const ls = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', 'HEAD'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (ls.status !== 0) return undefined;
  const names = ls.stdout.split('\n').filter(Boolean);
  const wanted = names.filter((n) => /^expectedresults.*\.csv$|^(?:testcode|helpers)\/.*\.py$/.test(n));
  const res = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: wanted.map((n) => `HEAD:${n}`).join('\n') + '\n', maxBuffer: 2 ** 31 - 1 });
  const files = new Map<string, string>();
  let off = 0;
  for (const n of wanted) {
    const nl = res.stdout.indexOf(10, off);
    const size = Number(res.stdout.subarray(off, nl).toString().split(' ')[2]);
    files.set(n, res.stdout.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    off = nl + 1 + size + 1;
  }
  return { list: () => names, read: (p) => files.get(p) };
}

interface Row {
  test: string;
  category: string;
  real: boolean;
}

export function parseExpected(csv: string): Row[] {
  return csv.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
    const [test, category, real] = l.split(',').map((x) => x.trim());
    return { test, category, real: real === 'true' };
  });
}

export async function run(): Promise<void> {
  const dir = process.env.STAKES_BENCH_PYTHON_DIR;
  if (!dir) {
    console.log('skipped: set STAKES_BENCH_PYTHON_DIR to a local copy of OWASP BenchmarkPython (a checkout or its bare git directory).');
    return;
  }
  const src = openSource(path.resolve(dir));
  const csvName = src?.list().find((n) => /^expectedresults.*\.csv$/.test(n));
  const csv = csvName ? src?.read(csvName) : undefined;
  if (!src || !csv) {
    console.log(`skipped: ${dir} is not a BenchmarkPython copy (no expectedresults-*.csv).`);
    return;
  }
  const rows = parseExpected(csv);
  // Imports of the Benchmark's own helpers (helpers.separate_request…) are followed like a workspace's modules.
  const readModule: ModuleReader = (_from, dotted) => {
    const p = `${dotted.split('.').join('/')}.py`;
    const text = src.read(p);
    return text === undefined ? undefined : { path: p, text };
  };
  const flagged = new Map<string, Set<string>>();
  let bytes = 0;
  const t0 = performance.now();
  for (const r of rows) {
    const file = `testcode/${r.test}.py`;
    const text = src.read(file);
    if (text === undefined) continue;
    bytes += text.length;
    const res = await analyzeFile(file, text, { readModule });
    if (res.skipped) throw new Error(`${file} was not analysed: ${res.skipped}`);
    flagged.set(r.test, new Set(res.findings.map((f) => f.ruleId ?? '')));
  }
  const ms = performance.now() - t0;
  console.log(`OWASP BenchmarkPython (${csvName}): ${rows.length} test cases, ${(bytes / 1e6).toFixed(1)} MB checked in ${(ms / 1000).toFixed(1)} s.`);
  console.log('  category          cases  real |  TP  FN  FP  TN |  TPR   FPR  TPR−FPR');
  const scores: { tpr: number; fpr: number }[] = [];
  let tp = 0;
  let fp = 0;
  let real = 0;
  let safe = 0;
  for (const [category, rules] of Object.entries(CLAIMS)) {
    const cat = rows.filter((r) => r.category === category);
    if (!cat.length) continue;
    const c = { tp: 0, fn: 0, fp: 0, tn: 0 };
    for (const r of cat) {
      const hit = rules.some((id) => flagged.get(r.test)?.has(id));
      if (r.real) c[hit ? 'tp' : 'fn']++;
      else c[hit ? 'fp' : 'tn']++;
    }
    const tpr = c.tp / Math.max(1, c.tp + c.fn);
    const fpr = c.fp / Math.max(1, c.fp + c.tn);
    scores.push({ tpr, fpr });
    tp += c.tp;
    fp += c.fp;
    real += c.tp + c.fn;
    safe += c.fp + c.tn;
    console.log(`  ${category.padEnd(16)} ${String(cat.length).padStart(5)} ${String(c.tp + c.fn).padStart(5)} | ${[c.tp, c.fn, c.fp, c.tn].map((n) => String(n).padStart(3)).join(' ')} | ${tpr.toFixed(2)}  ${fpr.toFixed(2)}  ${(tpr - fpr).toFixed(2).padStart(6)}`);
  }
  const avg = (f: (s: { tpr: number; fpr: number }) => number): number => scores.reduce((a, s) => a + f(s), 0) / Math.max(1, scores.length);
  console.log(`  claimed categories, averaged (the Benchmark's score): TPR ${avg((s) => s.tpr).toFixed(2)}, FPR ${avg((s) => s.fpr).toFixed(2)}, TPR−FPR ${avg((s) => s.tpr - s.fpr).toFixed(2)}`);
  console.log(`  claimed categories, pooled over files: TPR ${(tp / Math.max(1, real)).toFixed(2)}, FPR ${(fp / Math.max(1, safe)).toFixed(2)}`);
  const unclaimed = [...new Set(rows.map((r) => r.category))].filter((c) => !CLAIMS[c]);
  if (unclaimed.length) console.log(`  not claimed (no rule for them): ${unclaimed.join(', ')}`);
}
