/** A real git repository in a temporary folder, and the real `stakes` CLI (dist/cli.js) run in it. */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { ROOT } from './activation';

export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitRepo {
  readonly dir: string;
  /** git and the CLI run with this environment: no user or system git config, a private cache. */
  readonly env: NodeJS.ProcessEnv;

  constructor(prefix = 'stakes-review-') {
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    const home = path.join(this.dir, '.home');
    fs.mkdirSync(home);
    this.env = {
      PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
      STAKES_CACHE_DIR: path.join(home, 'cache'), LANG: 'C.UTF-8',
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    };
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'Ada Reviewer');
    this.git('config', 'user.email', 'ada@example.com');
    this.git('config', 'commit.gpgsign', 'false');
    fs.writeFileSync(path.join(this.dir, '.gitignore'), '.home/\n');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  write(files: Record<string, string | Uint8Array>): void {
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(this.dir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
  }

  read(rel: string): string {
    return fs.readFileSync(path.join(this.dir, rel), 'utf8');
  }

  /** Replace `from` by `to` in a file (which must contain it). */
  edit(rel: string, from: string | RegExp, to: string): void {
    const text = this.read(rel);
    const next = text.replace(from, to);
    assert.notEqual(next, text, `${rel} does not contain ${from}`);
    fs.writeFileSync(path.join(this.dir, rel), next);
  }

  remove(rel: string): void {
    fs.rmSync(path.join(this.dir, rel), { recursive: true, force: true });
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** Run `stakes …` here through the CLI's entry point, in this process (so a loopback fake server in the test can answer). */
  async stakes(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: this.dir, env: { ...this.env, ...env } });
    return { code, stdout, stderr };
  }

  /** Run the built binary (`node dist/cli.js …`) as a separate process, exactly as a user or a hook does. */
  stakesBinary(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run "npm run build" (npm test builds it first)`);
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: this.dir, env: { ...this.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Review record files, oldest first (by the time each says it was made). */
  records(): string[] {
    const dir = path.join(this.dir, '.stakes', 'reviews');
    if (!fs.existsSync(dir)) return [];
    const at = (f: string) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { at: string }).at;
    return fs.readdirSync(dir).sort((a, b) => at(a).localeCompare(at(b))).map((f) => `.stakes/reviews/${f}`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
