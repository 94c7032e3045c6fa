/**
 * Review debt speed on a generated 2,000-file repository with 200 changed files (edits inside
 * functions, sensitive and not, a few new, renamed and deleted files, half the debt covered by
 * records): `stakes gate` as a separate process (what a hook or CI pays, start-up included), the
 * same computation in-process, and the editor's update after a save (one file recomputed).
 * Targets (issue 11): the gate ≤ 3 s; the update after a save ≤ 50 ms. Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordSignOff, reviewStatus, ReviewSession } from '../../src/core/review';
import { CLI, GitRepo } from '../support/gitRepo';

const FILES = 2_000;
const CHANGED = 200;
const AREAS = ['auth', 'payments', 'orders', 'products', 'users', 'reports', 'admin', 'webhooks', 'catalog', 'search'];

/** A service module of a few functions; auth and payments modules read as sensitive. */
function moduleText(i: number, area: string): string {
  const sensitive = area === 'auth' || area === 'payments' || area === 'admin' || area === 'webhooks';
  const head = sensitive
    ? `import jwt from 'jsonwebtoken';\nimport { pool } from '../db/pool';\nimport { requirePermission } from '../auth/permissions';\n`
    : `import type { ${area[0].toUpperCase()}${area.slice(1)}Row } from './types';\n`;
  const fns: string[] = [];
  for (let f = 0; f < 5; f++) {
    fns.push(sensitive
      ? `export async function check${area}${i}_${f}(req, res, next) {\n  const claims = jwt.verify(req.headers.authorization ?? '', process.env.JWT_SECRET, { algorithms: ['HS256'] });\n  if (!claims.roles?.includes('${area}:write')) return res.status(403).json({ error: 'forbidden' });\n  await pool.query('UPDATE accounts SET balance_cents = balance_cents - $1 WHERE id = $2', [req.body.amount, claims.sub]);\n  return next();\n}\n`
      : `export function to${area}Dto${i}_${f}(row: { id: string; name: string; createdAt: Date }) {\n  return { id: row.id, name: row.name.trim(), createdAt: row.createdAt.toISOString(), pageSize: 50 };\n}\n`);
  }
  return `${head}\n${fns.join('\n')}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

function buildRepo(): { repo: GitRepo; changed: string[] } {
  const repo = new GitRepo('stakes-bench-review-');
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const area = AREAS[i % AREAS.length];
    files[`src/${area}/module${i}.ts`] = moduleText(i, area);
  }
  repo.write(files);
  repo.commit('base: 2,000 files');
  const changed: string[] = [];
  for (let k = 0; k < CHANGED; k++) {
    const i = k * Math.floor(FILES / CHANGED) + (k % AREAS.length);
    const rel = `src/${AREAS[i % AREAS.length]}/module${i}.ts`;
    changed.push(rel);
    if (k % 50 === 10) { repo.remove(rel); continue; }
    if (k % 50 === 20) { repo.git('mv', rel, rel.replace('.ts', '.renamed.ts')); continue; }
    repo.write({ [rel]: repo.read(rel).replace('pageSize: 50', 'pageSize: 100').replace("'forbidden'", "'forbidden: missing role'") });
  }
  for (let n = 0; n < 5; n++) repo.write({ [`src/auth/new${n}.ts`]: moduleText(FILES + n, 'auth') });
  return { repo, changed };
}

export async function run(): Promise<void> {
  if (!fs.existsSync(CLI)) {
    console.log('review bench: dist/cli.js is missing (npm run bench builds it); skipped.');
    return;
  }
  const t0 = Date.now();
  const { repo, changed } = buildRepo();
  console.log(`repository: ${FILES} files, ${CHANGED} changed (edits, 4 deletions, 4 renames) + 5 new, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    // Half the debt signed off: the records are read and matched too.
    const first = await reviewStatus({ cwd: repo.dir, base: 'HEAD' });
    const half = first.debt.filter((_, i) => i % 2 === 0);
    for (let i = 0; i < half.length; i += 10) {
      recordSignOff({ root: repo.dir, items: half.slice(i, i + 10), person: { name: 'Bench' }, note: 'bench sign-off', scope: 'bench' });
    }
    const inProcess: number[] = [];
    let last = first;
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      last = await reviewStatus({ cwd: repo.dir, base: 'HEAD' });
      inProcess.push(performance.now() - t);
    }
    console.log(`debt: ${first.debt.length} unreviewed before sign-offs, ${last.debt.length} after (${last.cleared.length} cleared by ${last.records.count} records), ${last.notRequired} changed regions need no review`);
    const gate: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      const res = spawnSync(process.execPath, [CLI, 'gate', '--base', 'HEAD', '--format', 'json'], { cwd: repo.dir, env: repo.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      gate.push(performance.now() - t);
      if (res.status !== 1) console.log(`  (gate exited ${res.status}: ${res.stderr.trim().split('\n')[0]})`);
    }
    const version = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    const startT = performance.now();
    spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    const startup = performance.now() - startT;
    console.log(`stakes gate (separate process): median ${(median(gate) / 1000).toFixed(2)} s, max ${(Math.max(...gate) / 1000).toFixed(2)} s (3 runs; CLI start-up alone ${(startup / 1000).toFixed(2)} s${version.status === 0 ? '' : ', --version failed'})  target ≤ 3 s`);
    console.log(`reviewStatus() in-process: median ${(median(inProcess) / 1000).toFixed(2)} s (3 runs)`);

    // The editor: one session, then a save of a changed file (a region edited again) and of a file not changed before.
    const session = await ReviewSession.open({ cwd: repo.dir, base: 'HEAD' });
    const saveChanged: number[] = [];
    const saveFresh: number[] = [];
    const live = changed.filter((p) => fs.existsSync(path.join(repo.dir, p)));
    for (let r = 0; r < 30; r++) {
      const rel = live[r % live.length];
      const text = fs.readFileSync(path.join(repo.dir, rel), 'utf8').replace(/pageSize: \d+/, `pageSize: ${200 + r}`).replace(/'forbidden[^']*'/, `'forbidden ${r}'`);
      fs.writeFileSync(path.join(repo.dir, rel), text);
      let t = performance.now();
      await session.updateFile(rel, text);
      saveChanged.push(performance.now() - t);

      const fresh = `src/${AREAS[(r * 7 + 3) % AREAS.length]}/module${(r * 7 + 3) % FILES + 1000}.ts`;
      const abs = path.join(repo.dir, fresh);
      if (!fs.existsSync(abs)) continue;
      const freshText = fs.readFileSync(abs, 'utf8').replace(/pageSize: 50/, 'pageSize: 75').replace(/'forbidden'/, "'denied'");
      fs.writeFileSync(abs, freshText);
      t = performance.now();
      await session.updateFile(fresh, freshText);
      saveFresh.push(performance.now() - t);
    }
    console.log(`editor update after a save, file already changed: median ${median(saveChanged).toFixed(1)} ms, p95 ${percentile(saveChanged, 0.95).toFixed(1)} ms (${saveChanged.length} saves)  target ≤ 50 ms`);
    if (saveFresh.length) console.log(`editor update after a save, file changed for the first time (reads its base from git): median ${median(saveFresh).toFixed(1)} ms, p95 ${percentile(saveFresh, 0.95).toFixed(1)} ms (${saveFresh.length} saves)`);
  } finally {
    repo.dispose();
  }
}
