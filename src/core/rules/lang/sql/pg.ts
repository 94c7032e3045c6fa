/**
 * SQL migrations on the real PostgreSQL grammar (libpg-query: libpg_query compiled to WASM, no download at
 * install or run time), loaded on the first SQL that needs it. Statements become migration operations
 * (./ops.ts) with exact character spans in the file. A statement the grammar rejects (another dialect,
 * templated SQL) is skipped, never guessed at.
 */
import { maskSql } from './mask';
import type { MigrationOp } from './ops';

type PgModule = typeof import('libpg-query');
let pg: PgModule | undefined;
let loading: Promise<PgModule> | undefined;

/** Load the parser once (about 2 MB of WASM). */
export function loadPg(): Promise<PgModule> {
  if (pg) return Promise.resolve(pg);
  loading ??= (async () => {
    const mod = require('libpg-query') as PgModule;
    await mod.loadModule();
    pg = mod;
    return mod;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export function pgLoaded(): boolean {
  return pg !== undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Node = Record<string, any>;

interface Statement {
  node: Node;
  kind: string;
  /** Character offsets in the parsed text. */
  start: number;
  end: number;
}

/** Byte offset (UTF-8, as libpg_query reports) → character offset. */
function byteToChar(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const n = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map.push(i);
    if (code >= 0x10000) i++;
  }
  return (b) => (b >= map.length ? text.length : map[b]);
}

/** Statements of `sql`; when the whole text does not parse, each statement on its own (skipping the ones that fail). */
export function parseStatements(sql: string): { statements: Statement[]; failed: number } {
  if (!pg) throw new Error('the PostgreSQL parser is not loaded (call loadPg first)');
  const whole = tryParse(sql, 0);
  if (whole) return { statements: whole, failed: 0 };
  const statements: Statement[] = [];
  let failed = 0;
  for (const piece of splitStatements(sql)) {
    const r = tryParse(piece.text, piece.start);
    if (r) statements.push(...r);
    else if (piece.text.trim()) failed++;
  }
  return { statements, failed };
}

function tryParse(sql: string, base: number): Statement[] | null {
  let result: { stmts?: { stmt: Node; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = pg!.parseSync(sql) as typeof result;
  } catch {
    return null;
  }
  const toChar = byteToChar(sql);
  const out: Statement[] = [];
  for (const s of result.stmts ?? []) {
    const kind = Object.keys(s.stmt)[0];
    const b0 = s.stmt_location ?? 0;
    const b1 = s.stmt_len ? b0 + s.stmt_len : Buffer.byteLength(sql);
    let start = toChar(b0);
    let end = toChar(b1);
    while (start < end && /\s/.test(sql[start])) start++;
    // Leading comments belong to the statement span in libpg_query; the finding should quote the statement.
    while (start < end && sql.startsWith('--', start)) {
      const nl = sql.indexOf('\n', start);
      start = nl < 0 ? end : nl + 1;
      while (start < end && /\s/.test(sql[start])) start++;
    }
    while (end > start && /[\s;]/.test(sql[end - 1])) end--;
    out.push({ node: s.stmt[kind], kind, start: base + start, end: base + end });
  }
  return out;
}

/** The comma-separated actions of an ALTER TABLE statement, as offsets into it. */
function actionSpans(stmt: string): { start: number; end: number }[] {
  const masked = maskSql(stmt);
  const head = /^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?\s*\*?\s*/i.exec(masked);
  if (!head) return [];
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let from = head[0].length;
  for (let i = from; i <= masked.length; i++) {
    const c = masked[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === masked.length) {
      let s = from;
      let e = i;
      while (s < e && /\s/.test(stmt[s])) s++;
      while (e > s && /[\s;]/.test(stmt[e - 1])) e--;
      out.push({ start: s, end: e });
      from = i + 1;
    }
  }
  return out;
}

/** Top-level statements by semicolon, with comments, strings and dollar-quoted bodies masked. */
function splitStatements(sql: string): { text: string; start: number }[] {
  const masked = maskSql(sql);
  const out: { text: string; start: number }[] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i <= masked.length; i++) {
    const c = masked[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ';' && depth <= 0) || i === masked.length) {
      out.push({ text: sql.slice(from, i), start: from });
      from = i + 1;
    }
  }
  return out;
}

/** Interpolated names (`${table}` in a template, replaced by x's to parse) are unknown: say so. */
const tableOf = (rel: Node | undefined): string => {
  const name = String(rel?.relname ?? '').toLowerCase();
  return /^x{3,}$/.test(name) ? '(name computed at run time)' : name;
};
const typeNameOf = (tn: Node | undefined): string => ((tn?.names ?? []) as Node[]).map((n) => n.String?.sval).filter((x) => x && x !== 'pg_catalog').join('.');
const constraintsOf = (def: Node | undefined): Node[] => ((def?.constraints ?? []) as Node[]).map((c) => c.Constraint).filter(Boolean);

/** Migration operations of the SQL text, spans offset by `base` (where the SQL starts in the file). */
export function sqlOperations(sql: string, base: number, via: string): MigrationOp[] {
  // Templated SQL ({{ .Namespace }}, {{ schema }}): the placeholders become same-length identifiers so the statement parses.
  if (sql.includes('{{')) sql = sql.replace(/\{\{[^}\n]*\}\}/g, (m) => 'x'.repeat(m.length));
  const { statements } = parseStatements(sql);
  const ops: MigrationOp[] = [];
  for (const st of statements) {
    const span = { start: base + st.start, end: base + st.end };
    const text = sql.slice(st.start, st.end);
    const push = (op: Omit<MigrationOp, 'start' | 'end' | 'via' | 'text'>): void => {
      ops.push({ ...op, ...span, via, text });
    };
    const n = st.node;
    switch (st.kind) {
      case 'CreateStmt':
        push({ kind: 'create-table', table: tableOf(n.relation) });
        break;
      case 'CreateTableAsStmt': // CREATE MATERIALIZED VIEW / CREATE TABLE … AS
        push({ kind: 'create-table', table: tableOf(n.into?.rel) });
        break;
      case 'IndexStmt':
        push({ kind: 'create-index', table: tableOf(n.relation), column: ((n.indexParams ?? []) as Node[])[0]?.IndexElem?.name, concurrently: !!n.concurrent, unique: !!n.unique,
          fix: n.concurrent ? undefined : text.replace(/\bINDEX\b/i, 'INDEX CONCURRENTLY') });
        break;
      case 'DropStmt':
        if (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_MATVIEW') {
          for (const o of (n.objects ?? []) as Node[]) {
            const names = ((o.List?.items ?? []) as Node[]).map((x) => String(x.String?.sval ?? ''));
            push({ kind: 'drop-table', table: (names[names.length - 1] ?? '').toLowerCase() });
          }
        }
        else if (n.removeType === 'OBJECT_INDEX') push({ kind: 'drop-index', concurrently: !!n.concurrent });
        break;
      case 'RenameStmt':
        if (n.renameType === 'OBJECT_COLUMN') push({ kind: 'rename-column', table: tableOf(n.relation), column: String(n.subname ?? ''), newName: String(n.newname ?? '') });
        else if (n.renameType === 'OBJECT_TABLE') push({ kind: 'rename-table', table: tableOf(n.relation), newName: String(n.newname ?? '') });
        break;
      case 'TransactionStmt':
        if (/BEGIN|START/.test(String(n.kind))) push({ kind: 'begin' });
        else if (/COMMIT|ROLLBACK/.test(String(n.kind))) push({ kind: 'commit' });
        break;
      case 'VariableSetStmt':
        if (/^(?:lock_timeout|statement_timeout)$/.test(String(n.name))) push({ kind: 'set-timeout', setting: String(n.name) });
        break;
      case 'AlterTableStmt': {
        const table = tableOf(n.relation);
        const cmds = ((n.cmds ?? []) as Node[]).map((c) => c.AlterTableCmd).filter(Boolean);
        const actions = cmds.length > 1 ? actionSpans(text) : [];
        cmds.forEach((c, i) => {
          // Several actions in one ALTER TABLE: each finding quotes its own action.
          const a = actions.length === cmds.length ? actions[i] : undefined;
          const push = (op: Omit<MigrationOp, 'start' | 'end' | 'via' | 'text'>): void => {
            if (a) ops.push({ ...op, start: base + st.start + a.start, end: base + st.start + a.end, via, text: text.slice(a.start, a.end) });
            else ops.push({ ...op, ...span, via, text });
          };
          const def = c.def ?? {};
          switch (c.subtype) {
            case 'AT_AddColumn': {
              const col = def.ColumnDef ?? {};
              const cons = constraintsOf(col);
              const type = typeNameOf(col.typeName);
              const fk = cons.find((x) => x.contype === 'CONSTR_FOREIGN');
              push({ kind: 'add-column', table, column: String(col.colname ?? ''), type,
                notNull: cons.some((x) => x.contype === 'CONSTR_NOTNULL' || x.contype === 'CONSTR_PRIMARY'),
                hasDefault: cons.some((x) => x.contype === 'CONSTR_DEFAULT'),
                generated: /serial/i.test(type) || cons.some((x) => x.contype === 'CONSTR_IDENTITY' || x.contype === 'CONSTR_GENERATED') });
              if (fk) push({ kind: 'add-foreign-key', table, column: String(col.colname ?? ''), notValid: !!fk.skip_validation, onNewColumn: true });
              break;
            }
            case 'AT_AlterColumnType':
              push({ kind: 'alter-column-type', table, column: String(c.name ?? ''), type: typeNameOf(def.ColumnDef?.typeName), typmods: !!def.ColumnDef?.typeName?.typmods });
              break;
            case 'AT_SetNotNull':
              push({ kind: 'set-not-null', table, column: String(c.name ?? '') });
              break;
            case 'AT_DropColumn':
              push({ kind: 'drop-column', table, column: String(c.name ?? '') });
              break;
            case 'AT_AddConstraint': {
              const con = def.Constraint ?? {};
              const notValid = !!con.skip_validation;
              const actionText = a ? text.slice(a.start, a.end) : text;
              const fkColumn = ((con.fk_attrs ?? []) as Node[])[0]?.String?.sval as string | undefined;
              if (con.contype === 'CONSTR_FOREIGN') push({ kind: 'add-foreign-key', table, column: fkColumn, notValid, fix: notValid ? undefined : `${actionText} NOT VALID` });
              else if (con.contype === 'CONSTR_CHECK') push({ kind: 'add-check', table, notValid, fix: notValid ? undefined : `${actionText} NOT VALID` });
              else if (con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_PRIMARY') push({ kind: 'add-unique', table, usingIndex: !!con.indexname, primary: con.contype === 'CONSTR_PRIMARY' });
              break;
            }
            default:
              break; // SET DEFAULT, DROP DEFAULT, SET STATISTICS…: metadata only
          }
        });
        break;
      }
      default:
        break;
    }
  }
  return ops;
}
