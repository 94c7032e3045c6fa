/**
 * CLI start-up: wall time and peak RSS of `stakes classify` and `stakes audit --offline` on a small
 * file in a git repository, warm (Node's compile cache filled by an earlier run, as for every run
 * after the first) and cold (an empty cache: the first run after installing), each beside `node -e 0`
 * measured the same way in the same run. Targets (issue 13): classify ≤ 120 ms and ≤ 70 MB, audit
 * --offline ≤ 250 ms. Also the size of each CLI bundle. Prints figures; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/activation';

const RUNS = Number(process.env.STAKES_BENCH_CLI_RUNS ?? 15);

export interface Sample { ms: number; rssMb: number; cpuMs: number }

/** Peak RSS and CPU time (user + system) of a process, written to stderr at exit: preload it with `node -r`. */
export const PEAK_HOOK = "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nSTAKES_PEAK_RSS_KB=${u.maxRSS} CPU_US=${u.userCPUTime + u.systemCPUTime}\\n`); });\n";

/** One run: wall time around the whole process, peak RSS reported by the process itself at exit. */
export function once(args: string[], cwd: string, env: NodeJS.ProcessEnv, peakHook: string): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', peakHook, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /STAKES_PEAK_RSS_KB=(\d+) CPU_US=(\d+)/.exec(r.stderr);
  if ((r.status !== 0 && r.status !== 1) || !m) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return { ms, rssMb: Number(m[1]) / 1024, cpuMs: Number(m[2]) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function series(args: string[], cwd: string, env: NodeJS.ProcessEnv, hook: string, runs: number, before?: () => void): Sample {
  const s: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    s.push(once(args, cwd, env, hook));
  }
  return { ms: median(s.map((x) => x.ms)), rssMb: median(s.map((x) => x.rssMb)), cpuMs: median(s.map((x) => x.cpuMs)) };
}

export async function run(): Promise<void> {
  const cli = path.join(ROOT, 'dist/cli.js');
  if (!fs.existsSync(cli)) {
    console.log('dist/cli.js is not built: run `node esbuild.mjs` first.');
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-bench-cli-'));
  try {
    const hook = path.join(work, 'peak.js');
    // CPU time hardly moves when other work shares the machine; wall time does (compare it with node -e 0 of the same run).
    fs.writeFileSync(hook, PEAK_HOOK);
    const repo = path.join(work, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'src', 'orders.ts'), "export const orderTotal = (items: { cents: number }[]) => items.reduce((s, i) => s + i.cents, 0);\n");
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', 'add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', 'commit', '-qm', 'bench'], { cwd: repo });
    const cache = path.join(work, 'cache');
    const env: NodeJS.ProcessEnv = { ...process.env, STAKES_CACHE_DIR: cache, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const file = 'src/orders.ts';
    const commands: Array<{ name: string; args: string[]; target?: { ms: number; mb?: number } }> = [
      { name: 'stakes classify FILE', args: [cli, 'classify', file], target: { ms: 120, mb: 70 } },
      { name: 'stakes audit --offline FILE', args: [cli, 'audit', '--offline', file], target: { ms: 250 } },
      { name: 'stakes --help', args: [cli, '--help'] },
    ];

    // Warm-up of the machine's file cache, then the reference and the commands interleaved run by run.
    for (const c of commands) once(c.args, repo, env, hook);
    const ref = series(['-e', '0'], repo, env, hook, RUNS);
    console.log(`reference: node -e 0                  median ${ref.ms.toFixed(0).padStart(4)} ms (cpu ${ref.cpuMs.toFixed(0)} ms), peak RSS ${ref.rssMb.toFixed(1)} MB (${RUNS} runs)`);
    const warm = commands.map((c) => series(c.args, repo, env, hook, RUNS));
    const emptyCache = (): void => fs.rmSync(path.join(cache, 'node-compile-cache'), { recursive: true, force: true });
    const cold = commands.map((c) => series(c.args, repo, env, hook, Math.max(3, Math.floor(RUNS / 3)), emptyCache));
    for (const [i, c] of commands.entries()) {
      const target = c.target ? `  target ≤ ${c.target.ms} ms${c.target.mb ? `, ≤ ${c.target.mb} MB` : ''}` : '';
      console.log(`${c.name.padEnd(28)} warm median ${warm[i].ms.toFixed(0).padStart(4)} ms (node -e 0 + ${(warm[i].ms - ref.ms).toFixed(0)} ms; cpu ${warm[i].cpuMs.toFixed(0)} ms), peak RSS ${warm[i].rssMb.toFixed(1)} MB; ` +
        `cold (empty compile cache) ${cold[i].ms.toFixed(0)} ms (cpu ${cold[i].cpuMs.toFixed(0)} ms), ${cold[i].rssMb.toFixed(1)} MB${target}`);
    }

    const sizes = fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => /^cli(-[\w-]+)?\.js$/.test(f)).sort()
      .map((f) => `${f} ${(fs.statSync(path.join(ROOT, 'dist', f)).size / 1024 / 1024).toFixed(2)} MB`);
    console.log(`CLI bundles (as built, not minified): ${sizes.join(', ')}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
