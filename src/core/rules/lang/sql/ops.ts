/**
 * The migration walk. Every way of writing a migration (a .sql file on the PostgreSQL grammar, Django
 * operations, Alembic op.*, knex schema builder, Sequelize queryInterface, TypeORM QueryRunner,
 * node-pg-migrate, Prisma's migration.sql) becomes one list of operations in the order they run; the walk
 * goes through them knowing what the migration created so far and whether it runs in a transaction, and
 * fires one event per operation for the migration rules (`<rule-id>/sql.ts`), whose hazards follow Squawk.
 */
import { Reporter, type ReportSpec } from '../../engine';
import type { RuleMeta } from '../../rule';

export type OpKind = 'create-table' | 'drop-table' | 'add-column' | 'alter-column-type' | 'set-not-null' | 'drop-column' | 'create-index' | 'drop-index'
  | 'add-foreign-key' | 'add-check' | 'add-unique' | 'rename-column' | 'rename-table' | 'begin' | 'commit' | 'set-timeout';

export interface MigrationOp {
  kind: OpKind;
  /** Lower-case table name (no schema). */
  table?: string;
  column?: string;
  /** Where the operation is written in the file (character offsets). */
  start: number;
  end: number;
  /** How it is written, for messages: 'SQL', 'knex', 'Django AddIndex', 'op.create_index'… */
  via: string;
  /** The code as written. */
  text: string;
  /** add-column */
  notNull?: boolean;
  hasDefault?: boolean;
  generated?: boolean;
  /** add-column / alter-column-type: the (new) type as written; typmods: it has a length/precision. */
  type?: string;
  typmods?: boolean;
  /** create-index / drop-index */
  concurrently?: boolean;
  unique?: boolean;
  /** add-foreign-key / add-check */
  notValid?: boolean;
  /** add-foreign-key on a column added by the same statement (all NULL: validation is quick, the lock is not). */
  onNewColumn?: boolean;
  /** add-unique: ADD CONSTRAINT … UNIQUE USING INDEX (the index was built concurrently first). */
  usingIndex?: boolean;
  primary?: boolean;
  newName?: string;
  setting?: string;
  /** Runs outside the migration's transaction (Alembic autocommit_block, knex raw after transaction: false…). */
  autocommit?: boolean;
  /** Replacement for the written code, when the fix is mechanical. */
  fix?: string;
}

export type MigrationFramework = 'sql' | 'goose' | 'prisma' | 'flyway' | 'golang-migrate' | 'django' | 'alembic' | 'knex' | 'sequelize' | 'typeorm' | 'node-pg-migrate' | 'mikro-orm';

export interface MigrationUnit {
  framework: MigrationFramework;
  /** Whether the tool runs the migration in one transaction (undefined: it depends on configuration we cannot see). */
  transactional: boolean | undefined;
  /** Runs only on fresh installs (a Django squash, an Alembic upgrade that returns early on existing databases). */
  freshInstallOnly?: boolean;
  ops: MigrationOp[];
}

export interface MigrationContext<M extends string = string> {
  readonly unit: MigrationUnit;
  /** The table was created earlier in this migration: it is empty and nothing uses it yet. */
  createdHere(table: string | undefined): boolean;
  /** The operation runs inside a transaction (the tool's, or an explicit BEGIN in the SQL). */
  inTransaction(op: MigrationOp): boolean;
  /** A lock_timeout or statement_timeout was set earlier in this migration. */
  readonly timeoutSet: boolean;
  /** The column was added (or got its name) earlier in this migration: nothing deployed uses it yet. */
  columnAddedHere(table: string | undefined, column: string | undefined): boolean;
  /** A later operation of this migration drops the whole table. */
  tableDroppedLater(op: MigrationOp): boolean;
  /**
   * The confidence of a hazard that lasts as long as a lock on `op.table` (an index build, a validation
   * scan, a rewrite): `base`, lowered to a hint when an earlier operation in the same transaction rewrote
   * the table (a type conversion, a stored generated column: it holds ACCESS EXCLUSIVE until commit, so
   * CONCURRENTLY or NOT VALID cannot help and the rewrite, reported on its own line, is the hazard; unless
   * `keepAfterRewrite`: a foreign key also locks the referenced table, a second rewrite adds its own), or
   * when the table's name says it holds configuration rows a team defines by hand (smallTable).
   */
  lockHazard(op: MigrationOp, base: number, options?: { keepAfterRewrite?: boolean }): number;
  report(op: MigrationOp, messageId: M, data?: Record<string, string | number>, extra?: Omit<ReportSpec, 'start' | 'end' | 'messageId' | 'data'>): void;
  /** The rule's advice for this migration's framework (meta.advice), for {{advice}}. */
  advice(): string;
}

export interface MigrationListeners {
  op(op: MigrationOp): void;
}

export interface MigrationMatcher<M extends string = string> {
  meta: RuleMeta<string, M> & { advice?: Partial<Record<MigrationFramework | 'default', string>> };
  create(cx: MigrationContext<M>): MigrationListeners;
}

export function migrationMatcher<M extends string>(meta: MigrationMatcher<M>['meta'], create: (cx: MigrationContext<M>) => MigrationListeners): MigrationMatcher<M> {
  return { meta, create };
}

export interface MigrationWalkOptions {
  /**
   * The application applies its migrations itself at startup, before it serves (a Go binary embedding its
   * migrations): no previous release is running and nothing is waiting on the locks, so every hazard is a hint.
   */
  atStartup?: boolean;
}

/**
 * Whether a column type change rewrites the table: a conversion (USING …, or to jsonb, uuid, timestamptz,
 * bigint…) does; a change to a string type (text, a longer varchar, a collation) or a domain is usually
 * binary-compatible, and 'maybe' says so.
 */
export function typeChangeRewrites(op: MigrationOp): 'rewrite' | 'maybe' {
  const type = (op.type ?? '').toLowerCase().replace(/^(?:sa|sqlalchemy|postgresql|sequelize|datatypes)\./, '');
  if (/\bUSING\b/i.test(op.text)) return 'rewrite';
  const stringType = /^(?:text|citext|varchar|character varying|string|unicodetext|unicode|bpchar|char)\b/.test(type);
  const converts = /^(?:jsonb?|uuid|timestamptz|timestamp|date|time|bigint|int8|integer|int4|int|smallint|numeric|decimal|boolean|bool|bytea|inet|float8|double|real|tsvector|array|enum)\b/.test(type);
  return converts && !stringType ? 'rewrite' : 'maybe';
}

/** The operation rewrites the whole table under ACCESS EXCLUSIVE. */
function rewritesTable(op: MigrationOp): boolean {
  return (op.kind === 'alter-column-type' && typeChangeRewrites(op) === 'rewrite') || (op.kind === 'add-column' && !!op.generated);
}

/** Confidence of a lock hazard on a table the same transaction already rewrote: a hint. */
const SUBSUMED_CONFIDENCE = 0.45;
/** Confidence of a lock hazard on a table whose name says it is small (smallTable): a hint. */
const SMALL_TABLE_CONFIDENCE = 0.55;

/**
 * Tables named for rows a team defines by hand (settings, categories, identity providers,
 * invitations, plans): a lock on them is brief. Not when the name says a row per user or member
 * (user_settings), which grows with the user base. Squawk cannot know sizes either; this only turns
 * the finding into a hint for the AI audit.
 */
function smallTable(table: string | undefined): boolean {
  if (!table) return false;
  const t = table.toLowerCase().replace(/^.*\./, '');
  return /(?:config|configs|configuration|configurations|settings?|categor(?:y|ies)|providers?|idps?|invitations?|invites?|integrations?|plans?|feature_?flags?|countr(?:y|ies)|currenc(?:y|ies)|locales?)$/.test(t) &&
    !/user|member|account|customer|subscriber|person|people|contact|device|session/.test(t);
}

/** Confidence of every finding in a migration the application applies at startup. */
const STARTUP_CONFIDENCE = 0.45;

/** Run the migration rules over a unit, in order; hits go to `reporter`. */
export function walkMigration(unit: MigrationUnit, matchers: readonly MigrationMatcher[], reporter: Reporter, options: MigrationWalkOptions = {}): void {
  const created = new Set<string>();
  const columns = new Set<string>();
  /** Tables rewritten earlier in the open transaction (see MigrationContext.lockHazard). */
  const rewritten = new Set<string>();
  const col = (table: string | undefined, column: string | undefined): string => `${table ?? ''}.${(column ?? '').toLowerCase()}`;
  let explicitTx = false;
  let timeoutSet = false;
  const bound = matchers.map((m) => {
    const cx: MigrationContext = {
      unit,
      createdHere: (table) => !!table && created.has(table.toLowerCase()),
      inTransaction: (op) => !op.autocommit && (explicitTx || unit.transactional === true),
      get timeoutSet() {
        return timeoutSet;
      },
      columnAddedHere: (table, column) => !!table && !!column && columns.has(col(table, column)),
      tableDroppedLater: (op) => {
        const i = unit.ops.indexOf(op);
        return !!op.table && unit.ops.slice(i + 1).some((o) => o.kind === 'drop-table' && o.table === op.table);
      },
      lockHazard: (op, base, opts) => {
        if (!opts?.keepAfterRewrite && !!op.table && rewritten.has(op.table) && cx.inTransaction(op)) return Math.min(base, SUBSUMED_CONFIDENCE);
        return smallTable(op.table) ? Math.min(base, SMALL_TABLE_CONFIDENCE) : base;
      },
      report: (op, messageId, data, extra) => {
        const d = { advice: m.meta.advice?.[unit.framework] ?? m.meta.advice?.default ?? '', ...data };
        const confidence = options.atStartup || unit.freshInstallOnly ? Math.min(extra?.confidence ?? 0.8, STARTUP_CONFIDENCE) : extra?.confidence;
        reporter.report(m.meta, { start: op.start, end: op.end, messageId, data: d, fix: op.fix ?? null, ...extra, confidence });
      },
      advice: () => m.meta.advice?.[unit.framework] ?? m.meta.advice?.default ?? '',
    };
    let listeners: MigrationListeners | undefined;
    reporter.guard(m.meta, () => {
      listeners = m.create(cx);
    });
    return { meta: m.meta, listeners };
  });
  for (const op of unit.ops) {
    for (const b of bound) if (b.listeners) reporter.guard(b.meta, () => b.listeners!.op(op));
    if (op.kind === 'create-table' && op.table) created.add(op.table);
    if (op.kind === 'add-column') columns.add(col(op.table, op.column));
    if (op.kind === 'rename-column' && op.newName) columns.add(col(op.table, op.newName));
    if (op.kind === 'rename-table' && op.newName && op.table && created.has(op.table)) created.add(op.newName.toLowerCase());
    if (op.table && rewritesTable(op) && !op.autocommit && (explicitTx || unit.transactional === true)) rewritten.add(op.table);
    if (op.kind === 'begin') explicitTx = true;
    if (op.kind === 'commit') {
      explicitTx = false;
      rewritten.clear();
    }
    if (op.kind === 'set-timeout') timeoutSet = true;
  }
}
