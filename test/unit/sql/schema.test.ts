import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverIn, findSchemaRoot, loadSchema } from '../../../src/core/sql/schema';
import { SqlExplainError } from '../../../src/core/sql/errors';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-schema-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

const names = (root: string, files: string[]): string[] => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

describe('sql: migration discovery and ordering', () => {
  const roots: string[] = [];
  after(() => { for (const r of roots) fs.rmSync(r, { recursive: true, force: true }); });
  const make = (files: Record<string, string>): string => { const r = tree(files); roots.push(r); return r; };

  it('Prisma: prisma/migrations/*/migration.sql in folder order', () => {
    const root = make({
      'prisma/migrations/20240110_add_index/migration.sql': 'CREATE INDEX a ON t (x);',
      'prisma/migrations/20231201_init/migration.sql': 'CREATE TABLE t (x int);',
      'prisma/schema.prisma': 'model T {}',
    });
    const d = discoverIn(root)!;
    assert.equal(d.layout, 'prisma');
    assert.deepEqual(names(root, d.files), ['prisma/migrations/20231201_init/migration.sql', 'prisma/migrations/20240110_add_index/migration.sql']);
  });

  it('Flyway: versions compared numerically, repeatables last', () => {
    const root = make({
      'src/main/resources/db/migration/V10__ten.sql': 'SELECT 1;',
      'src/main/resources/db/migration/V2__two.sql': 'SELECT 1;',
      'src/main/resources/db/migration/V1_1__one_one.sql': 'SELECT 1;',
      'src/main/resources/db/migration/R__views.sql': 'SELECT 1;',
    });
    const d = discoverIn(root)!;
    assert.equal(d.layout, 'flyway');
    assert.deepEqual(d.files.map((f) => path.basename(f)), ['V1_1__one_one.sql', 'V2__two.sql', 'V10__ten.sql', 'R__views.sql']);
  });

  it('golang-migrate: *.up.sql only, in numeric order', () => {
    const root = make({
      'db/migrations/2_add.up.sql': 'SELECT 1;', 'db/migrations/2_add.down.sql': 'SELECT 1;',
      'db/migrations/10_more.up.sql': 'SELECT 1;', 'db/migrations/1_init.up.sql': 'SELECT 1;',
    });
    const d = discoverIn(root)!;
    assert.equal(d.layout, 'golang-migrate');
    assert.deepEqual(d.files.map((f) => path.basename(f)), ['1_init.up.sql', '2_add.up.sql', '10_more.up.sql']);
  });

  it('plain numbered files in migrations/, ignoring tests and seeds; dbmate/goose keep the up section', () => {
    const root = make({
      'migrations/002_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;',
      'migrations/001_a.sql': 'CREATE TABLE a (id int);',
      'migrations/010_c.sql': '-- +goose Up\nCREATE TABLE c (id int);\n-- +goose Down\nDROP TABLE c;',
      'test/fixtures/x.sql': 'DROP TABLE everything;',
      'src/app.ts': 'export {};',
    });
    const s = loadSchema(root);
    assert.equal(s.layout, 'sql-folder');
    assert.deepEqual(s.files.map((f) => path.basename(f)), ['001_a.sql', '002_b.sql', '010_c.sql']);
    assert.deepEqual(s.statements.map((x) => x.sql.replace(/^--.*\n/, '')), ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)']);
    assert.equal(findSchemaRoot(path.join(root, 'src')), root);
  });

  it('sets aside psql meta-commands, COPY data, transaction control and unavailable extensions', () => {
    const root = make({
      'schema.sql': [
        '\\connect shop',
        'BEGIN;',
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";',
        'CREATE EXTENSION postgis;',
        'CREATE TABLE t (id uuid DEFAULT uuid_generate_v4());',
        'COPY t (id) FROM stdin;',
        '00000000-0000-0000-0000-000000000001',
        '\\.',
        'COMMIT;',
      ].join('\n'),
    });
    const s = loadSchema(root, ['schema.sql']);
    assert.deepEqual(s.extensions, ['uuid-ossp']);
    assert.deepEqual(s.skipped.map((x) => [x.kind, x.line]), [['psql-meta-command', 0], ['extension-unavailable', 3], ['copy-data', 5]]);
    assert.deepEqual(s.statements.map((x) => x.sql.split(' ')[0]), ['CREATE', 'CREATE']);
    assert.throws(() => loadSchema(root, ['nope.sql']), (e: unknown) => e instanceof SqlExplainError && e.kind === 'config' && /Schema path not found/.test(e.message));
  });
});
