/** TypeScript/JavaScript cases for every rule: vulnerable code that must be reported and safe look-alikes that must not. */
export interface RuleCase {
  name: string;
  rule: string;
  /** true: the rule must fire; false: it must not. */
  vulnerable: boolean;
  file?: string;
  code: string;
  /** When vulnerable: text the evidence must contain. */
  evidence?: string;
  fix?: string;
}

const express = `const express = require('express');\nconst router = express.Router();\n`;

export const TS_CASES: RuleCase[] = [
  // sql-injection
  { name: 'concatenated id into mysql query', rule: 'sql-injection', vulnerable: true, evidence: 'connection.query(sql',
    code: `${express}const mysql = require('mysql');\nrouter.get('/u/:id', (req, res) => {\n  const sql = "SELECT * FROM users WHERE id = '" + req.params.id + "'";\n  connection.query(sql, (e, rows) => res.json(rows));\n});` },
  { name: 'template literal with destructured body field (pg)', rule: 'sql-injection', vulnerable: true, evidence: 'pool.query(`SELECT',
    fix: "pool.query('SELECT * FROM users WHERE email = $1', [email])",
    code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function login(req, res) {\n  const { email } = req.body;\n  const r = await pool.query(\`SELECT * FROM users WHERE email = '\${email}'\`);\n  res.json(r.rows);\n}` },
  { name: 'sequelize raw query with interpolation', rule: 'sql-injection', vulnerable: true, evidence: 'sequelize.query(',
    code: `router.post('/login', async (req, res) => {\n  const users = await models.sequelize.query(\`SELECT * FROM Users WHERE email = '\${req.body.email || ''}' AND password = '\${req.body.password}'\`, { model: User });\n  res.json(users);\n});` },
  { name: 'query built with += over several lines', rule: 'sql-injection', vulnerable: true,
    code: `app.get('/search', async (req, res) => {\n  let q = 'SELECT * FROM products WHERE 1=1';\n  q += " AND name LIKE '%" + req.query.q + "%'";\n  const rows = await db.query(q);\n  res.json(rows);\n});` },
  { name: 'DAO method concatenating a parameter (medium)', rule: 'sql-injection', vulnerable: true,
    code: `export class UserDao {\n  async byName(name: string) {\n    return this.db.query("SELECT * FROM users WHERE name = '" + name + "'");\n  }\n}` },
  { name: 'parameterised query built with a template literal of placeholders', rule: 'sql-injection', vulnerable: false,
    code: `app.post('/bulk', async (req, res) => {\n  const ids: number[] = req.body.ids;\n  const placeholders = ids.map((_, i) => \`$\${i + 1}\`).join(', ');\n  const rows = await pool.query(\`SELECT * FROM items WHERE id IN (\${placeholders})\`, ids);\n  res.json(rows);\n});` },
  { name: 'bind parameters with request values', rule: 'sql-injection', vulnerable: false,
    code: `app.get('/u/:id', async (req, res) => {\n  const r = await pool.query('SELECT * FROM users WHERE id = $1', [req.params.id]);\n  res.json(r.rows);\n});` },
  { name: 'tagged template sql``', rule: 'sql-injection', vulnerable: false,
    code: `app.get('/u', async (req, res) => {\n  const rows = await sql\`SELECT * FROM users WHERE name = \${req.query.name}\`;\n  res.json(rows);\n});` },
  { name: 'numeric conversion before concatenation', rule: 'sql-injection', vulnerable: false,
    code: `app.get('/u/:id', async (req, res) => {\n  const id = parseInt(req.params.id, 10);\n  const r = await db.query('SELECT * FROM users WHERE id = ' + id);\n  res.json(r);\n});` },
  { name: 'constant table name interpolated', rule: 'sql-injection', vulnerable: false,
    code: `const TABLE = 'users';\nexport async function all() {\n  return db.query(\`SELECT * FROM \${TABLE}\`);\n}` },

  // nosql-injection
  { name: 'login with body fields straight into findOne', rule: 'nosql-injection', vulnerable: true, evidence: 'password',
    code: `router.post('/login', async (req, res) => {\n  const { username, password } = req.body;\n  const user = await User.findOne({ username, password });\n  res.json(user);\n});` },
  { name: '$where built from input', rule: 'nosql-injection', vulnerable: true, evidence: '$where',
    code: `router.get('/find', async (req, res) => {\n  const r = await db.collection('allocations').find({ $where: \`this.userId == \${req.query.threshold}\` }).toArray();\n  res.json(r);\n});` },
  { name: 'whole query object as filter', rule: 'nosql-injection', vulnerable: true,
    code: `router.get('/items', async (req, res) => {\n  res.json(await Item.find(req.query));\n});` },
  { name: 'values forced to strings', rule: 'nosql-injection', vulnerable: false,
    code: `router.post('/login', async (req, res) => {\n  const user = await User.findOne({ username: String(req.body.username), password: String(req.body.password) });\n  res.json(user);\n});` },
  { name: 'sequelize where (no operator parsing from strings)', rule: 'nosql-injection', vulnerable: false,
    code: `router.post('/login', async (req, res) => {\n  const user = await User.findOne({ where: { email: req.body.email } });\n  res.json(user);\n});` },
  { name: 'route params are strings', rule: 'nosql-injection', vulnerable: false,
    code: `router.get('/u/:name', async (req, res) => {\n  res.json(await User.findOne({ name: req.params.name, owner: req.user.id }));\n});` },

  // idor
  { name: 'findById by route id without ownership', rule: 'idor', vulnerable: true, evidence: 'Invoice.findById',
    code: `router.get('/invoices/:id', requireLogin, async (req, res) => {\n  const inv = await Invoice.findById(req.params.id);\n  res.json(inv);\n});` },
  { name: 'prisma delete by body id', rule: 'idor', vulnerable: true,
    code: `export async function DELETE(request: Request) {\n  const { id } = await request.json();\n  await prisma.note.delete({ where: { id } });\n  return Response.json({ ok: true });\n}` },
  { name: 'Nest controller with @Param id', rule: 'idor', vulnerable: true,
    code: `@Controller('orders')\nexport class OrdersController {\n  @Get(':id')\n  findOne(@Param('id') id: string) {\n    return this.orderRepository.findOne({ where: { id } });\n  }\n}` },
  { name: 'data-access function by route id without ownership', rule: 'idor', vulnerable: true, evidence: 'findOrderById(req.params.id)',
    code: `router.get('/orders/:id', async (req, res) => {\n  const order = await findOrderById(req.params.id);\n  res.json(order);\n});` },
  { name: 'data-access function scoped to the signed-in user', rule: 'idor', vulnerable: false,
    code: `router.get('/orders/:id', async (req, res) => {\n  const order = await findOrderByIdForUser(req.params.id, req.user.id);\n  res.json(order);\n});` },
  { name: 'query scoped to the signed-in user', rule: 'idor', vulnerable: false,
    code: `router.get('/invoices/:id', async (req, res) => {\n  const inv = await Invoice.findOne({ _id: req.params.id, owner: req.user.id });\n  res.json(inv);\n});` },
  { name: 'ownership compared after lookup', rule: 'idor', vulnerable: false,
    code: `router.get('/invoices/:id', async (req, res) => {\n  const inv = await Invoice.findById(req.params.id);\n  if (!inv || inv.userId !== req.user.id) return res.sendStatus(404);\n  res.json(inv);\n});` },
  { name: 'route guarded by an authorization middleware', rule: 'idor', vulnerable: false,
    code: `router.delete('/users/:id', authorize('admin'), async (req, res) => {\n  await User.destroy({ where: { id: req.params.id } });\n  res.sendStatus(204);\n});` },

  // hardcoded-secret
  { name: 'JWT secret literal', rule: 'hardcoded-secret', vulnerable: true, evidence: "'s3cr3t-signing-key-2024'", fix: 'process.env.JWT_SECRET',
    code: `const jwtSecret = 's3cr3t-signing-key-2024';\nexport const sign = (p) => jwt.sign(p, jwtSecret);` },
  { name: 'fallback secret when env is missing', rule: 'hardcoded-secret', vulnerable: true,
    code: `const secret = process.env.SESSION_SECRET || 'keyboard cat';\napp.use(session({ secret }));` },
  { name: 'session config secret', rule: 'hardcoded-secret', vulnerable: true,
    code: `app.use(session({ secret: 'session_cookie_secret_key_here', resave: false }));` },
  { name: 'AWS key in a string', rule: 'hardcoded-secret', vulnerable: true,
    code: `const s3 = new S3({ accessKeyId: 'AKIA2E0A8F3B244C9986', region: 'eu-west-1' });` },
  { name: 'private key block', rule: 'hardcoded-secret', vulnerable: true,
    code: 'const privateKey = `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`;' },
  { name: 'literal JWT signing key passed to jwt.sign', rule: 'hardcoded-secret', vulnerable: true, evidence: "'shhh-very-secret'",
    code: `const jwt = require('jsonwebtoken');\nexport const issue = (user) => jwt.sign({ sub: user.id }, 'shhh-very-secret', { algorithm: 'HS256' });` },
  { name: 'fallback signing key inline in jwt.sign', rule: 'hardcoded-secret', vulnerable: true, evidence: "'dev-secret-123'",
    code: `import jwt from 'jsonwebtoken';\nexport const issue = (id) => jwt.sign({ sub: id }, process.env.JWT_SECRET || 'dev-secret-123');` },
  { name: 'secret from the environment', rule: 'hardcoded-secret', vulnerable: false,
    code: `const jwtSecret = process.env.JWT_SECRET;\nconst apiKey = config.get('API_KEY');` },
  { name: 'labels and field names are not secrets', rule: 'hardcoded-secret', vulnerable: false,
    code: `const passwordLabel = 'Enter your password';\nconst tokenType = 'Bearer';\nconst password = '';\nconst fields = { password: 'Your password here please' };\nconst passwordField = 'password_hash';` },
  { name: 'fixtures in tests are ignored', rule: 'hardcoded-secret', vulnerable: false, file: 'test/auth.test.ts',
    code: `const password = 'correct-horse-battery';` },

  // weak-password-hash
  { name: 'md5 of a password', rule: 'weak-password-hash', vulnerable: true,
    code: `import crypto from 'crypto';\nexport function save(user, password) {\n  user.hash = crypto.createHash('md5').update(password).digest('hex');\n}` },
  { name: 'sha256 inside hashPassword(p)', rule: 'weak-password-hash', vulnerable: true,
    code: `const crypto = require('crypto');\nfunction hashPassword(p) {\n  return crypto.createHash('sha256').update(p).digest('hex');\n}` },
  { name: 'sha1 of a file body (not a password)', rule: 'weak-password-hash', vulnerable: false,
    code: `const crypto = require('crypto');\nconst etag = crypto.createHash('sha1').update(body).digest('base64');\nconst key = crypto.createHash('md5').update(url).digest('hex');` },
  { name: 'sha256 of a reset token', rule: 'weak-password-hash', vulnerable: false,
    code: `const crypto = require('crypto');\nconst stored = crypto.createHash('sha256').update(passwordResetToken).digest('hex');` },

  // weak-cipher
  { name: 'createCipher', rule: 'weak-cipher', vulnerable: true,
    code: `const crypto = require('crypto');\nconst c = crypto.createCipher('aes-256-cbc', key);` },
  { name: 'ECB mode', rule: 'weak-cipher', vulnerable: true,
    code: `const crypto = require('crypto');\nconst c = crypto.createCipheriv('aes-128-ecb', key, null);` },
  { name: 'AES-GCM with IV', rule: 'weak-cipher', vulnerable: false,
    code: `const crypto = require('crypto');\nconst c = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));` },

  // insecure-random
  { name: 'Math.random reset token', rule: 'insecure-random', vulnerable: true,
    code: `export function createResetToken() {\n  return { value: Math.random().toString(36).slice(2) };\n}\nconst resetToken = Math.random().toString(36);` },
  { name: 'Math.random for jitter', rule: 'insecure-random', vulnerable: false,
    code: `const delay = 100 + Math.random() * 50;\nconst color = colors[Math.floor(Math.random() * colors.length)];` },

  // jwt-unsafe-verify
  { name: 'verify with a public key and no algorithms (algorithm confusion)', rule: 'jwt-unsafe-verify', vulnerable: true, fix: "jwt.verify(token, publicKey, { algorithms: ['RS256'] })",
    code: `const jwt = require('jsonwebtoken');\nconst publicKey = fs.readFileSync('jwt.pub');\nexport const check = (token) => jwt.verify(token, publicKey);` },
  { name: 'verify with a string secret and no algorithms (only HS* can verify)', rule: 'jwt-unsafe-verify', vulnerable: false,
    code: `const jwt = require('jsonwebtoken');\nexport const check = (token) => jwt.verify(token, process.env.JWT_SECRET);` },
  { name: "algorithms include 'none'", rule: 'jwt-unsafe-verify', vulnerable: true,
    code: `import jwt from 'jsonwebtoken';\nexport const check = (t) => jwt.verify(t, key, { algorithms: ['HS256', 'none'] });` },
  { name: 'decode used as verification', rule: 'jwt-unsafe-verify', vulnerable: true,
    code: `import jwt from 'jsonwebtoken';\nexport function userFrom(req) {\n  const claims = jwt.decode(req.headers.authorization.slice(7));\n  return claims.sub;\n}` },
  { name: 'verify with pinned algorithms', rule: 'jwt-unsafe-verify', vulnerable: false,
    code: `import jwt from 'jsonwebtoken';\nexport const check = (t) => jwt.verify(t, key, { algorithms: ['RS256'], audience: 'api' });\nexport const peek = (t) => jwt.decode(t);` },

  // code-injection / command-injection / unsafe-deserialization
  { name: 'eval of body', rule: 'code-injection', vulnerable: true,
    code: `app.post('/calc', (req, res) => {\n  const result = eval(req.body.expression);\n  res.json({ result });\n});` },
  { name: 'new Function from query', rule: 'code-injection', vulnerable: true,
    code: `app.get('/f', (req, res) => {\n  const fn = new Function('x', req.query.body);\n  res.json(fn(1));\n});` },
  { name: 'eval of a constant / JSON.parse of input', rule: 'code-injection', vulnerable: false,
    code: `app.post('/calc', (req, res) => {\n  const data = JSON.parse(req.body.payload);\n  const two = eval('1 + 1');\n  res.json({ data, two });\n});` },
  { name: 'exec with query string', rule: 'command-injection', vulnerable: true,
    code: `const { exec } = require('child_process');\napp.get('/ping', (req, res) => {\n  exec('ping -c 1 ' + req.query.host, (e, out) => res.send(out));\n});` },
  { name: 'execFile with argument array', rule: 'command-injection', vulnerable: false,
    code: `const { execFile } = require('child_process');\napp.get('/ping', (req, res) => {\n  execFile('ping', ['-c', '1', req.query.host], (e, out) => res.send(out));\n});` },
  { name: 'node-serialize on a cookie', rule: 'unsafe-deserialization', vulnerable: true,
    code: `const serialize = require('node-serialize');\napp.get('/', (req, res) => {\n  const profile = serialize.unserialize(Buffer.from(req.cookies.profile, 'base64').toString());\n  res.send(profile.username);\n});` },
  { name: 'JSON.parse of a cookie', rule: 'unsafe-deserialization', vulnerable: false,
    code: `app.get('/', (req, res) => {\n  const profile = JSON.parse(Buffer.from(req.cookies.profile, 'base64').toString());\n  res.send(profile.username);\n});` },

  // path-traversal
  { name: 'path.join with query file name', rule: 'path-traversal', vulnerable: true,
    code: `const fs = require('fs');\nconst path = require('path');\napp.get('/files', (req, res) => {\n  const p = path.join(__dirname, 'uploads', req.query.name);\n  fs.readFile(p, (e, d) => res.send(d));\n});` },
  { name: 'res.sendFile of a param', rule: 'path-traversal', vulnerable: true,
    code: `app.get('/download/:file', (req, res) => {\n  res.sendFile(__dirname + '/files/' + req.params.file);\n});` },
  { name: 'prefix check on raw input is not containment', rule: 'path-traversal', vulnerable: true,
    code: `const fs = require('fs');\napp.get('/f', (req, res) => {\n  const file = req.query.file;\n  if (!file.startsWith('/srv/public/')) return res.sendStatus(403);\n  fs.createReadStream(file).pipe(res);\n});` },
  { name: 'path.join after a containment check', rule: 'path-traversal', vulnerable: false,
    code: `const fs = require('fs');\nconst path = require('path');\nconst ROOT = path.resolve('uploads');\napp.get('/files', (req, res) => {\n  const full = path.resolve(ROOT, req.query.name);\n  if (!full.startsWith(ROOT + path.sep)) return res.sendStatus(403);\n  fs.readFile(full, (e, d) => res.send(d));\n});` },
  { name: 'basename and sendFile with root', rule: 'path-traversal', vulnerable: false,
    code: `const fs = require('fs');\nconst path = require('path');\napp.get('/files', (req, res) => {\n  fs.readFile(path.join('uploads', path.basename(req.query.name)), (e, d) => res.send(d));\n  res.sendFile(req.query.name, { root: 'public' });\n});` },

  // ssrf
  { name: 'axios on a client URL', rule: 'ssrf', vulnerable: true,
    code: `import axios from 'axios';\napp.post('/preview', async (req, res) => {\n  const { url } = req.body;\n  const r = await axios.get(url);\n  res.send(r.data);\n});` },
  { name: 'fetch with a host from the query', rule: 'ssrf', vulnerable: true,
    code: `app.get('/proxy', async (req, res) => {\n  const r = await fetch(\`http://\${req.query.host}/status\`);\n  res.send(await r.text());\n});` },
  { name: 'fixed origin with a client path segment', rule: 'ssrf', vulnerable: false,
    code: `app.get('/repo/:name', async (req, res) => {\n  const r = await fetch(\`https://api.github.com/repos/\${encodeURIComponent(req.params.name)}\`);\n  res.send(await r.text());\n});` },
  { name: 'host checked against an allow-list', rule: 'ssrf', vulnerable: false,
    code: `const ALLOWED = new Set(['images.example.com']);\napp.get('/img', async (req, res) => {\n  const u = new URL(req.query.src);\n  if (!ALLOWED.has(u.hostname)) return res.sendStatus(400);\n  const r = await fetch(u);\n  res.send(Buffer.from(await r.arrayBuffer()));\n});` },

  // open-redirect
  { name: 'redirect to ?next', rule: 'open-redirect', vulnerable: true,
    code: `app.get('/login/done', (req, res) => {\n  res.redirect(req.query.next);\n});` },
  { name: 'redirect to a local path with an id', rule: 'open-redirect', vulnerable: false,
    code: `app.post('/orders', (req, res) => {\n  res.redirect('/orders/' + req.body.id);\n  res.redirect(302, \`/users/\${req.params.user}\`);\n});` },
  { name: 'redirect after a local-path check', rule: 'open-redirect', vulnerable: false,
    code: `app.get('/done', (req, res) => {\n  const next = String(req.query.next || '/');\n  if (!next.startsWith('/') || next.startsWith('//')) return res.redirect('/');\n  res.redirect(next);\n});` },

  // xxe
  { name: 'libxmljs noent true', rule: 'xxe', vulnerable: true, fix: 'noent: false',
    code: `const libxmljs = require('libxmljs');\napp.post('/import', (req, res) => {\n  const doc = libxmljs.parseXmlString(req.body.xml, { noent: true, noblanks: true });\n  res.send(doc.root().name());\n});` },
  { name: 'libxmljs default options', rule: 'xxe', vulnerable: false,
    code: `const libxmljs = require('libxmljs');\napp.post('/import', (req, res) => {\n  const doc = libxmljs.parseXmlString(req.body.xml, { noblanks: true });\n  res.send(doc.root().name());\n});` },

  // zip-slip
  { name: 'adm-zip entries written by name', rule: 'zip-slip', vulnerable: true,
    code: `const AdmZip = require('adm-zip');\nconst fs = require('fs');\nconst path = require('path');\nexport function unpack(file, dest) {\n  const zip = new AdmZip(file);\n  for (const entry of zip.getEntries()) {\n    fs.writeFileSync(path.join(dest, entry.entryName), entry.getData());\n  }\n}` },
  { name: 'unzipper entry stream', rule: 'zip-slip', vulnerable: true,
    code: `const unzipper = require('unzipper');\nconst fs = require('fs');\nexport function unpack(stream, dest) {\n  stream.pipe(unzipper.Parse()).on('entry', (entry) => {\n    entry.pipe(fs.createWriteStream(dest + '/' + entry.path));\n  });\n}` },
  { name: 'entries checked to stay inside the target', rule: 'zip-slip', vulnerable: false,
    code: `const AdmZip = require('adm-zip');\nconst fs = require('fs');\nconst path = require('path');\nexport function unpack(file, dest) {\n  const root = path.resolve(dest);\n  for (const entry of new AdmZip(file).getEntries()) {\n    const target = path.resolve(root, entry.entryName);\n    if (!target.startsWith(root + path.sep)) throw new Error('bad entry');\n    fs.writeFileSync(target, entry.getData());\n  }\n}` },

  // mass-assignment
  { name: 'create with req.body', rule: 'mass-assignment', vulnerable: true,
    code: `router.post('/users', async (req, res) => {\n  const user = await User.create(req.body);\n  res.json(user);\n});` },
  { name: 'findByIdAndUpdate with a copy of the body', rule: 'mass-assignment', vulnerable: true,
    code: `router.put('/users/:id', async (req, res) => {\n  const data = { ...req.body };\n  await User.findByIdAndUpdate(req.user.id, data);\n  res.sendStatus(204);\n});` },
  { name: 'prisma create data: body', rule: 'mass-assignment', vulnerable: true,
    code: `export async function POST(request: Request) {\n  const body = await request.json();\n  const u = await prisma.user.create({ data: body });\n  return Response.json(u);\n}` },
  { name: 'picked fields only', rule: 'mass-assignment', vulnerable: false,
    code: `router.post('/users', async (req, res) => {\n  const { name, email } = req.body;\n  const user = await User.create({ name, email });\n  res.json(user);\n});` },
  { name: 'schema-validated body', rule: 'mass-assignment', vulnerable: false,
    code: `router.post('/users', async (req, res) => {\n  const input = CreateUser.parse(req.body);\n  res.json(await User.create(input));\n});` },

  // missing-transaction
  { name: 'two writes without a transaction', rule: 'missing-transaction', vulnerable: true,
    code: `export async function transfer(from, to, amount) {\n  await Account.decrement('balance', { by: amount, where: { id: from } });\n  await Account.increment('balance', { by: amount, where: { id: to } });\n}` },
  { name: 'writes inside prisma.$transaction', rule: 'missing-transaction', vulnerable: false,
    code: `export async function transfer(from, to, amount) {\n  await prisma.$transaction(async (tx) => {\n    await tx.account.update({ where: { id: from }, data: { balance: { decrement: amount } } });\n    await tx.account.update({ where: { id: to }, data: { balance: { increment: amount } } });\n  });\n}` },
  { name: 'one write and a read', rule: 'missing-transaction', vulnerable: false,
    code: `export async function rename(id, name) {\n  const u = await User.findByPk(id);\n  await User.update({ name }, { where: { id } });\n  return u;\n}` },

  // n-plus-one
  { name: 'query per element in for-of', rule: 'n-plus-one', vulnerable: true,
    code: `export async function withAuthors(posts) {\n  for (const p of posts) {\n    p.author = await User.findByPk(p.authorId);\n  }\n  return posts;\n}` },
  { name: 'query per element in Promise.all(map)', rule: 'n-plus-one', vulnerable: true,
    code: `export async function withAuthors(posts) {\n  return Promise.all(posts.map(async (p) => ({ ...p, author: await prisma.user.findUnique({ where: { id: p.authorId } }) })));\n}` },
  { name: 'one query with IN', rule: 'n-plus-one', vulnerable: false,
    code: `export async function withAuthors(posts) {\n  const users = await User.findAll({ where: { id: posts.map((p) => p.authorId) } });\n  const byId = new Map(users.map((u) => [u.id, u]));\n  return posts.map((p) => ({ ...p, author: byId.get(p.authorId) }));\n}` },
  { name: 'loop over a constant list of tables', rule: 'n-plus-one', vulnerable: false,
    code: `export async function truncateAll() {\n  for (const t of ['a', 'b']) {\n    await db.query('TRUNCATE ' + t);\n  }\n}` },

  // migrations in a TS migration file
  { name: 'TypeORM migration adding an index', rule: 'migration-index-not-concurrent', vulnerable: true, file: 'src/migrations/1700000000000-AddEmailIndex.ts',
    code: `export class AddEmailIndex1700000000000 {\n  async up(queryRunner) {\n    await queryRunner.query(\`CREATE INDEX "IDX_email" ON "users" ("email")\`);\n  }\n  async down(queryRunner) {\n    await queryRunner.query(\`DROP INDEX "IDX_email"\`);\n  }\n}` },
  { name: 'knex alterTable adding a NOT NULL column without default', rule: 'migration-not-null-without-default', vulnerable: true, file: 'db/migrations/20240102_add_plan.js',
    code: `exports.up = (knex) => knex.schema.alterTable('accounts', (table) => {\n  table.string('plan', 20).notNullable();\n});\nexports.down = (knex) => knex.schema.alterTable('accounts', (table) => table.dropColumn('plan'));` },
  { name: 'knex createTable with NOT NULL columns', rule: 'migration-not-null-without-default', vulnerable: false, file: 'db/migrations/20240101_accounts.js',
    code: `exports.up = (knex) => knex.schema.createTable('accounts', (table) => {\n  table.increments('id');\n  table.string('plan', 20).notNullable();\n});` },
  { name: 'knex dropColumn on an existing table', rule: 'migration-drop-column', vulnerable: true, file: 'db/migrations/20240103_drop_legacy.js',
    code: `exports.up = (knex) => knex.schema.alterTable('accounts', (table) => {\n  table.dropColumn('legacy_code');\n});` },
  { name: 'knex down migration dropping the column it added', rule: 'migration-drop-column', vulnerable: false, file: 'db/migrations/20240101_add_nick.js',
    code: `exports.up = function (knex) {\n  return knex.raw('ALTER TABLE users ADD COLUMN nick text');\n};\nexports.down = function (knex) {\n  return knex.raw('ALTER TABLE users DROP COLUMN nick');\n};` },
];
