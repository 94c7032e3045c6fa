/** Review regions and fingerprints: what a region is per language, and which edits change a fingerprint. */
import * as assert from 'node:assert/strict';
import { regionChanges } from '../../../src/core/review/changes';
import { labelRegion } from '../../../src/core/review/debt';
import { defaultConfig } from '../../../src/core/routing/config';
import { regionsOf, type Region } from '../../../src/core/review/regions';

const names = (rs: Region[]) => rs.map((r) => `${r.kind}:${r.name}@${r.startLine}-${r.endLine}`);
const prints = (rs: Region[]) => Object.fromEntries(rs.map((r) => [r.key, r.fingerprint]));

const TS = `import jwt from 'jsonwebtoken';
import { db } from './db';

// The secret comes from the environment.
const SECRET = process.env.JWT_SECRET!;

export function verifyToken(token: string): Claims {
  const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
  if (!claims.sub) {
    throw new Error('no subject');
  }
  return claims as Claims;
}

export const requireAdmin = async (req: Request, res: Response, next: () => void) => {
  if (!req.user?.roles.includes('admin')) return res.status(403).end();
  next();
};

export class SessionStore {
  private readonly ttl = 3600;

  constructor(private readonly redis: Redis) {}

  async revoke(id: string): Promise<void> {
    await this.redis.del(\`session:\${id}\`);
  }

  get size() {
    return this.redis.size;
  }
}

router.post('/login', async (req, res) => {
  const user = await db.findUser(req.body.email);
  res.json({ token: sign(user) });
});

export default {
  health() { return 'ok'; },
  ready: async () => true,
};
`;

/** The same code after a formatter: other indentation and line breaks, double quotes, trailing commas, no semicolons, new comments. */
const TS_REFORMATTED = `import jwt from "jsonwebtoken"
import { db } from "./db"

const SECRET = process.env.JWT_SECRET!

/** Verifies an access token. */
export function verifyToken(
    token: string,
): Claims {
    const claims = jwt.verify(token, SECRET, {
        algorithms: ["HS256"],
    })
    if (!claims.sub) {
        throw new Error("no subject")
    }
    return claims as Claims
}

export const requireAdmin = async (
    req: Request,
    res: Response,
    next: () => void,
) => {
    if (!req.user?.roles.includes("admin")) return res.status(403).end()
    next()
}

export class SessionStore {
    private readonly ttl = 3600

    constructor(private readonly redis: Redis) {}

    async revoke(id: string): Promise<void> {
        await this.redis.del(\`session:\${id}\`) // one key per session
    }

    get size() {
        return this.redis.size
    }
}

router.post("/login", async (req, res) => {
    const user = await db.findUser(req.body.email)
    res.json({ token: sign(user) })
})

export default {
    health() {
        return "ok"
    },
    ready: async () => true,
}
`;

describe('review regions', () => {
  it('splits TypeScript into functions, methods, statements and imports, with stable names', () => {
    assert.deepEqual(names(regionsOf('src/auth.ts', TS)), [
      'imports:imports@1-2',
      'statement:SECRET@5-5',
      'function:verifyToken@7-13',
      'function:requireAdmin@15-18',
      'class:class SessionStore@20-32',
      'statement:SessionStore.ttl@21-21',
      'method:SessionStore.constructor@23-23',
      'method:SessionStore.revoke@25-27',
      'method:SessionStore.size@29-31',
      "statement:router.post('/login', …)@34-37",
      'statement:default = {…}@39-42',
      'method:default.health@40-40',
      'method:default.ready@41-41',
    ]);
  });

  it('keeps every fingerprint through a formatter pass (indentation, line breaks, quotes, trailing commas, semicolons, comments)', () => {
    const before = regionsOf('src/auth.ts', TS);
    const after = regionsOf('src/auth.ts', TS_REFORMATTED);
    assert.deepEqual(prints(after), prints(before));
    assert.deepEqual(regionChanges({ path: 'src/auth.ts', base: { text: TS }, current: { text: TS_REFORMATTED } }), []);
  });

  it('changes only the fingerprint of the region that really changed', () => {
    const edited = TS.replace("algorithms: ['HS256']", "algorithms: ['HS256', 'none']");
    const before = prints(regionsOf('src/auth.ts', TS));
    const after = prints(regionsOf('src/auth.ts', edited));
    const differ = Object.keys(before).filter((k) => before[k] !== after[k]);
    assert.deepEqual(differ, ['fn:verifyToken']);
    // A string's content is code: "admin" → "Admin" is a change, 'admin' → "admin" is not.
    assert.notEqual(prints(regionsOf('a.ts', TS.replace("includes('admin')", "includes('Admin')")))['fn:requireAdmin'], before['fn:requireAdmin']);
  });

  it('reports added, modified and deleted regions; moving a function or renaming the file is no change', () => {
    const moved = TS.replace(/export function verifyToken[\s\S]*?\n}\n/, '') + TS.match(/export function verifyToken[\s\S]*?\n}\n/)![0];
    assert.deepEqual(regionChanges({ path: 'src/auth.ts', base: { text: TS }, current: { text: moved } }), []);
    assert.deepEqual(regionChanges({ path: 'src/token.ts', oldPath: 'src/auth.ts', base: { text: TS }, current: { text: TS } }), []);

    const edited = TS.replace("if (!claims.sub) {", "if (!claims.sub || claims.exp < now()) {")
      .replace(/export const requireAdmin[\s\S]*?\n};\n/, '')
      .concat('\nexport function hashPassword(p: string) { return bcrypt.hash(p, 12); }\n');
    const changes = regionChanges({ path: 'src/auth.ts', base: { text: TS }, current: { text: edited } });
    assert.deepEqual(changes.map((c) => `${c.change}:${c.region.name}`).sort(), ['added:hashPassword', 'deleted:requireAdmin', 'modified:verifyToken']);
    const mod = changes.find((c) => c.change === 'modified')!;
    assert.ok(mod.from && mod.to && mod.from !== mod.to);
    const del = changes.find((c) => c.change === 'deleted')!;
    assert.equal(del.to, null);
    assert.equal(del.region.startLine, 15, 'a deleted region keeps its lines in the base');
  });

  it('a deleted file is one change; a binary file is one region over its bytes', () => {
    const gone = regionChanges({ path: 'src/auth.ts', base: { text: TS }, current: null });
    assert.deepEqual(gone.map((c) => `${c.change}:${c.region.kind}:${c.region.name}`), ['deleted:file:auth.ts']);
    const a = Uint8Array.from([0, 1, 2, 3]);
    const b = Uint8Array.from([0, 1, 2, 4]);
    assert.deepEqual(regionChanges({ path: 'keys/prod.p12', base: { binary: a }, current: { binary: a } }), []);
    const changed = regionChanges({ path: 'keys/prod.p12', base: { binary: a }, current: { binary: b } });
    assert.deepEqual(changed.map((c) => `${c.change}:${c.region.kind}`), ['modified:binary']);
  });

  it('Python: functions and methods by indentation; re-indenting keeps fingerprints, moving a line out of a block does not', () => {
    const py = [
      'import hmac',
      '',
      '@app.route("/admin")',
      '@login_required',
      'def admin(request):',
      '    if not request.user.is_staff:',
      '        audit(request)',
      '        return forbidden()',
      '    return render(request)',
      '',
      'class Vault:',
      '    def open(self, key):',
      "        return hmac.compare_digest(key, self.key)",
      '',
    ].join('\n');
    assert.deepEqual(names(regionsOf('app/views.py', py)), [
      'imports:imports@1-1', 'function:admin@3-9', 'class:class Vault@11-11', 'method:Vault.open@12-13',
    ]);
    const twoSpaces = py.replace(/^( {4})+/gm, (m) => '  '.repeat(m.length / 4)).replace(/"/g, "'");
    assert.deepEqual(prints(regionsOf('app/views.py', twoSpaces)), prints(regionsOf('app/views.py', py)));
    // `return forbidden()` dedented out of the `if`: every request is now forbidden. Same tokens, other meaning.
    const dedented = py.replace('        return forbidden()', '    return forbidden()');
    assert.notEqual(prints(regionsOf('app/views.py', dedented))['fn:admin'], prints(regionsOf('app/views.py', py))['fn:admin']);
  });

  it('Go, Java, SQL, YAML and Markdown regions', () => {
    const go = 'package auth\n\nimport "crypto/subtle"\n\ntype Server struct {\n\tkey []byte\n}\n\nfunc (s *Server) Check(token string) bool {\n\treturn subtle.ConstantTimeCompare([]byte(token), s.key) == 1\n}\n\nfunc New() *Server { return &Server{} }\n';
    assert.deepEqual(names(regionsOf('auth/server.go', go)), ['imports:imports@1-3', 'statement:type Server@5-7', 'function:Check@9-11', 'function:New@13-13']);
    const java = 'package a;\n\n@Service\npublic class UserService {\n  @Autowired\n  private UserRepo repo;\n\n  @Transactional\n  public User find(Long id) throws NotFound {\n    return repo.findById(id).orElseThrow();\n  }\n}\n';
    assert.deepEqual(names(regionsOf('src/UserService.java', java)), [
      'imports:imports@1-1', 'class:class UserService@3-12', 'statement:UserService.repo@5-6', 'method:UserService.find@8-11',
    ]);
    const sql = "-- users\nCREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n\nCREATE INDEX users_email ON users (email);\nCREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n";
    assert.deepEqual(names(regionsOf('migrations/001.sql', sql)), ['sql:CREATE TABLE users@2-5', 'sql:CREATE INDEX users_email ON users@7-7', 'sql:CREATE FUNCTION f@8-8']);
    const yaml = 'on: pull_request\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
    assert.deepEqual(names(regionsOf('.github/workflows/ci.yml', yaml)).map((n) => n.split('@')[1]), ['1-1', '2-6']);
    const mdText = '# Title\n\nFirst paragraph\ncontinues.\n\nSecond.\n';
    assert.deepEqual(names(regionsOf('docs/x.md', mdText)).map((n) => n.split('@')[1]), ['1-1', '3-4', '6-6']);
  });

  it('never throws on broken code: unterminated strings, regexes, templates and brackets', () => {
    const broken = ['function a() { return "unterminated', 'const r = /[/;', 'const t = `${a + `nested ${b}`', 'class X { m() { (( }', "it's prose", ''].join('\n');
    for (const p of ['x.ts', 'x.py', 'x.go', 'x.sql', 'x.rb', 'x.yaml', 'x.md', 'x.rs', 'x.unknown']) {
      const rs = regionsOf(p, broken);
      assert.ok(Array.isArray(rs), p);
      for (const r of rs) assert.match(r.fingerprint, /^[0-9a-f]{32}$/);
    }
    assert.deepEqual(regionsOf('empty.ts', ''), []);
  });

  it('gives duplicate names an ordinal, so each region keeps its own key', () => {
    const rs = regionsOf('routes.ts', "app.get('/a', h);\napp.get('/a', h2);\n");
    assert.equal(new Set(rs.map((r) => r.key)).size, 2);
  });
});

describe('labelRegion', () => {
  it('a function of a sensitive file whose own lines read as routine is sensitive, and says it is the file\'s evidence', () => {
    // The file moves stock under a row lock in one transaction; the helper beside it only formats a count.
    const text = [
      "import { pool } from '../db/pool';",
      '',
      'export async function transferStock(fromId: string, toId: string, quantity: number): Promise<void> {',
      '  const client = await pool.connect();',
      '  try {',
      "    await client.query('BEGIN');",
      "    const { rows } = await client.query('SELECT stock FROM warehouses WHERE id = $1 FOR UPDATE', [fromId]);",
      "    if (rows[0].stock < quantity) throw new Error('not enough stock');",
      "    await client.query('UPDATE warehouses SET stock = stock - $1 WHERE id = $2', [quantity, fromId]);",
      "    await client.query('UPDATE warehouses SET stock = stock + $1 WHERE id = $2', [quantity, toId]);",
      "    await client.query('COMMIT');",
      '  } catch (e) {',
      "    await client.query('ROLLBACK');",
      '    throw e;',
      '  } finally {',
      '    client.release();',
      '  }',
      '}',
      '',
      'export function describeQuantity(quantity: number): string {',
      "  if (quantity === 1) return 'one item';",
      '  return `${quantity} items`;',
      '}',
      '',
    ].join('\n');
    const file = 'src/orders/service.ts';
    const region = regionsOf(file, text).find((r) => r.name === 'describeQuantity');
    assert.ok(region, names(regionsOf(file, text)).join(', '));
    const labelled = labelRegion(defaultConfig(), file, { text }, { path: file, change: 'modified' as const, region, from: 'x', to: region.fingerprint });
    assert.equal(labelled.label, 'sensitive');
    assert.match(labelled.why[0], /^in a file labelled sensitive: .*row lock: FOR UPDATE \(line 7\)/);
  });

  it('a routine function in a routine file stays routine', () => {
    const text = 'export interface UserDto { id: string; name: string }\n\nexport function toDto(row: { id: string; name: string }): UserDto {\n  return { id: row.id, name: row.name };\n}\n';
    const region = regionsOf('src/dto/user.ts', text).find((r) => r.name === 'toDto')!;
    const labelled = labelRegion(defaultConfig(), 'src/dto/user.ts', { text }, { path: 'src/dto/user.ts', change: 'modified', region, from: 'x', to: region.fingerprint });
    assert.notEqual(labelled.label, 'sensitive');
  });
});
