/**
 * Result cache: re-auditing unchanged code with the same scope, model and prompt version makes no
 * call. Reports are stored with secrets still as placeholders (restored on read), so the cache
 * directory never holds a secret the source files did not already hold in plain text elsewhere.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditReport } from './findings';

/** A stable hash of everything that decides an audit's result. */
export function cacheKeyOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

function fileFor(dir: string, key: string): string {
  return path.join(dir, `${key}.json`);
}

/** The cached report, or null when absent or unreadable (a damaged entry is a miss, not an error). */
export function readCachedReport(dir: string, key: string): AuditReport | null {
  try {
    const parsed = AuditReport.safeParse(JSON.parse(fs.readFileSync(fileFor(dir, key), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Store a report (with placeholders, not secrets) under its key; atomic, so a crash never leaves half a file. */
export function writeCachedReport(dir: string, key: string, report: AuditReport): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = fileFor(dir, key);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(report));
  fs.renameSync(tmp, file);
}
