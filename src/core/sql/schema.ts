/**
 * The workspace schema for the embedded engine: migration folders discovered in the workspace
 * (Prisma, Flyway, golang-migrate, dbmate/goose sections, plain numbered SQL files) or configured
 * schema files, in the order the tools apply them. Statements PGlite cannot run are set aside here
 * (psql meta-commands, COPY data, extensions it does not bundle) and reported, not fatal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { firstKeyword, LineIndex, splitStatements, stripComments } from './lexer';
import { SqlExplainError } from './errors';
import type { SkippedStatement } from './types';

/** Contrib extensions PGlite 0.5 ships as tarballs (registered only when a migration creates them). */
export const PGLITE_EXTENSIONS = new Set([
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance',
  'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg',
  'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp', 'passwordcheck', 'pg_logicalinspect',
  'pg_overexplain', 'spi',
]);
const BUILTIN_EXTENSIONS = new Set(['plpgsql']);

export interface SchemaStatement {
  file: string;
  line: number;
  sql: string;
}

export interface LoadedSchema {
  files: string[];
  layout: string;
  statements: SchemaStatement[];
  /** Skipped before running (meta-commands, COPY data, unavailable extensions). */
  skipped: SkippedStatement[];
  /** Contrib extensions to register with PGlite. */
  extensions: string[];
  /** Changes when any schema file changes: the embedded engine reloads on a new fingerprint. */
  fingerprint: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'vendor', 'target', '.venv', 'venv', '__pycache__', '.next', 'coverage', '.cache']);
const MIGRATION_DIR_NAMES = /^(migrations?|migrate|schema|db|database|sql|supabase|drizzle|flyway|ddl)$/i;

/** Finds the schema files of a workspace (or uses the configured paths) and reads their statements. */
export function loadSchema(workspaceRoot: string | undefined, schemaPaths?: string[]): LoadedSchema {
  let files: string[];
  let layout: string;
  if (schemaPaths && schemaPaths.length > 0) {
    files = [];
    const layouts: string[] = [];
    for (const p of schemaPaths) {
      const abs = path.resolve(workspaceRoot ?? process.cwd(), p);
      if (!fs.existsSync(abs)) throw new SqlExplainError('config', `Schema path not found: ${abs}. Point --schema (or stakes.sql.schemaPaths) at a .sql file or a migrations folder.`);
      if (fs.statSync(abs).isDirectory()) {
        const found = discoverIn(abs);
        if (!found) throw new SqlExplainError('config', `No SQL migration files in ${abs}. Expected *.sql files (Prisma */migration.sql, Flyway V1__x.sql, golang-migrate *.up.sql, numbered files).`);
        files.push(...found.files);
        layouts.push(found.layout);
      } else {
        files.push(abs);
        layouts.push('schema-file');
      }
    }
    layout = [...new Set(layouts)].join('+');
  } else {
    const found = workspaceRoot ? discoverIn(workspaceRoot) : undefined;
    files = found?.files ?? [];
    layout = found?.layout ?? 'none';
  }
  return readSchemaFiles(files, layout);
}

function readSchemaFiles(files: string[], layout: string): LoadedSchema {
  const statements: SchemaStatement[] = [];
  const skipped: SkippedStatement[] = [];
  const extensions = new Set<string>();
  const hash = createHash('sha256');
  for (const file of files) {
    const raw = fs.readFileSync(file, 'utf8');
    hash.update(file).update('\0').update(raw).update('\0');
    const text = upSection(raw);
    const idx = new LineIndex(text);
    let copying = false;
    for (const part of splitStatements(text)) {
      const line = idx.position(part.start).line;
      const preview = part.text.replace(/\s+/g, ' ').slice(0, 120);
      if (part.kind === 'psql-meta') {
        skipped.push({ file, line, sqlPreview: preview, reason: 'psql meta-command (only psql understands it)', kind: 'psql-meta-command' });
        continue;
      }
      if (part.kind === 'copy-data') {
        copying = false;
        continue;
      }
      const kw = firstKeyword(part.text);
      if (['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'START'].includes(kw) && /^\s*(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION)\b\s*(WORK|TRANSACTION)?\s*$/i.test(stripComments(part.text))) continue;
      if (kw === 'COPY' && /\bFROM\s+(STDIN|'[^']*'|PROGRAM)/i.test(part.text)) {
        skipped.push({ file, line, sqlPreview: preview, reason: 'COPY loads data from outside the database; the embedded engine only needs the schema', kind: 'copy-data' });
        copying = true;
        continue;
      }
      const ext = /^\s*CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?("?)([\w-]+)\1/i.exec(stripComments(part.text));
      if (ext) {
        const name = ext[2].toLowerCase();
        if (BUILTIN_EXTENSIONS.has(name)) continue;
        if (!PGLITE_EXTENSIONS.has(name)) {
          skipped.push({ file, line, sqlPreview: preview, reason: `extension "${name}" is not available in the embedded engine (objects that depend on it will be skipped too); use --db with a server that has it for exact plans`, kind: 'extension-unavailable' });
          continue;
        }
        extensions.add(name);
      }
      void copying;
      statements.push({ file, line, sql: part.text });
    }
  }
  return { files, layout, statements, skipped, extensions: [...extensions], fingerprint: hash.digest('hex').slice(0, 16) };
}

/** dbmate (`-- migrate:up/down`) and goose (`-- +goose Up/Down`) keep both directions in one file: keep "up". */
function upSection(text: string): string {
  const down = /^--\s*(migrate:down|\+goose\s+Down)\b.*$/im.exec(text);
  return down ? text.slice(0, down.index) : text;
}

interface Discovered { files: string[]; layout: string }

/** Looks for migrations under `root` (depth ≤ 4), preferring tool-specific layouts. */
export function discoverIn(root: string): Discovered | undefined {
  const sqlFiles: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 5) return;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name), depth + 1);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.sql')) sqlFiles.push(path.join(dir, e.name));
    }
  };
  if (fs.existsSync(root) && fs.statSync(root).isFile()) return { files: [root], layout: 'schema-file' };
  walk(root, 0);
  if (sqlFiles.length === 0) return undefined;
  const rel = (f: string): string => path.relative(root, f).split(path.sep).join('/');

  const prisma = sqlFiles.filter((f) => /(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/.test(rel(f)));
  if (prisma.length) return { files: prisma.sort((a, b) => naturalCompare(rel(a), rel(b))), layout: 'prisma' };

  const flyway = sqlFiles.filter((f) => /^[VR]\d*(?:[._]\d+)*__.+\.sql$/i.test(path.basename(f)));
  if (flyway.length) {
    const versioned = flyway.filter((f) => /^V/i.test(path.basename(f))).sort((a, b) => compareVersions(flywayVersion(a), flywayVersion(b)));
    const repeatable = flyway.filter((f) => /^R__/i.test(path.basename(f))).sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
    return { files: [...versioned, ...repeatable], layout: 'flyway' };
  }

  const ups = sqlFiles.filter((f) => /\.up\.sql$/i.test(f));
  if (ups.length) return { files: ups.sort((a, b) => naturalCompare(path.basename(a), path.basename(b))), layout: 'golang-migrate' };

  // Plain folders: pick the best directory holding SQL files that looks like migrations or a schema.
  const byDir = new Map<string, string[]>();
  for (const f of sqlFiles) {
    if (/\.down\.sql$|(^|[_-])down\.sql$|rollback/i.test(path.basename(f))) continue;
    if (/(^|\/)(test|tests|spec|fixtures|seed|seeds|examples?)\//i.test(rel(f))) continue;
    const d = path.dirname(f);
    byDir.set(d, [...(byDir.get(d) ?? []), f]);
  }
  const scored = [...byDir.entries()].map(([dir, fs_]) => {
    const name = path.basename(dir);
    const relDir = rel(dir);
    let score = 0;
    if (MIGRATION_DIR_NAMES.test(name)) score += 10;
    if (/migrat/i.test(relDir)) score += 10;
    if (fs_.some((f) => /^\d/.test(path.basename(f)))) score += 5;
    if (fs_.some((f) => /schema|structure|init/i.test(path.basename(f)))) score += 3;
    score -= relDir.split('/').length;
    return { dir, files: fs_, score };
  }).filter((x) => x.score > 0).sort((a, b) => b.score - a.score);
  if (!scored.length) return undefined;
  const best = scored[0];
  // Rails-style: one structure.sql/schema.sql wins over a folder of partial files.
  return { files: best.files.sort((a, b) => naturalCompare(path.basename(a), path.basename(b))), layout: 'sql-folder' };
}

function flywayVersion(f: string): string {
  return /^V([\d._]+)__/i.exec(path.basename(f))?.[1] ?? '0';
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map(Number);
  const pb = b.split(/[._]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "2_x" < "10_x": numbers compare by value. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

/** Nearest directory at or above `start` holding migrations (for the CLI's default workspace). */
export function findSchemaRoot(start: string): string {
  let dir = path.resolve(start);
  for (let i = 0; i < 8; i++) {
    for (const probe of ['migrations', 'db/migrations', 'prisma/migrations', 'db/migration', 'src/main/resources/db/migration', 'supabase/migrations', 'schema.sql', 'db/schema.sql', 'db/structure.sql']) {
      if (fs.existsSync(path.join(dir, probe))) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(start);
}
