import * as assert from 'node:assert/strict';
import { splitStatements } from '../../../src/core/sql/lexer';
import { normalizePlaceholders } from '../../../src/core/sql/placeholders';
import { extractStatements, statementAt } from '../../../src/core/sql/extract';
import { nPlusOneFindings } from '../../../src/core/sql/loops';

describe('sql: statement splitting', () => {
  it('ignores semicolons in strings, comments, quoted identifiers and dollar quotes', () => {
    const text = [
      "SELECT 'a;b', \"weird;name\" FROM t; -- trailing; comment",
      '/* block; /* nested; */ still */ SELECT 2;',
      'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;',
      "SELECT E'it\\'s; fine';",
    ].join('\n');
    const parts = splitStatements(text).filter((p) => p.kind === 'statement').map((p) => p.text);
    assert.equal(parts.length, 4);
    assert.match(parts[0], /^SELECT 'a;b', "weird;name" FROM t$/);
    assert.match(parts[1], /SELECT 2$/);
    assert.match(parts[2], /\$body\$ LANGUAGE plpgsql$/);
    assert.equal(parts[3], "SELECT E'it\\'s; fine'");
  });

  it('sets psql meta-commands and COPY data blocks apart', () => {
    const text = "\\set ON_ERROR_STOP on\nCOPY t (a, b) FROM stdin;\n1\t'x;y\n2\tz\n\\.\nSELECT 1;";
    const kinds = splitStatements(text).map((p) => p.kind);
    assert.deepEqual(kinds, ['psql-meta', 'statement', 'copy-data', 'statement']);
  });

  it('finds the statement at the cursor in a .sql file, also just after its semicolon', () => {
    const text = 'SELECT 1;\n\nSELECT *\n  FROM orders\n WHERE id = 3;\n';
    const mid = text.indexOf('orders');
    assert.equal(statementAt(text, 'sql', mid)?.sql, 'SELECT *\n  FROM orders\n WHERE id = 3');
    const s = statementAt(text, 'sql', text.indexOf('3;') + 2);
    assert.equal(s?.range.start.line, 2);
    assert.equal(statementAt(text, 'sql', 3)?.sql, 'SELECT 1');
  });
});

describe('sql: placeholder normalization', () => {
  it('turns every style into $n, sharing numbers for repeated names', () => {
    assert.equal(normalizePlaceholders('a = ? AND b = ?').sql, 'a = $1 AND b = $2');
    assert.equal(normalizePlaceholders('a = :id AND b = :id AND c = :other').sql, 'a = $1 AND b = $1 AND c = $2');
    assert.equal(normalizePlaceholders('a = %s AND b = %(name)s').sql, 'a = $1 AND b = $2');
    assert.equal(normalizePlaceholders('a = @p1 AND b = @name').sql, 'a = $1 AND b = $2');
    assert.equal(normalizePlaceholders('a = $2 AND b = $1').sql, 'a = $2 AND b = $1');
    assert.equal(normalizePlaceholders('a = ?1 OR b = ?1').sql, 'a = $1 OR b = $1');
  });

  it('leaves casts, jsonb operators, strings and comments alone', () => {
    assert.equal(normalizePlaceholders("x::text = ':not' AND d ? 'key' AND d ?| array['a'] -- :c ?").sql,
      "x::text = ':not' AND d ? 'key' AND d ?| array['a'] -- :c ?");
    assert.equal(normalizePlaceholders('a = ? AND b = ?', 'question').sql, 'a = ? AND b = ?');
    assert.equal(normalizePlaceholders('a = $1 AND b = $1', 'question').order.join(','), '1,1');
  });
});

describe('sql: SQL in application code', () => {
  it('TS/JS: pg, tagged sql, Prisma, knex, TypeORM, interpolations and constants', () => {
    const code = [
      "const COLS = 'id, email';",
      'export async function f(ids: string[]) {',
      '  await pool.query(`SELECT ${COLS} FROM users WHERE id = $1`, [id]);',
      '  const rows = await prisma.$queryRaw`SELECT * FROM users WHERE email = ${email} AND org = ${org}`;',
      "  await knex.raw('select * from a where b = ? and c = :name', [1]);",
      "  await dataSource.query('SELECT * FROM t WHERE x = $1', [1]);",
      '  const q = sql`UPDATE users SET name = ${n} WHERE id = ${id}`;',
      "  await client.query(`SELECT * FROM logs WHERE at BETWEEN '${from}' AND '${to}'`);",
      '  const notSql = `Hello ${name}, select your plan`;',
      '}',
    ].join('\n');
    const st = extractStatements(code, 'typescript', 'a.ts');
    assert.deepEqual(st.map((s) => s.via), ['pg', 'prisma', 'knex', 'typeorm', 'tagged-sql', 'pg']);
    assert.equal(st[0].sql, 'SELECT id, email FROM users WHERE id = $1');
    assert.equal(st[1].sql, 'SELECT * FROM users WHERE email = $1 AND org = $2');
    assert.deepEqual(st[1].placeholders.map((p) => p.original), ['${email}', '${org}']);
    assert.equal(st[2].sql, 'select * from a where b = $1 and c = $2');
    assert.equal(st[4].sql, 'UPDATE users SET name = $1 WHERE id = $2');
    assert.equal(st[5].sql, 'SELECT * FROM logs WHERE at BETWEEN $1 AND $2');
    assert.equal(st[0].range.start.line, 2);
    assert.equal(code.slice(st[0].startOffset, st[0].endOffset), 'SELECT ${COLS} FROM users WHERE id = $1');
  });

  it('Python: cursor.execute with %s / %(name)s, f-strings, SQLAlchemy text()', () => {
    const code = [
      'def load(cur, session, x):',
      '    cur.execute("SELECT * FROM users WHERE id = %s AND org = %(org)s", (1,))',
      '    cur.execute(f"SELECT * FROM t WHERE a = {x}")',
      '    session.execute(text("""',
      '        SELECT * FROM orders WHERE customer_id = :cid',
      '    """), {"cid": 1})',
    ].join('\n');
    const st = extractStatements(code, 'python', 'a.py');
    assert.deepEqual(st.map((s) => s.via), ['python-execute', 'python-execute', 'sqlalchemy']);
    assert.equal(st[0].sql, 'SELECT * FROM users WHERE id = $1 AND org = $2');
    assert.equal(st[1].sql, 'SELECT * FROM t WHERE a = $1');
    assert.equal(st[2].sql, 'SELECT * FROM orders WHERE customer_id = $1');
    assert.equal(st[2].range.start.line, 3);
  });

  it('Go: db.Query / QueryRowContext / Exec with ? and raw strings', () => {
    const code = 'func f() {\n\trow := db.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", id)\n\t_, err := db.Exec(`UPDATE users\n\t\tSET x = $1 WHERE id = $2`, 1, 2)\n}';
    const st = extractStatements(code, 'go', 'a.go');
    assert.deepEqual(st.map((s) => s.via), ['go', 'go']);
    assert.equal(st[0].sql, 'SELECT name FROM users WHERE id = $1');
    assert.match(st[1].sql, /^UPDATE users\s+SET x = \$1 WHERE id = \$2$/);
  });

  it('flags queries issued inside loops (N+1) in each language, not those outside', () => {
    const ts = 'for (const o of orders) {\n  await pool.query("SELECT * FROM items WHERE order_id = $1", [o.id]);\n}\nawait pool.query("SELECT * FROM orders WHERE id = $1", [1]);\nawait Promise.all(ids.map((id) => db.query("SELECT * FROM users WHERE id = $1", [id])));';
    const py = 'for o in orders:\n    cur.execute("SELECT * FROM items WHERE order_id = %s", (o,))\ncur.execute("SELECT * FROM orders WHERE id = %s", (1,))';
    const go = 'for _, id := range ids {\n\tdb.QueryRow("SELECT name FROM users WHERE id = $1", id)\n}\ndb.Query("SELECT * FROM orders WHERE id = $1", 1)';
    const t = extractStatements(ts, 'typescript', 'a.ts');
    assert.deepEqual(t.map((s) => !!s.inLoop), [true, false, true]);
    assert.equal(t[2].inLoop?.kind, '.map()');
    assert.deepEqual(extractStatements(py, 'python', 'a.py').map((s) => !!s.inLoop), [true, false]);
    assert.deepEqual(extractStatements(go, 'go', 'a.go').map((s) => !!s.inLoop), [true, false]);
    const findings = nPlusOneFindings(t);
    assert.equal(findings.length, 2);
    assert.equal(findings[0].id, 'n-plus-one');
    assert.equal(findings[0].file, 'a.ts');
    assert.equal(findings[0].range?.start.line, 1);
    assert.match(findings[0].why, /loop on line 1/);
  });
});
