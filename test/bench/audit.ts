/**
 * Audit benchmark: (1) tokens sent per audit for a selection and for a change, against sending the
 * whole file plus the local files it imports, on examples/shop-api; (2) time from runAudit() to a
 * grounded report against the loopback fake server, per provider (real SDKs).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeProviders, reviewText } from '../support/fake-providers';
import { prepareAudit, runAudit } from '../../src/core/audit/pipeline';
import { parseUnifiedDiff } from '../../src/core/audit/diff';
import type { AuditRequest, AuditTarget } from '../../src/core/audit/types';
import { main } from '../../src/cli/main';

const SHOP = path.resolve(__dirname, '../../../examples/shop-api');
/** Files audited in the token comparison: the ones where audits matter most in the example. */
const FILES = ['src/orders/routes.ts', 'src/payments/checkout.ts', 'src/orders/repository.ts', 'src/auth/routes.ts'];

function read(rel: string): string {
  return fs.readFileSync(path.join(SHOP, rel), 'utf8');
}

/** Local modules a file imports ('./x', '../y'), resolved to .ts files that exist. */
function localImports(rel: string): string[] {
  const text = read(rel);
  const out = new Set<string>();
  for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const base = path.join(path.dirname(rel), m[1]);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
      if (fs.existsSync(path.join(SHOP, candidate))) { out.add(candidate.split(path.sep).join('/')); break; }
    }
  }
  return [...out];
}

/** The largest top-level function or route handler block: what a developer would select. */
function handlerRange(text: string): { startLine: number; endLine: number } {
  const lines = text.split('\n');
  let best: { startLine: number; endLine: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!/^(export\s+)?(async\s+)?function\b|^\w+\.(get|post|put|patch|delete)\(|^(export\s+)?const\s+\w+\s*=\s*(async\s*)?\(/.test(lines[i])) continue;
    let j = i + 1;
    while (j < lines.length && !/^[})]/.test(lines[j])) j++;
    if ((!best || j - i > best.endLine - best.startLine) && j - i < 80) best = { startLine: i + 1, endLine: j + 1 };
  }
  return best ?? { startLine: 1, endLine: Math.min(lines.length, 30) };
}

/** A realistic small change: two lines edited in the middle of the handler, one line added. Real `git diff`. */
function changeOf(rel: string): { content: string; target: AuditTarget } {
  const original = read(rel);
  const lines = original.split('\n');
  const { startLine, endLine } = handlerRange(original);
  const mid = Math.floor((startLine + endLine) / 2);
  lines[mid - 1] = `${lines[mid - 1]} // edited`;
  lines.splice(mid + 1, 0, '    const audit = { at: Date.now() };');
  const content = lines.join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-'));
  fs.writeFileSync(path.join(dir, 'a.ts'), original);
  fs.writeFileSync(path.join(dir, 'b.ts'), content);
  let diff = '';
  try {
    execFileSync('git', ['diff', '--no-index', '--unified=0', 'a.ts', 'b.ts'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    diff = (e as { stdout?: string }).stdout ?? ''; // exit 1 = differences found
  }
  const hunks = parseUnifiedDiff(diff)[0]?.hunks ?? [];
  return { content, target: { path: rel, content, scope: { kind: 'changes', base: 'HEAD', hunks } } };
}

function req(targets: AuditTarget[]): AuditRequest {
  return { targets, provider: 'openai', model: 'gpt-5.4' };
}

async function tokens(targets: AuditTarget[]): Promise<number> {
  return (await prepareAudit(req(targets))).estimate.inputTokens;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function tokenFigures(): Promise<void> {
  if (!fs.existsSync(SHOP)) {
    console.log(`examples/shop-api is missing (${SHOP}): token comparison skipped`);
    return;
  }
  console.log('tokens sent (estimate incl. instructions and schema) vs whole file + its local imports:');
  console.log('file                          whole+imports  selection (ratio)   changes (ratio)');
  const ratios: Record<'sel' | 'chg' | 'selCode' | 'chgCode', number[]> = { sel: [], chg: [], selCode: [], chgCode: [] };
  const fixed = await tokens([{ path: 'empty.ts', content: '\n', scope: { kind: 'file' } }]);
  for (const rel of FILES) {
    if (!fs.existsSync(path.join(SHOP, rel))) continue;
    const whole = await tokens([rel, ...localImports(rel)].map((p) => ({ path: p, content: read(p), scope: { kind: 'file' as const } })));
    const range = handlerRange(read(rel));
    const sel = await tokens([{ path: rel, content: read(rel), scope: { kind: 'selection', ...range } }]);
    const chg = await tokens([changeOf(rel).target]);
    ratios.sel.push(whole / sel);
    ratios.chg.push(whole / chg);
    ratios.selCode.push((whole - fixed) / (sel - fixed));
    ratios.chgCode.push((whole - fixed) / (chg - fixed));
    console.log(`${rel.padEnd(30)}${String(whole).padStart(13)}  ${`${sel} (${(whole / sel).toFixed(1)}x)`.padStart(16)}  ${`${chg} (${(whole / chg).toFixed(1)}x)`.padStart(16)}` +
      `   [selection lines ${range.startLine}-${range.endLine}]`);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(`(each payload includes ~${fixed} tokens of instructions and schema; code-only ratios: selection ${mean(ratios.selCode).toFixed(1)}x, changes ${mean(ratios.chgCode).toFixed(1)}x)`);
  console.log(`mean ratio: selection ${mean(ratios.sel).toFixed(1)}x fewer tokens, changes ${mean(ratios.chg).toFixed(1)}x fewer tokens`);
}

async function latencyFigures(): Promise<void> {
  const fake = await new FakeProviders().start();
  const rel = 'src/orders/routes.ts';
  const content = fs.existsSync(path.join(SHOP, rel)) ? read(rel) : 'export function f(id) {\n  return db.query(`SELECT ${id}`);\n}\n';
  const lines = content.split('\n');
  const quote = lines.find((l) => l.trim().length > 20)?.trim() ?? lines[0];
  fake.fallback = { kind: 'ok', text: reviewText([
    { title: 'Grounded', file: rel, startLine: 99, endLine: 99, evidence: quote },
    { title: 'Not in the code', file: rel, startLine: 3, endLine: 3, evidence: 'eval(req.body)' },
  ]) };
  const runs = 30;
  console.log(`\ntime from runAudit() to grounded report, fake server on 127.0.0.1, ${runs} runs each (whole ${rel}, no cache):`);
  for (const provider of ['openai', 'anthropic', 'google', 'openai-compatible']) {
    const baseUrl = provider === 'openai' || provider === 'openai-compatible' ? `${fake.url}/v1` : fake.url;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const run = await runAudit({ targets: [{ path: rel, content, scope: { kind: 'file' } }], provider, model: 'bench-model', settings: { apiKey: 'k', baseUrl } });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (run.report.findings.length !== 1 || run.report.unverified.length !== 1) throw new Error('bench: unexpected grounding result');
    }
    console.log(`  ${provider.padEnd(18)} median ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   first ${times[0].toFixed(1)} ms (the first call in the process loads the SDK)`);
  }
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-cache-'));
  const request: AuditRequest = { targets: [{ path: rel, content, scope: { kind: 'file' } }], provider: 'openai', model: 'bench-model', settings: { apiKey: 'k', baseUrl: `${fake.url}/v1` } };
  await runAudit(request, { cacheDir });
  const hits: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await runAudit(request, { cacheDir });
    hits.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  console.log(`  cache hit          median ${pct(hits, 50).toFixed(1)} ms   (no call)`);
  // The CLI end to end: argument parsing, reading the file, rule hints, classification, call, grounding, printing.
  const cliTimes: number[] = [];
  const env = { OPENAI_API_KEY: 'k', STAKES_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-cli-')) };
  for (let i = 0; i < 10; i++) {
    let out = '';
    const started = process.hrtime.bigint();
    // --no-record: a bench run must not leave review records in the repository it runs from.
    const code = await main(['audit', path.join(SHOP, rel), '--provider', 'openai', '--model', 'bench-model', '--base-url', `${fake.url}/v1`, '--no-cache', '--no-record'],
      { stdout: (t) => { out += t; }, stderr: () => undefined, cwd: SHOP, env });
    cliTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (code !== 0 || !out.includes('unverified')) throw new Error(`bench: stakes audit exited ${code}`);
  }
  console.log(`  stakes audit (CLI, in process, text report printed)   median ${pct(cliTimes, 50).toFixed(1)} ms   first ${cliTimes[0].toFixed(1)} ms`);
  await fake.stop();
}

export async function run(): Promise<void> {
  await tokenFigures();
  await latencyFigures();
}
