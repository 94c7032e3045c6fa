/**
 * Odd inputs to the CLI get a clear answer: a FIFO is not taken for a broken `.stakes.json` (nor read,
 * which would block), a 10 MB file is measured whole, one unreadable file does not abort a directory's
 * offline audit, and the offline summary is printed once.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../support/cli';
import { classify } from '../../../src/core/classify';
import { prepareText } from '../../../src/core/classify/text';

describe('CLI inputs: FIFOs, huge files, unreadable files', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-inputs-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says a FIFO is not a file, for classify and audit, without blocking on it', async () => {
    const fifo = path.join(dir, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    for (const args of [['classify', fifo], ['audit', '--offline', fifo], ['audit', '--dry-run', '--provider', 'openai', '--model', 'm', fifo]]) {
      const r = await runCli(args, { cwd: dir, env: { STAKES_CACHE_DIR: path.join(dir, '.cache') } });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /is a named pipe \(FIFO\), not a file/, args.join(' '));
      assert.doesNotMatch(r.stderr, /\.stakes\.json/);
    }
  });

  it('reports a 10 MB file\'s size and line count from the whole file, not its first 8 MiB', async () => {
    const file = path.join(dir, 'big.ts');
    const line = 'export const padding = "0123456789abcdef0123456789";\n';
    const n = Math.ceil((10 * 1024 * 1024) / line.length);
    fs.writeFileSync(file, line.repeat(n));
    const size = fs.statSync(file).size;
    const r = await runCli(['classify', file, '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { skipped: string[]; reasons: Array<{ detail: string }> };
    assert.ok(out.skipped.some((s) => s.includes(`of ${size.toLocaleString('en-US')} were scanned`)), JSON.stringify(out.skipped));
    const tokens = Number(/~([\d,]+) tokens/.exec(out.reasons.map((x) => x.detail).join(' '))?.[1].replace(/,/g, ''));
    assert.ok(tokens > (9 * 1024 * 1024) / 3.8, `tokens ${tokens} estimate the whole 10 MB`);
    // The core takes the whole document's size and lines alongside a head.
    const head = Buffer.from(line.repeat(1000));
    const t = prepareText(head, { totalChars: size, totalLines: n });
    assert.equal(t.totalChars, size);
    assert.equal(t.totalLines, n);
    const c = classify({ active: { path: 'big.ts', content: head, length: size, totalLines: n } });
    assert.ok(c.skipped.some((s) => s.includes(size.toLocaleString('en-US'))), JSON.stringify(c.skipped));
  });

  it('skips one unreadable file of a directory in an offline audit and audits the rest; prints the summary once', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    const locked = path.join(dir, 'src', 'b.ts');
    fs.writeFileSync(locked, 'export const b = 2;\n');
    fs.chmodSync(locked, 0o000);
    // Root reads through permissions: simulate the EACCES a user gets (on the module object the CLI reads through).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as { readFileSync: typeof fs.readFileSync };
    const realRead = nodeFs.readFileSync;
    let patched = false;
    try {
      realRead(locked);
      patched = true;
      nodeFs.readFileSync = ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
        if (p === locked) throw Object.assign(new Error(`EACCES: permission denied, open '${locked}'`), { code: 'EACCES' });
        return (realRead as (...a: unknown[]) => unknown)(p, ...rest);
      }) as typeof fs.readFileSync;
    } catch { /* really unreadable */ }
    try {
      const r = await runCli(['audit', '--offline', 'src'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /skipped (?:src\/)?b\.ts: .*permission denied/);
      assert.match(r.stdout, /Checked 1 file\(s\)/);
      assert.equal(r.stdout.match(/Checked 1 file/g)?.length, 1, `summary printed once:\n${r.stdout}`);
      // Named on the command line, the same file is an error.
      const named = await runCli(['audit', '--offline', 'src/b.ts'], { cwd: dir });
      assert.equal(named.code, 2);
    } finally {
      if (patched) nodeFs.readFileSync = realRead;
      fs.chmodSync(locked, 0o644);
    }
  });
  it('counts binary files found in a folder in one line instead of listing each, and refuses a named one', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'app.py'), 'import subprocess\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(600 * 1024, 7)]);
    fs.writeFileSync(path.join(dir, 'src', 'logo.png'), png);
    fs.writeFileSync(path.join(dir, 'src', 'icon.ico'), Buffer.from([0, 0, 1, 0, 1, 0]));
    const r = await runCli(['audit', '--offline', 'src'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 binary file\(s\) skipped/);
    assert.doesNotMatch(r.stderr, /logo\.png|icon\.ico|larger than/);
    assert.match(r.stdout, /Checked 1 file\(s\)/);
    const named = await runCli(['audit', '--offline', 'src/logo.png'], { cwd: dir });
    assert.equal(named.code, 2);
    assert.match(named.stderr, /logo\.png: binary file, nothing to audit/);
  });
});
