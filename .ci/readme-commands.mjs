#!/usr/bin/env node
// Runs every command README.md and src/README.md document, the way they document it: in a fresh
// clone, with the Node on PATH (22, as the README asks) and nothing else set up, in the order a
// reader meets them. It fails when a command fails, and when the READMEs document a command this
// script does not know (add it to COMMANDS below, with how it runs or why it cannot run here).
//
//   node .ci/readme-commands.mjs [--clone] [--warm-tools] [--list] [--only REGEX]
//
//   --clone       clone HEAD into a scratch directory first (CI runs on its own clean clone)
//   --warm-tools  reuse the e2e tools in ~/.cache/stakes (default: install Node 24 and code-server
//                 into an empty cache, as a fresh machine does)
//   --list        print the documented commands and how each is run; run nothing
//   --only REGEX  run only the commands matching REGEX (their setup still runs)
//
// What is cold and what is warm: node_modules, dist/, out/, the e2e tools and every cache of
// Stakes (compile cache, embedded databases) start empty; npm's download cache (~/.npm) and the
// operating system's packages (Chromium, PostgreSQL, MariaDB) are the machine's.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';


const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => process.stdout.write(`[readme] ${m}\n`);

/**
 * Commands as the READMEs write them: every line of their ```sh blocks, and inline `npm …`,
 * `node …` and `bash …` spans that are not synopses. (Inline `stakes …` spans name a command in
 * prose; its runnable examples are in the blocks.)
 */
export function documentedCommands(root) {
  const out = [];
  for (const doc of ['README.md', 'src/README.md']) {
    const text = readFileSync(join(root, doc), 'utf8');
    for (const block of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
      for (const raw of block[1].split('\n')) {
        const line = stripComment(raw).trim();
        if (line) out.push({ doc, text: line });
      }
    }
    const prose = text.replace(/^```[\s\S]*?^```/gm, '');
    for (const m of prose.matchAll(/`((?:npm|node|bash) [^`]+)`/g)) {
      // A synopsis (`stakes classify PATH... [--open FILE]`) is not a command.
      if (/\.\.\.|[[\]<>|]|\b[A-Z]{2,}\b/.test(m[1])) continue;
      out.push({ doc, text: m[1].trim() });
    }
  }
  return out;
}

/** `cmd  # comment` → `cmd` (a # inside quotes stays). */
function stripComment(line) {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/**
 * How each documented command runs. `where`: 'repo' (the clone's root) or 'example' (a git copy of
 * examples/shop-api: the README's "cd examples/shop-api", with `stakes` = the clone's dist/cli.js).
 * `codes`: the exit codes that mean it worked. `needs`: fixtures set up before it runs. 'project': a
 * reader's own repository (ownProject); `clonePath`: the README's placeholder for the clone's path.
 */
const COMMANDS = [
  { match: 'npm ci', where: 'repo' },
  { match: 'npm start', where: 'repo' },
  { match: 'npm test', where: 'repo' },
  { match: 'npm run package', where: 'repo' },
  { match: 'npm run build', where: 'repo' },
  { match: 'npm run check-types', where: 'repo' },
  { match: 'npm run lint', where: 'repo' },
  { match: 'npm run test:e2e', where: 'repo', tools: true },
  { match: 'node test/e2e/integration.mjs', where: 'repo', tools: true },
  { match: 'npm run test:vscode', where: 'repo', tools: true, expectOutput: /SKIPPED: .*|passing/ },
  { match: 'npm run bench', where: 'repo' },
  // npm run bench runs each module exactly so (index.js NAME, in its own process).
  { match: /^npm run bench [a-z-]+$/, coveredBy: 'npm run bench' },
  { match: 'npm run train', skip: 'it retrains the shipped model (media/classifier-model.json) from the corpus repositories mirrored locally ($STAKES_CORPUS_MIRROR), which a fresh machine does not have; the label figures it would print come from npm run bench (labels), which says what is missing' },
  { match: 'node dist/cli.js demo examples/shop-api', where: 'repo' },
  { match: 'code --install-extension stakes.vsix', skip: 'it installs into your desktop VS Code; here the same stakes.vsix is installed into code-server by npm run test:e2e and node test/e2e/integration.mjs' },
  { match: 'bash .ci/run', skip: 'this check is a step of it' },
  { match: 'node .ci/readme-commands.mjs', skip: 'this check itself' },
  { match: 'node -e 0', where: 'repo' },
  // The program alone prints its usage and exits 2.
  { match: 'node dist/cli.js', where: 'repo', codes: [2], expectOutput: /usage: stakes <command>/ },
  { match: 'node ../../dist/cli.js', where: 'repo/examples/shop-api', codes: [2], expectOutput: /usage: stakes <command>/ },
  // Into a private prefix, not the machine's global one; then the linked `stakes` must run.
  { match: 'npm link', where: 'repo', prefix: true, then: 'stakes --help' },
  { match: /^stakes classify /, where: 'example' },
  { match: /^stakes audit .*--offline|^stakes audit --offline/, where: 'example', codes: [0, 1] },
  { match: /^stakes audit .*--dry-run/, where: 'example' },
  { match: /^stakes audit .*--provider openai-compatible/, where: 'example', codes: [0, 1], needs: ['ollama-port'] },
  { match: /^stakes audit /, where: 'example', codes: [0, 1], needs: ['openai'] },
  { match: /^stakes explain .*--db postgres:/, where: 'example', codes: [0, 1], needs: ['postgres'] },
  { match: /^stakes explain .*--db mysql:/, where: 'example', codes: [0, 1], needs: ['mariadb'] },
  { match: /^stakes explain .*--db sqlite:/, where: 'example', codes: [0, 1], needs: ['sqlite'] },
  { match: /^stakes explain /, where: 'example', codes: [0, 1] },
  // With stdin closed (no client), the MCP server starts, sees the client gone and exits 0.
  { match: /^stakes mcp .*--db postgres:/, where: 'example', needs: ['postgres'] },
  { match: /^stakes mcp( |$)/, where: 'example' },
  { match: /^claude mcp add /, skip: 'Claude Code is not installed here; the server it registers runs above as stakes mcp, and test/unit/agent drives it with the MCP SDK client and the Inspector CLI' },
  { match: 'node /path/to/stakes/dist/cli.js mcp', skip: 'a template for the path of your clone; the same server runs above as stakes mcp' },
  // Review debt: the example has a feature branch and uncommitted work in payments, so 1 (debt) is
  // the expected answer until the sign-off clears it.
  { match: /^stakes gate( |$)/, where: 'example', codes: [0, 1] },
  // Installing from the tarball: globally into a private prefix, then into a project of one's own.
  { match: 'npm pack', where: 'repo' },
  { match: 'npm install -g ./stakes-0.1.0.tgz', where: 'repo', prefix: true, then: 'stakes --help' },
  { match: 'npm install --save-dev /path/to/stakes/stakes-0.1.0.tgz', where: 'project', clonePath: '/path/to/stakes', then: 'npx stakes --help' },
  { match: 'npx stakes gate --staged', where: 'project', codes: [0, 1], expectOutput: /unreviewed|no review debt|debt/i },
];

const ruleFor = (text) => COMMANDS.find((c) => (typeof c.match === 'string' ? c.match === text : c.match.test(text)));

/** Documented commands (or parts of `a && b`) no rule covers: the check fails on them (a unit test asserts none). */
export function unknownCommands(root) {
  return documentedCommands(root).filter((c) => !c.text.split(/\s+&&\s+/).every((part) => ruleFor(part)));
}

/** The environment a reader's fresh shell has: no npm_* of an npm that may be running us. */
function shellEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

function run(cmd, cwd, env) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn('bash', ['-c', cmd], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d) => { tail = (tail + d.toString()).slice(-20_000); };
    child.stdout.on('data', (d) => { process.stdout.write(d); keep(d); });
    child.stderr.on('data', (d) => { process.stderr.write(d); keep(d); });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, ms: Date.now() - started, tail }));
  });
}

const portFree = (port) => new Promise((r) => {
  const s = createServer().once('error', () => r(false)).once('listening', () => s.close(() => r(true)));
  s.listen(port, '127.0.0.1');
});

/** Fixtures for the example commands that talk to a provider or a database the README assumes you have. */
class Fixtures {
  constructor(repo, example) {
    this.repo = repo;
    this.example = example;
    this.env = {};
    this.done = new Map();
    this.cleanups = [];
    this.require = createRequire(join(repo, 'package.json'));
  }

  /**
   * Sets up `need` once; returns a reason to skip when it cannot be had here. A server that is not
   * running is a reason outside CI only (under CI=true the services must be up); any other failure
   * of a fixture fails the command.
   */
  async ensure(need) {
    if (!this.done.has(need)) {
      this.done.set(need, await this.setUp(need).catch((e) => {
        const down = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(`${e.code ?? ''} ${e.message}`);
        if (down && process.env.CI !== 'true') return `${need} is not reachable here (${e.message})`;
        return { error: `could not set up ${need}: ${e.message}` };
      }));
    }
    return this.done.get(need);
  }

  async fake(port = 0) {
    const { FakeProviders } = this.require(join(this.repo, 'out/test/support/fake-providers.js'));
    const server = await new FakeProviders().start(port);
    this.cleanups.push(() => server.stop());
    return server;
  }

  async setUp(need) {
    if (need === 'openai') {
      // OpenAI's wire format on loopback, through the real SDK: the README's key and endpoint stand-ins.
      const server = await this.fake();
      this.env.OPENAI_API_KEY = 'sk-readme-check';
      this.env.OPENAI_BASE_URL = `${server.url}/v1`;
      return undefined;
    }
    if (need === 'ollama-port') {
      if (!(await portFree(11434))) return '127.0.0.1:11434 is taken (an Ollama server?): the example would be sent there';
      await this.fake(11434);
      return undefined;
    }
    if (need === 'postgres') {
      const { Client } = this.require('pg');
      const admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = 'shop'")).rowCount) return 'a database named shop already exists on 127.0.0.1:5432; this check does not touch it';
        if (!(await admin.query("SELECT 1 FROM pg_roles WHERE rolname = 'app'")).rowCount) {
          await admin.query('CREATE ROLE app LOGIN');
          this.cleanups.push(async () => {
            const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
            await c.connect();
            await c.query('DROP ROLE IF EXISTS app').finally(() => c.end());
          });
        }
        await admin.query('CREATE DATABASE shop OWNER app');
        this.cleanups.push(async () => {
          const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
          await c.connect();
          await c.query('DROP DATABASE IF EXISTS shop WITH (FORCE)').finally(() => c.end());
        });
      } finally {
        await admin.end();
      }
      const shop = new Client({ host: '127.0.0.1', port: 5432, user: 'app', database: 'shop' });
      await shop.connect();
      try {
        for (const f of ['001_init.sql', '002_customer_email_and_webhook_log.sql', '003_fulfillment.sql']) await shop.query(readFileSync(join(this.example, 'migrations', f), 'utf8'));
      } finally {
        await shop.end();
      }
      return undefined;
    }
    if (need === 'mariadb') {
      const mysql = this.require('mysql2/promise');
      const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      try {
        const [rows] = await c.query("SHOW DATABASES LIKE 'shop'");
        if (rows.length) return 'a database named shop already exists on 127.0.0.1:3306; this check does not touch it';
        await c.query('CREATE DATABASE shop');
        this.cleanups.push(async () => {
          const d = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
          await d.query('DROP DATABASE IF EXISTS shop').finally(() => d.end());
        });
        await c.query('USE shop');
        await c.query('CREATE TABLE sessions (id bigint AUTO_INCREMENT PRIMARY KEY, user_id bigint NOT NULL, expires_at datetime NOT NULL) ENGINE=InnoDB');
        await c.query('INSERT INTO sessions (user_id, expires_at) SELECT seq % 100, now() - INTERVAL (seq % 30) DAY FROM seq_1_to_2000');
      } finally {
        await c.end();
      }
      return undefined;
    }
    if (need === 'sqlite') {
      const initSqlJs = this.require('sql.js');
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.run('CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL)');
      db.run("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000) INSERT INTO events (kind, at) SELECT 'k' || (n % 20), datetime('now') FROM g");
      writeFileSync(join(this.example, 'app.db'), db.export());
      return undefined;
    }
    throw new Error(`unknown fixture ${need}`);
  }

  async cleanUp() {
    for (const c of this.cleanups.reverse()) await Promise.resolve().then(c).catch((e) => say(`cleanup failed: ${e.message}`));
  }
}

/** An edit inside the checkout's transaction (a sensitive function), so review debt has something to count. */
function inFunction(source, line) {
  const at = source.indexOf("    await client.query('UPDATE products SET stock");
  if (at < 0) throw new Error('examples/shop-api/src/payments/checkout.ts changed: update inFunction() in .ci/readme-commands.mjs');
  return `${source.slice(0, at)}    ${line}\n${source.slice(at)}`;
}

/**
 * "Your project": a git repository of its own with no dependencies to install (the example's code,
 * without its package.json's), and a staged edit of a sensitive file for a hook to find.
 */
function ownProject(repo, into) {
  cpSync(join(repo, 'examples', 'shop-api', 'src'), join(into, 'src'), { recursive: true });
  writeFileSync(join(into, 'package.json'), `${JSON.stringify({ name: 'your-project', version: '1.0.0', private: true }, null, 2)}\n`);
  writeFileSync(join(into, '.gitignore'), 'node_modules/\n');
  const git = (...args) => execFileSync('git', ['-c', 'user.email=readme@example.invalid', '-c', 'user.name=readme', ...args], { cwd: into, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'your project');
  const checkout = join(into, 'src', 'payments', 'checkout.ts');
  writeFileSync(checkout, inFunction(readFileSync(checkout, 'utf8'), "logger.debug({ orderId: order.id }, 'updating stock');"));
  git('add', join('src', 'payments', 'checkout.ts'));
}

/** A git copy of examples/shop-api with history to audit: `main`, a feature branch, uncommitted work. */
function exampleProject(repo, into) {
  cpSync(join(repo, 'examples', 'shop-api'), into, { recursive: true });
  const git = (...args) => execFileSync('git', ['-c', 'user.email=readme@example.invalid', '-c', 'user.name=readme', ...args], { cwd: into, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'shop-api');
  git('checkout', '-q', '-b', 'feature');
  const routes = join(into, 'src', 'orders', 'routes.ts');
  writeFileSync(routes, `${readFileSync(routes, 'utf8')}\n// feature: order notes\nexport const NOTE_LIMIT = 500;\n`);
  git('commit', '-qam', 'feature');
  const checkout = join(into, 'src', 'payments', 'checkout.ts');
  writeFileSync(checkout, inFunction(readFileSync(checkout, 'utf8'), "logger.debug({ orderId: order.id }, 'reserving stock'); // work in progress"));
}

async function main() {
  const { values: options } = parseArgs({
    options: {
      clone: { type: 'boolean', default: false },
      'warm-tools': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const commands = documentedCommands(here);
  const unknown = unknownCommands(here);
  if (options.list || unknown.length) {
    for (const c of commands) {
      const parts = c.text.split(/\s+&&\s+/).map((p) => ({ p, rule: ruleFor(p) }));
      const how = (rule) => (rule.skip ? `skipped (${rule.skip})` : rule.coveredBy ? `part of ${rule.coveredBy}` : `${rule.where}${rule.needs ? ` + ${rule.needs.join(', ')}` : ''}`);
      say(`${c.doc}: ${c.text}  →  ${parts.map(({ p, rule }) => (rule ? how(rule) : `UNKNOWN: ${p}`)).join(' && ')}`);
    }
    if (unknown.length) {
      say(`FAILED: the READMEs document ${unknown.length} command(s) this check does not know: ${unknown.map((c) => `"${c.text}"`).join(', ')}. Add each to COMMANDS in .ci/readme-commands.mjs.`);
      process.exit(1);
    }
    return;
  }

  const node = spawnSync('node', ['-v'], { encoding: 'utf8' }).stdout.trim();
  say(`node on PATH: ${node || 'none'} (the README asks for Node 22+)`);
  const scratch = mkdtempSync(join(tmpdir(), 'stakes-readme-'));
  let repo = here;
  if (options.clone) {
    repo = join(scratch, 'stakes');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', here, repo]);
    say(`fresh clone of ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim()} in ${repo}`);
  } else if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim()) {
    say('note: this checkout has uncommitted changes (use --clone for a clean one)');
  }
  const toolsCache = options['warm-tools'] ? undefined : join(scratch, 'tools-cache');
  // Stakes' own caches (compile cache, embedded databases, audit results) start empty too.
  const base = shellEnv({ STAKES_CACHE_DIR: join(scratch, 'stakes-cache') });
  const example = join(scratch, 'shop-api');
  const project = join(scratch, 'your-project');
  const fixtures = new Fixtures(repo, example);
  const results = [];
  const ran = new Set();
  try {
    for (const c of commands) {
      if (options.only && !new RegExp(options.only).test(c.text)) continue;
      for (const part of c.text.split(/\s+&&\s+/)) {
        const rule = ruleFor(part);
        if (ran.has(part)) { say(`(${part}: ran above)`); continue; }
        ran.add(part);
        if (rule.coveredBy) {
          const by = results.find((r) => r.cmd === rule.coveredBy);
          const status = by ? by.status : 'failed';
          say(`${status === 'ok' ? 'ok      ' : 'FAILED  '} ${part}: part of \`${rule.coveredBy}\`${by ? '' : ', which did not run'}`);
          results.push({ cmd: part, status, why: `part of ${rule.coveredBy}` });
          continue;
        }
        if (rule.skip) {
          say(`SKIPPED  ${part}: ${rule.skip}`);
          results.push({ cmd: part, status: 'skipped', why: rule.skip });
          continue;
        }
        if (rule.where === 'example' && !existsSync(example)) exampleProject(repo, example);
        if (rule.where === 'project' && !existsSync(project)) ownProject(repo, project);
        let why;
        for (const need of rule.needs ?? []) why ??= await fixtures.ensure(need);
        if (why?.error) {
          say(`FAILED   ${part}: ${why.error}`);
          results.push({ cmd: part, status: 'failed', why: why.error });
          continue;
        }
        if (why) {
          say(`SKIPPED  ${part}: ${why}`);
          results.push({ cmd: part, status: 'skipped', why });
          continue;
        }
        const cwd = rule.where === 'example' ? example : rule.where === 'project' ? project : rule.where.startsWith('repo/') ? join(repo, rule.where.slice(5)) : repo;
        let cmd = rule.where === 'example' ? part.replace(/^stakes /, `node ${join(repo, 'dist', 'cli.js')} `) : part;
        if (rule.clonePath) cmd = cmd.split(rule.clonePath).join(repo);
        const prefix = join(scratch, 'npm-prefix');
        const env = {
          ...base, ...fixtures.env, ...(rule.tools && toolsCache ? { STAKES_CACHE: toolsCache } : {}),
          ...(rule.prefix ? { npm_config_prefix: prefix, PATH: `${join(prefix, 'bin')}:${base.PATH}` } : {}),
        };
        say(`--- $ ${part}${rule.where === 'example' ? '   (in examples/shop-api)' : ''}`);
        const r = await run(rule.then ? `${cmd} && ${rule.then}` : cmd, cwd, env);
        const codes = rule.codes ?? [0];
        const ok = codes.includes(r.code) && (!rule.expectOutput || rule.expectOutput.test(r.tail));
        say(`${ok ? 'ok      ' : 'FAILED  '} ${part} (exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s)`);
        results.push({ cmd: part, status: ok ? 'ok' : 'failed', ms: r.ms, code: r.code });
      }
    }
  } finally {
    await fixtures.cleanUp();
    rmSync(scratch, { recursive: true, force: true });
  }
  const failed = results.filter((r) => r.status === 'failed');
  say(`\n${results.filter((r) => r.status === 'ok').length} ok, ${failed.length} failed, ${results.filter((r) => r.status === 'skipped').length} skipped:`);
  for (const r of results) say(`  ${r.status.padEnd(8)} ${r.cmd}${r.ms !== undefined ? ` (${(r.ms / 1000).toFixed(1)} s)` : ''}${r.why ? `: ${r.why}` : ''}`);
  say(toolsCache ? 'e2e tools: installed into an empty cache by the first command that needs them (cold)' : 'e2e tools: reused from ~/.cache/stakes (--warm-tools)');
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
