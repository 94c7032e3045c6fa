/**
 * Offline rules throughput, side by side with eslint-plugin-security on the same JavaScript files
 * (real package sources from node_modules), plus Python throughput on the interpreter's standard
 * library, plus cold-start and per-file latency (what "run on save" costs), plus issue 13's goal: the
 * `stakes audit --offline` command on the server code of a production backend, as its own process
 * (wall time, peak RSS). Prints figures only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { analyzeFile, defaultSkipReason, languageOf } from '../../src/core/rules';
import { mirrorDir, readBlobs } from '../corpus/corpus';
import { ROOT } from '../support/activation';
import { once, PEAK_HOOK } from './cli';

const MAX_FILES = Number(process.env.STAKES_BENCH_RULES_FILES ?? 4000);
const MAX_BYTES = 2 * 1024 * 1024;

interface Corpus {
  files: { path: string; text: string }[];
  bytes: number;
}

function collect(roots: string[], ext: RegExp, skip: RegExp, limit: number): Corpus {
  const files: { path: string; text: string }[] = [];
  let bytes = 0;
  const walk = (dir: string): void => {
    if (files.length >= limit) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const e of entries) {
      if (files.length >= limit) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!skip.test(p)) walk(p);
      } else if (e.isFile() && ext.test(e.name) && !/\.min\.js$/.test(e.name)) {
        const size = fs.statSync(p).size;
        if (size === 0 || size > MAX_BYTES) continue;
        const text = fs.readFileSync(p, 'utf8');
        files.push({ path: p, text });
        bytes += Buffer.byteLength(text);
      }
    }
  };
  for (const r of roots) walk(r);
  return { files, bytes };
}

function countBy(items: string[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
}

/** Wall-clock and CPU-time rates: on a busy machine the CPU figure is the comparable one. */
function line(name: string, files: number, bytes: number, t: { ms: number; cpuMs: number }, findings: number, extra = ''): string {
  const s = t.ms / 1000;
  const c = t.cpuMs / 1000;
  return `${name.padEnd(26)} ${String(files).padStart(5)} files ${(bytes / 1e6).toFixed(1).padStart(5)} MB | wall ${s.toFixed(1).padStart(5)} s ` +
    `${(files / s).toFixed(0).padStart(5)} files/s ${(bytes / 1e6 / s).toFixed(2).padStart(5)} MB/s | cpu ${c.toFixed(1).padStart(5)} s ` +
    `${(files / c).toFixed(0).padStart(5)} files/s ${(bytes / 1e6 / c).toFixed(2).padStart(5)} MB/s | ${String(findings).padStart(5)} findings${extra}`;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

const AS_OWN_CODE = { includeGenerated: true, includeTests: true } as const;

async function stakes(corpus: Corpus): Promise<{ ms: number; cpuMs: number; findings: string[]; failures: number }> {
  const findings: string[] = [];
  let failures = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of corpus.files) {
    try {
      // The corpus lives under node_modules; analysed as a project's own code, or the default skip of vendored code would be timed.
      const r = await analyzeFile(f.path, f.text, AS_OWN_CODE);
      for (const x of r.findings) findings.push(x.ruleId ?? '?');
    } catch {
      failures++;
    }
  }
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), findings, failures };
}

async function eslintSecurity(corpus: Corpus): Promise<{ ms: number; cpuMs: number; findings: string[]; parseErrors: number }> {
  const { ESLint } = require('eslint') as typeof import('eslint');
  const security = require('eslint-plugin-security');
  const eslint = new ESLint({
    overrideConfigFile: true,
    ignore: false,
    // Sources carry eslint-disable comments for rules not loaded here: judge the code, not its comments.
    allowInlineConfig: false,
    overrideConfig: [{
      files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*'],
      plugins: { security },
      rules: security.configs.recommended.rules,
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    }],
  });
  const findings: string[] = [];
  let parseErrors = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of corpus.files) {
    // ESLint always ignores node_modules; lintText reads nothing from disk, so give it a neutral path.
    const [res] = await eslint.lintText(f.text, { filePath: path.join(process.cwd(), 'bench-corpus', f.path.replace(/^.*node_modules[/\\]/, '')) });
    for (const m of res?.messages ?? []) {
      if (m.fatal) parseErrors++;
      else findings.push(m.ruleId ?? '?');
    }
  }
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), findings, parseErrors };
}

/**
 * Issue 13's production figure: the server code of one production Django backend at a pinned commit
 * (not in the blind precision set), written out from the local mirror, checked by the real CLI in its
 * own process. Throughput counts the bytes of the files the rules analyse (tests and vendored files,
 * which the CLI skips by default, are not counted).
 */
const PRODUCTION = { repo: 'DefectDojo/django-DefectDojo', commit: '7cfa159a6767b0ac6e66f3b1597a997e607e7308', under: 'dojo' };

function productionRepo(): void {
  const gitDir = path.join(mirrorDir(), PRODUCTION.repo.replace('/', '+'), 'repo');
  const label = `${PRODUCTION.repo}@${PRODUCTION.commit.slice(0, 7)} ${PRODUCTION.under}/`;
  const cli = path.join(ROOT, 'dist/cli.js');
  if (!fs.existsSync(gitDir) || !fs.existsSync(cli)) {
    console.log(`production server code (${label}): skipped: ${fs.existsSync(cli) ? `no mirror at ${gitDir} (set STAKES_CORPUS_MIRROR to a folder of <owner>+<name>/repo git directories)` : 'dist/cli.js is not built'}.`);
    return;
  }
  let listing: string;
  try {
    listing = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', PRODUCTION.commit, '--', PRODUCTION.under], { maxBuffer: 256 * 1024 * 1024 }).toString();
  } catch {
    console.log(`production server code (${label}): skipped: the mirror does not hold commit ${PRODUCTION.commit}.`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-rules-'));
  try {
    const entries = listing.split('\0').filter(Boolean).map((l) => /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(l)).filter((m): m is RegExpExecArray => !!m);
    const blobs = readBlobs(gitDir, entries.map((e) => e[1]));
    let analysed = 0;
    let bytes = 0;
    entries.forEach(([, , file], i) => {
      const body = blobs[i];
      if (!body) return;
      const dest = path.join(work, file);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, body);
      const rel = path.relative(PRODUCTION.under, file).split(path.sep).join('/');
      if (languageOf(rel) && !/\.min\.js$/.test(rel) && !defaultSkipReason(rel, body.toString('utf8'))) {
        analysed++;
        bytes += body.length;
      }
    });
    const hook = path.join(work, 'peak.js');
    fs.writeFileSync(hook, PEAK_HOOK);
    const env: NodeJS.ProcessEnv = { ...process.env, STAKES_CACHE_DIR: path.join(work, 'cache'), NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const args = [cli, 'audit', '--offline', path.join(work, PRODUCTION.under), '--format', 'json', '--output', path.join(work, 'report.json')];
    once(args, work, env, hook); // warm the compile cache and the file cache
    const runs = [once(args, work, env, hook), once(args, work, env, hook), once(args, work, env, hook)].sort((a, b) => a.ms - b.ms);
    const r = runs[1];
    const findings = (JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8')) as { findings: unknown[] }).findings.length;
    console.log(`Production corpus: ${label}, ${analysed} files the rules analyse, ${(bytes / 1e6).toFixed(1)} MB (tests and vendored files skipped, as by default).`);
    console.log(line('stakes audit --offline DIR', analysed, bytes, { ms: r.ms, cpuMs: r.cpuMs }, findings, ` | peak RSS ${r.rssMb.toFixed(0)} MB (median of 3 runs, one process each)`));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  productionRepo();
  const nm = path.resolve(__dirname, '../../../node_modules');
  const js = collect([nm], /\.(?:c|m)?js$/, /[/\\](?:\.bin|\.cache|typescript|esbuild|@esbuild|playwright-core|@electric-sql)$/, MAX_FILES);
  console.log(`JavaScript corpus: ${js.files.length} files, ${(js.bytes / 1e6).toFixed(1)} MB of package sources under node_modules (no .min.js, none over 2 MB).`);

  // Cold start: the first TS/JS file loads the TypeScript compiler; the first Python file starts tree-sitter.
  let t0 = performance.now();
  await analyzeFile('cold.ts', "app.get('/', (req, res) => res.send('ok'));");
  const coldTs = performance.now() - t0;
  t0 = performance.now();
  await analyzeFile('cold.py', 'def f():\n    return 1\n');
  const coldPy = performance.now() - t0;
  console.log(`cold start: first TS/JS file ${coldTs.toFixed(0)} ms (loads the TypeScript compiler), first Python file ${coldPy.toFixed(0)} ms (tree-sitter wasm)`);

  const s = await stakes(js);
  const e = await eslintSecurity(js);
  console.log(line('stakes offline rules', js.files.length, js.bytes, s, s.findings.length, s.failures ? ` (${s.failures} failed)` : ''));
  console.log(line('eslint-plugin-security', js.files.length, js.bytes, e, e.findings.length, e.parseErrors ? ` (${e.parseErrors} parse errors)` : ''));
  console.log(`  stakes by rule:   ${countBy(s.findings)}`);
  console.log(`  eslint by rule:   ${countBy(e.findings)}`);
  console.log('  (library code, not request handlers: few request-to-sink flows exist here; eslint-plugin-security reports patterns such as');
  console.log('   every obj[key] and non-literal fs path regardless of where the data comes from.)');

  // Per-file latency on a typical backend-sized file (what on-save costs).
  const typical = js.files.filter((f) => f.text.length > 8_000 && f.text.length < 30_000).slice(0, 200);
  const times: number[] = [];
  for (const f of typical) {
    const a = performance.now();
    await analyzeFile(f.path, f.text, AS_OWN_CODE);
    times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  if (times.length) {
    console.log(`per-file latency (8–30 KB files, n=${times.length}): median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms`);
  }

  // Detection on real vulnerable code: point STAKES_BENCH_VULN_DIR at local checkouts of deliberately vulnerable
  // apps (NodeGoat, DVNA, juice-shop, pygoat, vulpy…). Nothing of theirs is stored in this repository.
  const vulnDir = process.env.STAKES_BENCH_VULN_DIR;
  if (vulnDir) {
    const vuln = collect([path.resolve(vulnDir)], /\.(?:[cm]?[jt]sx?|py|sql)$/, /[/\\](?:node_modules|\.git|dist|build|test|tests|frontend|public)$/, 5000);
    const vs = await stakes(vuln);
    const jsOnly: Corpus = { files: vuln.files.filter((f) => /\.[cm]?js$/.test(f.path)), bytes: 0 };
    const ve = await eslintSecurity(jsOnly);
    console.log(`Vulnerable apps in ${vulnDir}: ${vuln.files.length} files (${jsOnly.files.length} JavaScript, the only ones eslint-plugin-security can parse).`);
    console.log(`  stakes:  ${vs.findings.length} findings: ${countBy(vs.findings)}`);
    console.log(`  eslint-plugin-security (JS only): ${ve.findings.length} findings: ${countBy(ve.findings)}`);
  } else {
    console.log('Detection on real vulnerable apps: set STAKES_BENCH_VULN_DIR to a folder of checkouts (NodeGoat, DVNA, juice-shop, pygoat…).');
  }

  const pyRoot = ['/usr/lib/python3.13', '/usr/lib/python3.12', '/usr/lib/python3.11', '/usr/lib/python3'].find((p) => fs.existsSync(p));
  if (pyRoot) {
    const py = collect([pyRoot], /\.py$/, /[/\\](?:test|tests|idle_test|__pycache__|site-packages|dist-packages)$/, 1500);
    const p = await stakes(py);
    console.log(`Python corpus: ${py.files.length} files of the standard library in ${pyRoot} (no tests).`);
    console.log(line('stakes rules (Python)', py.files.length, py.bytes, p, p.findings.length, p.failures ? ` (${p.failures} failed)` : ''));
    console.log(`  stakes by rule:   ${countBy(p.findings)}`);
  } else {
    console.log('Python corpus: skipped (no /usr/lib/python3*).');
  }
}
