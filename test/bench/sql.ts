/**
 * SQL EXPLAIN benchmarks: embedded engine first start (initdb into a fresh cache) and warm start,
 * schema load for a generated 150-table schema, warm EXPLAIN latency, and the parent process's RSS
 * (the engine lives in a child process, so the parent must not grow by its size).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExplainer } from '../../src/core/sql/api';

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;

function schema150(): string {
  const out: string[] = [];
  for (let i = 0; i < 150; i++) {
    const fk = i > 0 ? `, parent_id bigint REFERENCES t${i - 1}(id)` : '';
    out.push(`CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id int NOT NULL, status text NOT NULL DEFAULT 'new', payload jsonb, created_at timestamptz NOT NULL DEFAULT now(), amount numeric(12,2)${fk});`);
    out.push(`CREATE INDEX t${i}_account ON t${i} (account_id);`);
    out.push(`CREATE INDEX t${i}_created ON t${i} (created_at DESC);`);
    out.push(`CREATE INDEX t${i}_payload ON t${i} USING gin (payload);`);
  }
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

export async function run(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-sql-'));
  const cacheDir = path.join(work, 'cache');
  const ws = path.join(work, 'ws');
  fs.mkdirSync(path.join(ws, 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'migrations', '001_schema.sql'), schema150());
  const sql = 'SELECT * FROM t42 WHERE status = $1 ORDER BY created_at DESC';
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  try {
    // First start: initdb into an empty cache, then the 150-table schema.
    let explainer = createExplainer({ cacheDir, idleTimeoutMs: 0 });
    let t = Date.now();
    let r = await explainer.explainStatement({ sql, engine: { kind: 'embedded' }, workspaceRoot: ws });
    console.log(`embedded first start (initdb + template): ${r.timings.startMs} ms; schema load (150 tables, 450 indexes): ${r.timings.schemaMs} ms; first EXPLAIN total ${Date.now() - t} ms`);
    const child = await explainer.embeddedMemory();
    await explainer.dispose();

    // Warm start: template cached, new process.
    explainer = createExplainer({ cacheDir, idleTimeoutMs: 0 });
    t = Date.now();
    r = await explainer.explainStatement({ sql, engine: { kind: 'embedded' }, workspaceRoot: ws });
    console.log(`embedded warm start (cached template): ${r.timings.startMs} ms; schema load: ${r.timings.schemaMs} ms; total to first result ${Date.now() - t} ms`);

    const plain: number[] = [];
    const advised: number[] = [];
    for (let i = 0; i < 20; i++) {
      let s = Date.now();
      await explainer.explainStatement({ sql, engine: { kind: 'embedded' }, workspaceRoot: ws, suggestIndexes: false });
      plain.push(Date.now() - s);
      s = Date.now();
      await explainer.explainStatement({ sql: `SELECT * FROM t${i} WHERE amount > $1 AND status = 'x'`, engine: { kind: 'embedded' }, workspaceRoot: ws });
      advised.push(Date.now() - s);
    }
    console.log(`warm EXPLAIN: median ${median(plain)} ms, p95 ${p95(plain)} ms; with checks + verified index advice: median ${median(advised)} ms, p95 ${p95(advised)} ms (20 runs each)`);
    global.gc?.();
    const rssDuring = process.memoryUsage().rss;
    const childNow = await explainer.embeddedMemory();
    await explainer.dispose();
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    console.log(`parent RSS: before ${mb(rssBefore)}, with engine running ${mb(rssDuring)} (+${mb(rssDuring - rssBefore)}), after dispose ${mb(rssAfter)}`);
    console.log(`engine child process RSS: ${child ? mb(child.rss) : '?'} after first start, ${childNow ? mb(childNow.rss) : '?'} warm — none of it in the parent`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
