/**
 * Stakes for agents, as an agent sees it: `stakes mcp` (dist/cli.js) over stdio with the MCP SDK's
 * client. Goals (issue 12): server ready ≤ 300 ms; stakes_classify on one file ≤ 20 ms inside a
 * running server; stakes_check on a 300-line diff ≤ 300 ms. Beside them, the same calls in-process
 * (core/agent without the protocol) and Node's own start-up as the floor. Prints figures only.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentSession } from '../../src/core/agent/session';
import { callTool } from '../../src/core/agent/tools';
import { ROOT } from '../support/activation';
import { CLI, startStakesMcp } from '../support/mcp';

const EXAMPLE = path.join(ROOT, 'examples/shop-api');
const FILE = 'src/admin/routes.ts';

function stats(ms: number[]): { median: number; p95: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], min: s[0], max: s[s.length - 1] };
}

function fmt(name: string, ms: number[], goal?: number): string {
  const s = stats(ms);
  const verdict = goal === undefined ? '' : `  goal ≤ ${goal} ms: ${s.median <= goal ? 'met' : 'NOT met'}`;
  return `${name.padEnd(44)} median ${s.median.toFixed(1).padStart(7)} ms  p95 ${s.p95.toFixed(1).padStart(7)}  min ${s.min.toFixed(1).padStart(7)}  max ${s.max.toFixed(1).padStart(7)}  (n=${ms.length})${verdict}`;
}

/** A 300-line TypeScript change: route handlers with queries, checks and a few planted problems. */
function threeHundredLines(): string[] {
  const lines: string[] = ["import { pool } from '../db/pool';", "import { requireAuth } from '../auth/middleware';", ''];
  for (let i = 0; lines.length < 300; i++) {
    lines.push(
      `export async function handler${i}(req: any, res: any) {`,
      `  const limit = Math.min(Number(req.query.limit ?? 50), 200);`,
      i % 5 === 0
        ? `  const rows = await pool.query("SELECT * FROM orders WHERE status = '" + req.query.status + "' LIMIT " + limit);`
        : `  const rows = await pool.query('SELECT id, total_cents FROM orders WHERE user_id = $1 LIMIT $2', [req.user.id, limit]);`,
      '  if (!rows.rows.length) {',
      "    return res.status(404).json({ error: 'not found' });",
      '  }',
      `  res.json({ page: ${i}, items: rows.rows });`,
      '}',
      '',
    );
  }
  return lines.slice(0, 300);
}

export async function run(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bench builds it');
  const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-agent-')));
  const root = path.join(work, 'shop-api');
  fs.cpSync(EXAMPLE, root, { recursive: true });
  const added = threeHundredLines();
  fs.writeFileSync(path.join(root, 'src/orders/bulk.ts'), added.join('\n') + '\n');
  const diff = ['--- /dev/null', '+++ b/src/orders/bulk.ts', `@@ -0,0 +1,${added.length} @@`, ...added.map((l) => `+${l}`), ''].join('\n');

  try {
    // Floors: Node itself, and the CLI bundle doing nothing (every command pays it today).
    const node: number[] = [];
    const version: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      node.push(performance.now() - t);
      t = performance.now();
      spawnSync(process.execPath, [CLI, '--version']);
      version.push(performance.now() - t);
    }
    console.log(fmt('node -e 0 (floor)', node));
    console.log(fmt('stakes --version (the CLI bundle loaded)', version));

    const ready: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await startStakesMcp(['--root', root]);
      ready.push(s.readyMs);
      await s.close();
    }
    console.log(fmt('stakes mcp: spawn → initialize answered', ready, 300));

    const server = await startStakesMcp(['--root', root]);
    try {
      const call = async (name: string, args: Record<string, unknown>): Promise<number> => {
        const t = performance.now();
        const r = await server.client.callTool({ name, arguments: args });
        const ms = performance.now() - t;
        if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
        return ms;
      };
      const firstClassify = await call('stakes_classify', { paths: [FILE] });
      const classify: number[] = [];
      for (let i = 0; i < 40; i++) classify.push(await call('stakes_classify', { paths: [FILE] }));
      console.log(fmt('stakes_classify, first call (loads the model)', [firstClassify]));
      console.log(fmt(`stakes_classify one file (${FILE}), warm`, classify, 20));

      const firstCheck = await call('stakes_check', { diff });
      const check: number[] = [];
      for (let i = 0; i < 10; i++) check.push(await call('stakes_check', { diff }));
      console.log(fmt('stakes_check 300-line diff, first (loads TypeScript)', [firstCheck]));
      console.log(fmt('stakes_check 300-line diff, warm', check, 300));
    } finally {
      await server.close();
    }

    // The same work without the protocol: what the tools themselves cost.
    const session = new AgentSession({ roots: [root], explainer: { cacheDir: path.join(work, 'cache') } });
    try {
      const inproc = async (name: string, args: Record<string, unknown>): Promise<number> => {
        const t = performance.now();
        const r = await callTool(name, args, session.context());
        if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
        return performance.now() - t;
      };
      await inproc('stakes_classify', { paths: [FILE] });
      const c: number[] = [];
      for (let i = 0; i < 40; i++) c.push(await inproc('stakes_classify', { paths: [FILE] }));
      await inproc('stakes_check', { diff });
      const k: number[] = [];
      for (let i = 0; i < 10; i++) k.push(await inproc('stakes_check', { diff }));
      console.log(fmt('in-process stakes_classify one file', c));
      console.log(fmt('in-process stakes_check 300-line diff', k));
    } finally {
      await session.dispose();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
