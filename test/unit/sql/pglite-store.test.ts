/**
 * The embedded engine's directories (pglite-store.ts), on stand-in data directories: sessions are
 * copies, spares are taken by a rename, cached schemas are kept per key and pruned, and what dead
 * processes or older templates left is swept.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PgliteStore } from '../../../src/core/sql/engines/pglite-store';
import { ROOT } from '../../support/activation';

describe('sql: the embedded engine\'s store', () => {
  let work: string;
  let assets: string;
  let cache: string;
  const list = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  /** A pid no process has: one that just exited. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

  beforeEach(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-store-'));
    assets = path.join(work, 'assets');
    cache = path.join(work, 'cache');
    // A stand-in data directory, packed by the build's own writer (esbuild.mjs), read-only as an installed extension may be.
    const dir = path.join(work, 'template');
    fs.mkdirSync(path.join(dir, 'base', 'a-folder-name-long-enough-that-the-archive-needs-the-ustar-prefix-field-to-hold-it'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '18\n');
    fs.writeFileSync(path.join(dir, 'base', 'catalog'), 'template catalog');
    fs.writeFileSync(path.join(dir, 'base', 'a-folder-name-long-enough-that-the-archive-needs-the-ustar-prefix-field-to-hold-it', 'relation-file-1259'), Buffer.alloc(8192, 7));
    fs.chmodSync(path.join(dir, 'base', 'catalog'), 0o444);
    const { tarOf } = await import(pathToFileURL(path.join(ROOT, 'esbuild.mjs')).href) as { tarOf: (d: string) => Buffer };
    fs.mkdirSync(assets);
    fs.writeFileSync(path.join(assets, 'template.tar.gz'), gzipSync(tarOf(dir)));
    fs.writeFileSync(path.join(assets, 'template.json'), '{"pglite":"test"}\n');
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('says how to get the template when the build did not make it', async () => {
    fs.rmSync(path.join(assets, 'template.tar.gz'));
    const store = new PgliteStore(cache, assets);
    await assert.rejects(store.newSession(store.templateSource()), /initialised database is missing .*template\.tar\.gz.*node esbuild\.mjs/);
    fs.rmSync(path.join(assets, 'template.json'));
    assert.throws(() => new PgliteStore(cache, assets), /initialised database is missing .*node esbuild\.mjs/);
  });

  it('unpacks the template once, every file as it was packed and writable', async () => {
    const store = new PgliteStore(cache, assets);
    const s = await store.newSession(store.templateSource());
    const deep = path.join('base', 'a-folder-name-long-enough-that-the-archive-needs-the-ustar-prefix-field-to-hold-it', 'relation-file-1259');
    assert.deepEqual(fs.readFileSync(path.join(s.dir, deep)), Buffer.alloc(8192, 7));
    assert.equal(fs.readFileSync(path.join(s.dir, 'base', 'catalog'), 'utf8'), 'template catalog');
    fs.writeFileSync(path.join(s.dir, 'base', 'catalog'), 'the session writes');
    fs.rmSync(path.join(assets, 'template.tar.gz'));
    const again = await store.newSession(store.templateSource());
    assert.equal(fs.readFileSync(path.join(again.dir, 'base', 'catalog'), 'utf8'), 'template catalog');
  });

  it('starts a session on a copy, never on the template itself, and takes the spare when there is one', async () => {
    const store = new PgliteStore(cache, assets);
    const first = await store.newSession(store.templateSource());
    assert.equal(first.fromSpare, false);
    fs.writeFileSync(path.join(first.dir, 'base', 'catalog'), 'changed by the session');
    assert.equal(fs.readFileSync(path.join(store.template, 'base', 'catalog'), 'utf8'), 'template catalog');
    await store.prepareSpare(store.templateSource());
    fs.rmSync(first.dir, { recursive: true });
    const second = await store.newSession(store.templateSource());
    assert.equal(second.fromSpare, true);
    assert.equal(fs.readFileSync(path.join(second.dir, 'base', 'catalog'), 'utf8'), 'template catalog');
    assert.deepEqual(list(path.join(store.root, 'spares')), []);
  });

  it('keeps a saved schema with its report, without the lock file; a second save of the key loses', async () => {
    const store = new PgliteStore(cache, assets);
    const s = await store.newSession(store.templateSource());
    fs.writeFileSync(path.join(s.dir, 'postmaster.pid'), String(process.pid));
    fs.writeFileSync(path.join(s.dir, 'base', 'orders'), 'migrated');
    assert.equal(await store.saveSchema('k1', s.dir, { statementsRun: 3 }), true);
    assert.equal(await store.saveSchema('k1', s.dir, { statementsRun: 99 }), false);
    const cached = store.cachedSchema('k1');
    assert.deepEqual(cached?.report, { statementsRun: 3 });
    assert.equal(fs.existsSync(path.join(cached!.dir, 'postmaster.pid')), false);
    assert.equal(fs.readFileSync(path.join(cached!.dir, 'base', 'orders'), 'utf8'), 'migrated');
    assert.equal(store.cachedSchema('other'), undefined);
    assert.deepEqual(list(path.join(store.root, 'schemas')), ['k1']);
  });

  it('keeps the four most recently used schemas', async () => {
    const store = new PgliteStore(cache, assets);
    const s = await store.newSession(store.templateSource());
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
      await store.saveSchema(key, s.dir, { i });
      const t = new Date(Date.now() - (10 - i) * 60_000);
      fs.utimesSync(path.join(store.root, 'schemas', key, 'stakes-schema.json'), t, t);
    }
    store.cachedSchema('a'); // used now: the most recent
    await store.saveSchema('e', s.dir, { i: 4 });
    assert.deepEqual(list(path.join(store.root, 'schemas')), ['a', 'c', 'd', 'e']);
  });

  it('sweeps sessions and half-made copies of dead processes, other templates\' caches and old template tarballs', async () => {
    const store = new PgliteStore(cache, assets);
    const dead = deadPid();
    for (const d of [`sessions/${dead}`, `sessions/${process.pid + 0}x`, `schemas/k.partial-${dead}`, `spares/template.partial-${dead}`]) fs.mkdirSync(path.join(store.root, d), { recursive: true });
    const otherTemplate = path.join(cache, 'pglite', '0123456789ab');
    fs.mkdirSync(path.join(otherTemplate, 'schemas', 'x'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'pglite-template-9136468.tar'), 'old');
    fs.writeFileSync(path.join(cache, 'audit-spend.json'), '{}');
    const s = await store.newSession(store.templateSource());
    assert.deepEqual(list(path.join(store.root, 'sessions')), [String(process.pid), `${process.pid}x`].sort());
    assert.deepEqual(list(path.join(store.root, 'schemas')), []);
    assert.deepEqual(list(path.join(store.root, 'spares')), []);
    assert.equal(fs.existsSync(otherTemplate), false);
    assert.deepEqual(list(cache), ['audit-spend.json', 'pglite']);
    assert.ok(fs.existsSync(path.join(s.dir, 'PG_VERSION')));
  });
});
