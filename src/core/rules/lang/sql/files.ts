/**
 * .sql files as migrations: which tool runs them (goose, golang-migrate, Prisma, Flyway, plain SQL) and so
 * whether they run in a transaction, and which part is the forward migration (goose's Up section; never a
 * .down.sql file). The operations come from the PostgreSQL grammar (./pg.ts).
 */
import { maskSql } from './mask';
import { loadPg, sqlOperations } from './pg';
import type { MigrationFramework, MigrationUnit } from './ops';

/** MySQL/SQLite-only syntax outside comments and strings: the PostgreSQL hazards do not apply, and their grammar is not ours. */
export function otherDialect(sql: string): boolean {
  return /`|\bENGINE\s*=|\bAUTO_INCREMENT\b|\bAUTOINCREMENT\b|\bPRAGMA\b|\bUNSIGNED\b/i.test(maskSql(sql));
}

export async function sqlUnit(path: string, text: string): Promise<MigrationUnit | undefined> {
  if (/\.down\.sql$|(?:^|\/)down\.sql$/i.test(path)) return undefined;
  if (!/\b(?:ALTER|CREATE|DROP)\b/i.test(text) || otherDialect(text)) return undefined;
  let framework: MigrationFramework = 'sql';
  let transactional: boolean | undefined;
  let start = 0;
  let end = text.length;
  if (/^\s*--\s*\+goose\s+Up\b/im.test(text)) {
    framework = 'goose';
    transactional = !/--\s*\+goose\s+NO\s+TRANSACTION/i.test(text);
    const up = /^\s*--\s*\+goose\s+Up\b.*$/im.exec(text)!;
    start = up.index + up[0].length;
    const down = /^\s*--\s*\+goose\s+Down\b/im.exec(text.slice(start));
    if (down) end = start + down.index;
  } else if (/(?:^|\/)prisma\/migrations\//.test(path)) framework = 'prisma';
  else if (/(?:^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/.test(path)) framework = 'flyway';
  else if (/\.up\.sql$/i.test(path)) framework = 'golang-migrate';
  await loadPg();
  const body = text.slice(start, end).replace(/^\s*--\s*\+goose\s+(?:StatementBegin|StatementEnd)\s*$/gim, (m) => ' '.repeat(m.length));
  return { framework, transactional, ops: sqlOperations(body, start, 'SQL') };
}
