/**
 * `npm run bench`: runs every benchmark module in bench/ and prints its figures, then the goals of
 * issue 13 beside their targets, read from what the modules printed. No assertions.
 *
 *   node out/test/bench/index.js          every module, each in its own process (no module's memory
 *                                         or JIT warm-up leaks into another's figures)
 *   node out/test/bench/index.js NAME     one module, in this process
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function modules(): string[] {
  return fs.readdirSync(__dirname).filter((f) => f.endsWith('.js') && f !== 'index.js').map((f) => f.replace(/\.js$/, '')).sort();
}

async function runHere(name: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- each bench module is found on disk, then loaded
  const mod = require(path.join(__dirname, `${name}.js`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') return;
  console.log(`\n=== bench: ${name} ===`);
  await mod.run();
  const u = process.resourceUsage();
  console.log(`[${name}: bench process peak RSS ${(u.maxRSS / 1024).toFixed(0)} MB]`);
}

/** Runs one module in a child process, echoing its output; resolves with what it printed. */
function runChild(name: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', __filename, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); process.stdout.write(d); });
    child.on('close', (code) => {
      if (code) {
        console.log(`[${name}: exited with code ${code}]`);
        process.exitCode = 1;
      }
      resolve(out);
    });
  });
}

interface Goal { goal: string; target: string; figure: (out: Record<string, string>) => string | undefined }

/** The first capture group of `re` in a module's output. */
const pick = (text: string | undefined, re: RegExp): string | undefined => (text ? re.exec(text)?.[1] : undefined);

/**
 * Issue 13's goals. Each figure is read from the lines its module prints (bench/cli.ts, sql.ts,
 * classify.ts, rules.ts): a module that stops printing one shows here as "not printed".
 */
const GOALS: Goal[] = [
  { goal: '1. stakes classify FILE (small file, warm)', target: '≤ 120 ms, ≤ 70 MB',
    figure: (o) => {
      const line = pick(o.cli, /^(stakes classify FILE .*)$/m);
      return line && `${pick(line, /warm median\s+(\d+ ms)/)} (node -e 0 ${pick(o.cli, /node -e 0\s+median\s+(\d+ ms)/)}), ${pick(line, /peak RSS ([\d.]+ MB);/)}`;
    } },
  { goal: '1. stakes audit --offline FILE (warm)', target: '≤ 250 ms',
    figure: (o) => {
      const line = pick(o.cli, /^(stakes audit --offline FILE .*)$/m);
      return line && `${pick(line, /warm median\s+(\d+ ms)/)}; cold ${pick(line, /cold \(empty compile cache\) (\d+ ms)/)}`;
    } },
  { goal: '2. embedded: start to first EXPLAIN, unchanged migrations', target: '≤ 1.0 s',
    figure: (o) => pick(o.sql, /^start to first EXPLAIN result, unchanged migrations: (\d+ ms)/m) },
  { goal: '2. embedded: first start (empty cache)', target: '≤ 4 s',
    figure: (o) => pick(o.sql, /^first start, empty cache: engine ready in (\d+ ms)/m) },
  { goal: '2. embedded: engine child RSS (first start / warm)', target: '≤ 300 MB',
    figure: (o) => {
      const m = /^engine child process RSS: (\d+ MB) after the first start, (\d+ MB)/m.exec(o.sql ?? '');
      return m ? `${m[1]} / ${m[2]}` : undefined;
    } },
  { goal: '3. classifier, 10,000-line file (median)', target: '≤ 5 ms',
    figure: (o) => pick(o.classify, /^10,000-line TypeScript file.*?median ([\d.]+ ms)/m) },
  { goal: '4. offline rules, production server code', target: '≥ 4 MB/s, ≤ 250 MB',
    figure: (o) => {
      const line = pick(o.rules, /^(stakes audit --offline DIR\b.*)$/m);
      if (!line) return pick(o.rules, /^(production server code .*skipped.*)$/m)?.slice(0, 70);
      const corpus = pick(o.rules, /^Production corpus: ([^,]+)/m);
      return `${pick(line, /wall[^|]*?([\d.]+ MB\/s)/)} wall, ${pick(line, /cpu[^|]*?([\d.]+ MB\/s)/)} cpu; peak RSS ${pick(line, /peak RSS ([\d.]+ MB)/) ?? '?'}${corpus ? ` (${corpus})` : ''}`;
    } },
  { goal: '4. offline rules, 4,000 package files (eslint-plugin-security)', target: 'figure stays',
    figure: (o) => {
      const line = pick(o.rules, /^(stakes offline rules\b.*)$/m);
      const eslint = pick(o.rules, /^(eslint-plugin-security\b.*)$/m);
      return line && `${pick(line, /wall[^|]*?([\d.]+ MB\/s)/)} wall (eslint-plugin-security ${pick(eslint, /wall[^|]*?([\d.]+ MB\/s)/) ?? '?'})`;
    } },
];

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only) {
    await runHere(only);
    return;
  }
  const load = (): string => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`;
  console.log(`npm run bench: Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}; ${load()} at the start`);
  const out: Record<string, string> = {};
  for (const name of modules()) out[name] = await runChild(name);
  console.log(`\n=== goals (issue 13), from the figures above; ${load()} at the end ===`);
  const width = Math.max(...GOALS.map((g) => g.goal.length));
  for (const g of GOALS) console.log(`${g.goal.padEnd(width)}  ${(g.figure(out) ?? 'not printed by its bench module').padEnd(44)}  target ${g.target}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
