/**
 * Plans on an empty schema are meaningless (seq scans of 0 pages cost 0). For each table a plan
 * touches, this writes dead pages with an INSERT that is rolled back (the pages stay: there is no
 * vacuum in PGlite), then injects pg_restore_relation_stats(relpages = real pages, reltuples = N).
 * The planner then scales N rows over real pages, and cost comparisons (index or not) make sense.
 * Every plan produced this way is an estimate and is labelled so.
 */
import { qi, ql, type PgSession } from './pg-engine';

export const DEFAULT_ASSUMED_ROWS = 100_000;
/** Pages written per table at most (8 kB each): enough for realistic scan costs, cheap to write. */
const MAX_PAD_PAGES = 800;
/** A ~1.9 kB filler value: 4 rows per page. Below the TOAST threshold, so it is stored inline and never compressed. */
const FILLER = 'repeat(md5(g::text), 59)';

export interface AppliedSize { rows: number; pages: number }

export class AssumedSizes {
  private readonly applied = new Map<string, AppliedSize>();
  readonly warnings: string[] = [];

  constructor(private readonly session: PgSession, private rows: Record<string, number>, private defaultRows: number) {}

  /** Changes the assumptions; tables are re-padded/re-injected lazily on their next use. */
  update(rows: Record<string, number>, defaultRows: number): void {
    this.rows = rows;
    this.defaultRows = defaultRows;
  }

  rowsFor(schema: string | undefined, table: string): number {
    const t = table.toLowerCase();
    for (const [k, v] of Object.entries(this.rows)) {
      const key = k.toLowerCase();
      if (key === t || (schema && key === `${schema.toLowerCase()}.${t}`)) return v;
    }
    return this.defaultRows;
  }

  /** Table → assumed rows for every table applied so far. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.applied) out[k.replace(/^public\./, '')] = v.rows;
    return out;
  }

  /** Applies the assumed size to each relation not yet at it; true when any changed (the plan must be redone). */
  async apply(relations: Array<{ schema?: string; table: string }>): Promise<boolean> {
    let changed = false;
    for (const r of relations) {
      const schema = r.schema ?? 'public';
      const key = `${schema}.${r.table}`;
      const want = this.rowsFor(schema, r.table);
      const have = this.applied.get(key);
      if (have && have.rows === want) continue;
      const pages = await this.pad(schema, r.table, want);
      await this.inject(schema, r.table, want, pages);
      this.applied.set(key, { rows: want, pages });
      changed = true;
    }
    return changed;
  }

  /** Re-inject after something (CREATE INDEX) overwrote the table's stats. */
  async reapply(schema: string | undefined, table: string): Promise<void> {
    const key = `${schema ?? 'public'}.${table}`;
    const a = this.applied.get(key);
    if (a) await this.inject(schema ?? 'public', table, a.rows, a.pages);
  }

  private async inject(schema: string, table: string, rows: number, pages: number): Promise<void> {
    await this.session.query(
      `SELECT pg_restore_relation_stats('schemaname', ${ql(schema)}::text, 'relname', ${ql(table)}::text, ` +
      `'relpages', ${Math.max(1, pages)}::integer, 'reltuples', ${rows}::real, 'relallvisible', 0::integer)`);
    await this.injectLowCardinality(schema, table);
  }

  private readonly cardinalityDone = new Set<string>();

  /**
   * Without column statistics the planner assumes `col = const` keeps 0.5% of rows. For columns whose
   * values the schema itself limits (boolean, enum types, CHECK (col IN (…))) that is far too selective
   * and makes indexes on them look useful: tell the planner how many distinct values there are.
   */
  private async injectLowCardinality(schema: string, table: string): Promise<void> {
    const key = `${schema}.${table}`;
    if (this.cardinalityDone.has(key)) return;
    this.cardinalityDone.add(key);
    const rel = `${qi(schema)}.${qi(table)}`;
    const distinct = new Map<string, number>();
    const cols = await this.session.query(
      `SELECT a.attname AS col, t.typname AS type, t.typtype::text AS kind,
              (SELECT count(*) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = ${ql(rel)}::regclass AND a.attnum > 0 AND NOT a.attisdropped`);
    for (const c of cols) {
      if (c.type === 'bool') distinct.set(String(c.col), 2);
      else if (c.kind === 'e' && Number(c.labels) > 0) distinct.set(String(c.col), Number(c.labels));
    }
    const checks = await this.session.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${ql(rel)}::regclass AND contype = 'c'`);
    for (const ch of checks) {
      const m = /\(\(?"?(\w+)"?\)?(?:::\w+)? = ANY \(\(?ARRAY\[([^\]]*)\]/.exec(String(ch.def));
      if (m) distinct.set(m[1], (m[2].match(/'(?:[^']|'')*'/g) ?? []).length || 1);
    }
    for (const [col, n] of distinct) {
      await this.session.query(
        `SELECT pg_restore_attribute_stats('schemaname', ${ql(schema)}::text, 'relname', ${ql(table)}::text, 'attname', ${ql(col)}::text, ` +
        `'inherited', false, 'null_frac', 0::real, 'n_distinct', ${n}::real)`).catch(() => undefined);
    }
  }

  /** Writes dead pages until the heap has about as many pages as `rows` rows would take. Returns the page count. */
  private async pad(schema: string, table: string, rows: number): Promise<number> {
    const rel = `${qi(schema)}.${qi(table)}`;
    const info = await this.session.query(
      `SELECT c.relkind::text AS kind, pg_relation_size(c.oid) / 8192 AS pages,
              (SELECT coalesce(sum(CASE WHEN a.attlen > 0 THEN a.attlen ELSE 32 END), 32) FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS width
         FROM pg_class c WHERE c.oid = ${ql(rel)}::regclass`);
    if (!info.length) return 1;
    const kind = String(info[0].kind);
    const current = Number(info[0].pages);
    if (kind !== 'r') return Math.max(1, current);
    const width = Number(info[0].width) + 28;
    const target = Math.min(MAX_PAD_PAGES, Math.max(1, Math.ceil((rows * width) / (8192 * 0.9))));
    if (current >= target) return current;
    const fillerRows = (target - current) * 4;
    try {
      await this.session.query('BEGIN');
      // Constraints, identity and NOT NULL are dropped only inside this transaction so a bare filler row fits; all rolled back.
      await this.session.query('SET LOCAL session_replication_role = replica');
      await this.session.query(`ALTER TABLE ${rel} ADD COLUMN stakes_pad text`);
      // Identity columns keep NOT NULL: they generate their own values.
      await this.session.query(`DO $stakes$ DECLARE r record; BEGIN
        FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = ${ql(rel)}::regclass AND contype <> 'n' ORDER BY (contype = 'p') DESC, (contype = 'u') DESC LOOP
          EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I CASCADE', ${ql(rel)}, r.conname);
        END LOOP;
        FOR r IN SELECT attname FROM pg_attribute WHERE attrelid = ${ql(rel)}::regclass AND attnum > 0 AND NOT attisdropped AND attnotnull AND attidentity = '' LOOP
          EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP NOT NULL', ${ql(rel)}, r.attname);
        END LOOP;
      END $stakes$`);
      await this.session.query(`INSERT INTO ${rel} (stakes_pad) SELECT ${FILLER} FROM generate_series(1, ${fillerRows}) g`);
    } catch (e) {
      this.warnings.push(`Could not simulate the size of ${schema}.${table} (${(e as Error).message}); its costs assume an empty table.`);
    } finally {
      await this.session.query('ROLLBACK').catch(() => undefined);
    }
    const after = await this.session.query(`SELECT pg_relation_size(${ql(rel)}::regclass) / 8192 AS pages`);
    return Math.max(1, Number(after[0]?.pages ?? 1));
  }
}
