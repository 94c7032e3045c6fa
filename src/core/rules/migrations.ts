/**
 * PostgreSQL migration checks over SQL text (a .sql file, or a DDL string inside a migration written
 * in TS/JS/Python). Works on a copy of the text with comments and literals blanked out, so offsets
 * stay exact and a keyword inside a string or comment never matches.
 */
import type { RuleHit } from './hits';

/** Blank comments, string literals and dollar-quoted bodies (same length, newlines kept). */
export function maskSql(sql: string): string {
  const out = sql.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      blank(i + 1, j); // keep the quotes: DEFAULT '' stays a default
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64));
      if (!m) {
        i++;
        continue;
      }
      const end = sql.indexOf(m[0], i + m[0].length);
      const stop = end < 0 ? sql.length : end + m[0].length;
      blank(i, stop);
      i = stop;
    } else i++;
  }
  return out.join('');
}

function splitTopLevel(s: string, sep: string, base: number): { text: string; start: number }[] {
  const parts: { text: string; start: number }[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === sep && depth === 0) || i === s.length) {
      parts.push({ text: s.slice(from, i), start: base + from });
      from = i + 1;
    }
  }
  return parts;
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?`;

function tableKey(name: string): string {
  const parts = name.split('.').map((p) => p.trim().replace(/^"|"$/g, '').toLowerCase());
  return parts[parts.length - 1];
}

/** Whether this SQL is written for another engine (MySQL, SQLite), where the PostgreSQL advice does not apply. */
function isOtherDialect(sql: string): boolean {
  return /`|\bENGINE\s*=|\bAUTO_INCREMENT\b|\bAUTOINCREMENT\b|\bPRAGMA\b|\bUNSIGNED\b/i.test(sql);
}

export function analyzeSql(sql: string, baseOffset = 0): RuleHit[] {
  const masked = maskSql(sql);
  if (isOtherDialect(masked)) return [];
  const hits: RuleHit[] = [];
  const created = new Set<string>();
  const statements = splitTopLevel(masked, ';', 0);
  for (const st of statements) {
    const m = /^\s*CREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)/i.exec(st.text);
    if (m) created.add(tableKey(m[1]));
  }
  for (const st of statements) {
    const lead = /^\s*/.exec(st.text)![0].length;
    const stmt = st.text.slice(lead).trimEnd(); // not /\s+$/: quadratic on the blanks a masked literal leaves
    const stmtStart = st.start + lead;
    if (!stmt) continue;
    const span = (from: number, len: number): { start: number; end: number } => ({ start: baseOffset + from, end: baseOffset + from + len });
    const idx = new RegExp(String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${IDENT}\s+)?ON\s+(?:ONLY\s+)?(${IDENT})`, 'i').exec(stmt);
    if (idx && !idx[2] && !created.has(tableKey(idx[3]))) {
      const original = sql.slice(stmtStart, stmtStart + stmt.length);
      hits.push({ ruleId: 'migration-index-not-concurrent', ...span(stmtStart, stmt.length), confidence: 0.85,
        explanation: `CREATE INDEX on "${tableKey(idx[3])}" (not created in this migration) takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits until the whole index is built. ` +
          'Use CREATE INDEX CONCURRENTLY, which must run outside a transaction block (disable the migration tool\'s transaction for this migration).',
        fix: original.replace(/\bINDEX\b/i, 'INDEX CONCURRENTLY') });
      continue;
    }
    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${IDENT})\s*`, 'i').exec(stmt);
    if (!alter) continue;
    const table = tableKey(alter[1]);
    if (created.has(table)) continue; // a table created in the same migration is empty and unused
    const actionsStart = stmtStart + alter[0].length;
    const actions = splitTopLevel(stmt.slice(alter[0].length), ',', actionsStart);
    for (const a of actions) {
      const aLead = /^\s*/.exec(a.text)![0].length;
      const action = a.text.slice(aLead).trimEnd();
      if (!action) continue;
      const where = actions.length === 1 ? span(stmtStart, stmt.length) : span(a.start + aLead, action.length);
      const add = /^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("?[\w$]+"?)\s+(.*)$/is.exec(action);
      if (add && !/^(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|EXCLUDE)$/i.test(add[1])) {
        const def = add[2];
        if (/\bNOT\s+NULL\b/i.test(def) && !/\bDEFAULT\b/i.test(def) && !/\b(?:SMALL|BIG)?SERIAL\d?\b|\bGENERATED\b/i.test(def)) {
          hits.push({ ruleId: 'migration-not-null-without-default', ...where, confidence: 0.9,
            explanation: `Adding "${add[1]}" as NOT NULL without a DEFAULT fails as soon as "${table}" has a row ("column contains null values"), so the deploy breaks in production but not on an empty dev database. ` +
              'Add it with a constant DEFAULT (instant since PostgreSQL 11), or add it nullable, backfill in batches, then SET NOT NULL after a validated CHECK (col IS NOT NULL) NOT VALID constraint.' });
        }
        continue;
      }
      const type = /^ALTER\s+(?:COLUMN\s+)?("?[\w$]+"?)\s+(?:SET\s+DATA\s+)?TYPE\b/i.exec(action);
      if (type) {
        hits.push({ ruleId: 'migration-alter-column-type', ...where, confidence: 0.75,
          explanation: `Changing the type of "${type[1]}" takes an ACCESS EXCLUSIVE lock on "${table}" and, unless the change is binary-compatible (e.g. varchar(n) → text or a longer varchar), rewrites the whole table and its indexes while reads and writes wait. ` +
            'Add a new column, backfill it in batches, switch the application, then drop the old one.' });
        continue;
      }
      const drop = /^DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?("?[\w$]+"?)/i.exec(action);
      if (drop && !/^(?:CONSTRAINT|DEFAULT|NOT|IDENTITY|EXPRESSION)$/i.test(drop[1])) {
        hits.push({ ruleId: 'migration-drop-column', ...where, confidence: 0.7,
          explanation: `Dropping "${drop[1]}" from "${table}" breaks every running instance that still selects or writes it (ORMs often list all columns), and the data is gone without a backup. ` +
            'Stop using the column in a release first (and remove it from ORM models), then drop it in a later migration.' });
        continue;
      }
      if (/^ADD\s+(?:CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\b/i.test(action) && !/\bNOT\s+VALID\b/i.test(action)) {
        hits.push({ ruleId: 'migration-fk-not-valid', ...where, confidence: 0.85,
          explanation: `Adding a foreign key on "${table}" checks every existing row while holding a SHARE ROW EXCLUSIVE lock on both tables, blocking writes for the whole scan. ` +
            'Add it with NOT VALID (instant), then run ALTER TABLE … VALIDATE CONSTRAINT … in a separate statement, which only takes a light lock.',
          fix: actions.length === 1 ? `${sql.slice(stmtStart, stmtStart + stmt.length)} NOT VALID` : `${sql.slice(a.start + aLead, a.start + aLead + action.length)} NOT VALID` });
      }
    }
  }
  return hits;
}
