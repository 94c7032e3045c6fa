/**
 * Go rules over a tree-sitter syntax tree: net/http, gin, echo, fiber and chi/mux handlers; database/sql,
 * sqlx and gorm; os/exec; file access; outbound HTTP; redirects; crypto; JWT (golang-jwt). Same taint
 * model as the other analyzers: request data, or a string parameter of unknown origin (SQL only).
 */
import type { Node } from 'web-tree-sitter';
import type { RuleHit } from '../hits';
import { isSecretName, isSecretValue, isTestPath, matchTokenPattern } from '../secrets';
import { looksLikeSql, parameterize } from '../sql-text';
import { Scope, union, type Taint } from '../taint';
import { parserFor } from '../treesitter';

/** A Go value's taint: Go has no request objects parsed into maps here, so raw/whole never apply. */
function taint(origin: 'request' | 'param', source: string, built = false): Taint {
  return { origin, source, built, raw: false, whole: false, normalized: false };
}

interface Cx {
  path: string;
  text: string;
  hits: RuleHit[];
  imports: Set<string>;
  isTest: boolean;
}

/** Methods of request objects (net/http Request, gin/echo/fiber contexts) that return client data. */
const REQUEST_METHODS = new Set(['FormValue', 'PostFormValue', 'Get', 'Query', 'Param', 'Params', 'PostForm', 'DefaultQuery', 'DefaultPostForm',
  'GetHeader', 'QueryParam', 'QueryParams', 'Cookie', 'GetQuery', 'GetPostForm', 'FormFile', 'Body', 'BodyParser', 'QueryArray']);
const REQUEST_FIELDS = new Set(['URL', 'Form', 'PostForm', 'Header', 'Body', 'RequestURI', 'Host', 'MultipartForm']);
const SANITIZERS = new Set(['Atoi', 'ParseInt', 'ParseUint', 'ParseFloat', 'ParseBool', 'Base', 'QueryEscape', 'PathEscape', 'EscapeString',
  'Quote', 'QuoteIdentifier', 'Parse' /* uuid.Parse */, 'MustParse', 'Len', 'Contains', 'HasPrefix', 'HasSuffix', 'EqualFold']);
const SQL_METHODS = new Set(['Query', 'QueryRow', 'Exec', 'QueryContext', 'QueryRowContext', 'ExecContext', 'Prepare', 'PrepareContext',
  'Get', 'Select', 'Queryx', 'QueryRowx', 'NamedExec', 'Raw', 'Where', 'Order', 'MustExec']);
const PASSWORD_NAME = /pass(?:word|wd)?$|^pwd$|Pwd$/i;
const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|apikey|api_key|verification|code$|Code$|key$|Key$/i;

export async function analyzeGo(path: string, source: string): Promise<RuleHit[]> {
  const parser = await parserFor('go');
  const tree = parser.parse(source);
  if (!tree) throw new Error('the Go parser returned no tree');
  try {
    const root = tree.rootNode;
    const imports = new Set<string>();
    for (const spec of root.descendantsOfType('import_spec')) {
      const p = spec?.childForFieldName('path');
      if (p) imports.add(p.text.replace(/^"|"$/g, ''));
    }
    const cx: Cx = { path, text: source, hits: [], imports, isTest: isTestPath(path) || path.endsWith('_test.go') };
    walk(root, new Scope(), '', cx);
    return cx.hits;
  } finally {
    tree.delete();
  }
}

const markAllow = (sc: Scope, name: string): void => sc.markChecked(name, 'allow');
const isAllowChecked = (sc: Scope, name: string): boolean => !!sc.checkedAs(name);
const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => !!c);
const field = (n: Node, f: string): Node | null => n.childForFieldName(f);

function hit(cx: Cx, node: Node, h: Omit<RuleHit, 'start' | 'end'>): void {
  cx.hits.push({ ...h, start: node.startIndex, end: node.endIndex });
}

function describe(t: Taint): string {
  return t.origin === 'request' ? `request data (${t.source})` : `${t.source}, whose callers decide its value`;
}

function stringValue(n: Node): string | null {
  if (n.type === 'interpreted_string_literal') return named(n).map((c) => c.text).join('');
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1);
  return null;
}

function calleeParts(call: Node): { recv: Node | null; name: string; full: string } {
  const f = field(call, 'function');
  if (!f) return { recv: null, name: '', full: '' };
  if (f.type === 'selector_expression') return { recv: field(f, 'operand'), name: field(f, 'field')?.text ?? '', full: f.text.replace(/\s+/g, '') };
  return { recv: null, name: f.text, full: f.text };
}

function argsOf(call: Node): Node[] {
  const a = field(call, 'arguments');
  return a ? named(a) : [];
}

function isRequestExpr(n: Node | null, sc: Scope): boolean {
  if (!n) return false;
  if (n.type === 'identifier') return sc.isRequestName(n.text);
  if (n.type === 'selector_expression') return isRequestExpr(field(n, 'operand'), sc);
  if (n.type === 'call_expression') {
    const { recv } = calleeParts(n);
    return isRequestExpr(recv, sc);
  }
  return false;
}

function taintOf(n: Node | null, sc: Scope): Taint | undefined {
  if (!n) return undefined;
  switch (n.type) {
    case 'identifier':
      return sc.lookup(n.text);
    case 'parenthesized_expression':
      return taintOf(named(n)[0] ?? null, sc);
    case 'selector_expression': {
      const operand = field(n, 'operand');
      if (operand?.type === 'identifier' && sc.isRequestName(operand.text) && REQUEST_FIELDS.has(field(n, 'field')?.text ?? '')) {
        return taint('request', n.text);
      }
      return taintOf(operand, sc);
    }
    case 'index_expression': {
      const operand = field(n, 'operand');
      return taintOf(operand, sc) && { ...taintOf(operand, sc)!, source: taintOf(operand, sc)!.origin === 'request' ? n.text : taintOf(operand, sc)!.source };
    }
    case 'binary_expression': {
      const op = n.children.find((c) => c && !c.isNamed)?.type;
      if (op !== '+') return undefined;
      const t = union(taintOf(field(n, 'left'), sc), taintOf(field(n, 'right'), sc));
      return t && { ...t, built: true };
    }
    case 'call_expression': {
      const { recv, name, full } = calleeParts(n);
      const args = argsOf(n);
      if (recv && isRequestExpr(recv, sc) && REQUEST_METHODS.has(name)) return taint('request', n.text);
      if (full === 'mux.Vars' || full === 'chi.URLParam' || full === 'chi.URLParamFromCtx') return taint('request', n.text);
      if (SANITIZERS.has(name)) return undefined;
      if (/^(?:fmt\.Sprintf|fmt\.Sprint|fmt\.Sprintln|strings\.Join|strings\.Replace|strings\.ReplaceAll|strings\.TrimSpace|strings\.ToLower|strings\.ToUpper|strings\.Trim|filepath\.Join|path\.Join|filepath\.Clean|path\.Clean|filepath\.Abs|string|\[\]byte)$/.test(full)) {
        let t: Taint | undefined;
        for (const a of args) t = union(t, taintOf(a, sc));
        return t && { ...t, built: t.built || /Sprint|Join/.test(full) };
      }
      if (recv) {
        const t = taintOf(recv, sc);
        if (t && !/^(?:Len|Contains|HasPrefix|HasSuffix)$/.test(name)) return t;
      }
      return undefined;
    }
    case 'type_conversion_expression':
      return taintOf(field(n, 'operand'), sc);
    default:
      return undefined;
  }
}

function bind(left: Node, right: Node | null, sc: Scope, rightCount: number): void {
  const targets = left.type === 'expression_list' ? named(left) : [left];
  const t = right ? taintOf(right, sc) : undefined;
  targets.forEach((target, i) => {
    if (target.type !== 'identifier' || target.text === '_') return;
    // n, err := strconv.Atoi(x): only the first result carries the value; err never does.
    if (rightCount === 1 && targets.length > 1 && i > 0) {
      sc.vars.set(target.text, null);
      return;
    }
    sc.vars.set(target.text, t ?? null);
  });
}

function walk(n: Node, sc: Scope, fnName: string, cx: Cx): void {
  switch (n.type) {
    case 'function_declaration':
    case 'method_declaration':
    case 'func_literal': {
      const inner = new Scope(sc);
      const params = field(n, 'parameters');
      const name = field(n, 'name')?.text ?? fnName;
      let handler = false;
      for (const p of params ? named(params) : []) {
        const type = field(p, 'type')?.text ?? '';
        const names = p.childrenForFieldName('name').filter((x): x is Node => !!x).map((x) => x.text);
        if (/\*http\.Request|\*gin\.Context|echo\.Context|\*fiber\.Ctx|\*fasthttp\.RequestCtx/.test(type)) {
          for (const nm of names) inner.requestNames.add(nm);
          handler = true;
        } else if (n.type !== 'func_literal' && /^string$/.test(type)) {
          for (const nm of names) inner.vars.set(nm, taint('param', `parameter ${nm}`));
        } else for (const nm of names) inner.vars.set(nm, null);
      }
      void handler;
      const body = field(n, 'body');
      if (body) walk(body, inner, name, cx);
      return;
    }
    case 'short_var_declaration':
    case 'assignment_statement': {
      const right = field(n, 'right');
      if (right) walk(right, sc, fnName, cx);
      const left = field(n, 'left');
      const rights = right ? (right.type === 'expression_list' ? named(right) : [right]) : [];
      if (left) {
        const op = n.children.find((c) => c && !c.isNamed && /=/.test(c.type))?.type;
        if (op === '+=' && left.type === 'expression_list' && named(left)[0]?.type === 'identifier') {
          const name = named(left)[0].text;
          const t = union(sc.lookup(name), rights[0] ? taintOf(rights[0], sc) : undefined);
          sc.vars.set(name, t ? { ...t, built: true } : null);
        } else if (rights.length === 1) bind(left, rights[0], sc, 1);
        else named(left).forEach((l, i) => bind(l, rights[i] ?? null, sc, rights.length));
        for (const r of rights) checkSecret(left.text, r, cx);
        checkRandom(left.text, rights, fnName, cx);
      }
      return;
    }
    case 'var_spec':
    case 'const_spec': {
      const value = field(n, 'value');
      if (value) walk(value, sc, fnName, cx);
      const names = n.childrenForFieldName('name').filter((x): x is Node => !!x);
      const values = value ? named(value) : [];
      names.forEach((nm, i) => {
        const v = values[i] ?? null;
        sc.vars.set(nm.text, v ? taintOf(v, sc) ?? null : null);
        if (v) checkSecret(nm.text, v, cx);
      });
      checkRandom(names.map((x) => x.text).join(','), values, fnName, cx);
      return;
    }
    case 'keyed_element': {
      const parts = named(n);
      if (parts.length === 2) checkSecret(parts[0].text.replace(/^"|"$/g, ''), parts[1].type === 'literal_element' ? named(parts[1])[0] ?? parts[1] : parts[1], cx);
      break;
    }
    case 'call_expression':
      for (const c of named(n)) walk(c, sc, fnName, cx);
      checkCall(n, sc, fnName, cx);
      return;
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      checkToken(n, cx);
      return;
    case 'return_statement':
      checkRandom(fnName, named(n), fnName, cx);
      break;
  }
  for (const c of named(n)) walk(c, sc, fnName, cx);
}

function sqlTextOf(n: Node, sc: Scope): string {
  if (n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal') return stringValue(n) ?? '';
  if (n.type === 'binary_expression') return `${sqlTextOf(field(n, 'left')!, sc)} x ${sqlTextOf(field(n, 'right')!, sc)}`;
  if (n.type === 'call_expression') return argsOf(n).map((a) => sqlTextOf(a, sc)).join(' ');
  if (n.type === 'identifier') {
    // What the variable was built from earlier in the function.
    let fn: Node | null = n.parent;
    while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') fn = fn.parent;
    if (!fn) return '';
    const out: string[] = [];
    for (const d of fn.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
      if (!d || d.startIndex >= n.startIndex) continue;
      const left = field(d, 'left') ?? field(d, 'name');
      const right = field(d, 'right') ?? field(d, 'value');
      if (left && right && named(left.type === 'expression_list' ? left : d).some((x) => x.text === n.text)) {
        for (const r of right.type === 'expression_list' ? named(right) : [right]) if (r.type !== 'identifier') out.push(sqlTextOf(r, sc));
      }
    }
    return out.join(' ');
  }
  return '';
}

function checkCall(call: Node, sc: Scope, fnName: string, cx: Cx): void {
  const { recv, name, full } = calleeParts(call);
  const args = argsOf(call);

  // Checks: strings.HasPrefix(p, root) after Clean/Abs, strings.Contains(p, ".."), allow-list lookups.
  if (/^strings\.(?:HasPrefix|Contains)$/.test(full) && args[0]) for (const id of args[0].descendantsOfType('identifier')) if (id) markAllow(sc, id.text);
  if (args[0]?.type === 'identifier' && /allow|valid|safe|trusted|whitelist/i.test(name)) markAllow(sc, args[0].text);
  if (/^filepath\.Rel$/.test(full) && args[1]?.type === 'identifier') markAllow(sc, args[1].text);

  // SQL
  if (recv && SQL_METHODS.has(name)) {
    const q = /Context$/.test(name) ? args[1] : args[0];
    const t = q ? taintOf(q, sc) : undefined;
    if (q && t && (t.built || t.origin === 'request') && (looksLikeSql(sqlTextOf(q, sc)) || (t.origin === 'request' && name !== 'Get'))) {
      const fromRequest = t.origin === 'request';
      hit(cx, call, { ruleId: 'sql-injection', severity: fromRequest ? 'critical' : 'medium', confidence: fromRequest ? 0.9 : 0.5,
        title: fromRequest ? 'SQL built from request data' : 'SQL built by formatting from a function parameter',
        explanation: `The SQL passed to ${name}() is built from ${describe(t)} with fmt.Sprintf or concatenation. A quote in the value changes the statement. ` +
          'Keep the SQL constant and pass values as arguments: db.Query("… WHERE id = $1", id).',
        fix: q && args.length === (/Context$/.test(name) ? 2 : 1) ? goSqlFix(call, q, cx) : null });
    }
  }

  // Command injection
  if (full === 'exec.Command' || full === 'exec.CommandContext') {
    const rest = full === 'exec.CommandContext' ? args.slice(1) : args;
    const shell = rest[0] && /^"(?:sh|bash|\/bin\/sh|\/bin\/bash|cmd|cmd\.exe|powershell)"$/.test(rest[0].text) && rest.some((a) => /^"(?:-c|\/c|\/C|-Command)"$/.test(a.text));
    const tainted = (shell ? rest.slice(1) : rest.slice(0, 1)).map((a) => taintOf(a, sc)).find((x) => x?.origin === 'request');
    if (tainted) {
      hit(cx, call, { ruleId: 'command-injection', confidence: 0.85,
        explanation: `${full}() runs ${shell ? 'a shell command' : 'a program'} chosen by ${describe(tainted)}. Run a fixed program with the value as a separate argument (no sh -c), and validate it against an allow-list.` });
    }
  }

  // Path traversal
  const fileSink = /^(?:os\.Open|os\.OpenFile|os\.ReadFile|ioutil\.ReadFile|os\.Create|os\.WriteFile|ioutil\.WriteFile|os\.Remove|os\.RemoveAll|os\.ReadDir|ioutil\.ReadDir|os\.Stat)$/.test(full);
  const serve = full === 'http.ServeFile' || (recv && isRequestExpr(recv, sc) && /^(?:File|Attachment|SendFile|Download)$/.test(name));
  if (fileSink || serve) {
    const target = full === 'http.ServeFile' ? args[2] : args[0];
    const t = target ? taintOf(target, sc) : undefined;
    if (target && t?.origin === 'request' && !target.descendantsOfType('identifier').some((id) => id && isAllowChecked(sc, id.text)) && !(target.type === 'identifier' && isAllowChecked(sc, target.text))) {
      hit(cx, call, { ruleId: 'path-traversal', confidence: 0.85,
        explanation: `${full}() opens a path built from ${describe(t)}: "../" reaches files outside the intended directory (filepath.Join and Clean do not stop it). ` +
          'Use filepath.Base for a file name, or resolve the path and require strings.HasPrefix(abs, root+string(os.PathSeparator)).' });
    }
  }

  // SSRF
  if (/^(?:http\.Get|http\.Post|http\.Head|http\.PostForm|http\.NewRequest|http\.NewRequestWithContext)$/.test(full) || (recv && /^(?:Get|Post|Head|PostForm)$/.test(name) && /client|Client/.test(recv.text))) {
    const u = full === 'http.NewRequest' ? args[1] : full === 'http.NewRequestWithContext' ? args[2] : args[0];
    const t = u ? taintOf(u, sc) : undefined;
    if (u && t?.origin === 'request' && !hasFixedOrigin(u) && !u.descendantsOfType('identifier').some((id) => id && isAllowChecked(sc, id.text)) && !(u.type === 'identifier' && isAllowChecked(sc, u.text))) {
      hit(cx, call, { ruleId: 'ssrf', confidence: 0.8,
        explanation: `The server requests a URL taken from ${describe(t)}: a client can reach internal services or cloud metadata (169.254.169.254). Parse it and check the host against an allow-list first.` });
    }
  }

  // Open redirect
  if (full === 'http.Redirect' || (recv && isRequestExpr(recv, sc) && name === 'Redirect')) {
    const target = full === 'http.Redirect' ? args[2] : args[1] ?? args[0];
    const t = target ? taintOf(target, sc) : undefined;
    if (target && t?.origin === 'request' && !/^"\/[^/\\]/.test(target.text) && !(target.type === 'identifier' && isAllowChecked(sc, target.text))) {
      hit(cx, call, { ruleId: 'open-redirect', confidence: 0.8,
        explanation: `The redirect target comes from ${describe(t)}: links to this endpoint can send users anywhere. Accept only local paths ("/" but not "//") or allow-listed hosts.` });
    }
  }

  // Crypto
  if (/^(?:md5\.Sum|sha1\.Sum|sha256\.Sum256|sha512\.Sum512)$/.test(full) && args[0] &&
    (args[0].descendantsOfType('identifier').some((id) => id && PASSWORD_NAME.test(id.text)) || PASSWORD_NAME.test(args[0].text.replace(/\W+$/, '')) || /password/i.test(fnName))) {
    hit(cx, call, { ruleId: 'weak-password-hash', confidence: 0.85,
      explanation: `${full}() of a password is a fast, unsalted hash: leaked hashes fall to GPU guessing. Use golang.org/x/crypto/bcrypt or argon2.IDKey with a random salt.` });
  }
  if (/^(?:des\.NewCipher|des\.NewTripleDESCipher|rc4\.NewCipher|blowfish\.NewCipher)$/.test(full)) {
    hit(cx, call, { ruleId: 'weak-cipher', confidence: 0.9, explanation: `${full}() is a broken or 64-bit-block cipher. Use AES-GCM (crypto/cipher.NewGCM) or chacha20poly1305.` });
  }

  // JWT
  if (/^jwt\.ParseUnverified$/.test(full) || (recv && name === 'ParseUnverified')) {
    hit(cx, call, { ruleId: 'jwt-unsafe-verify', confidence: 0.8, title: 'JWT parsed without verification',
      explanation: 'ParseUnverified does not check the signature: claims can be forged. Use jwt.Parse with a key function that checks the signing method, or WithValidMethods.' });
  } else if (/^jwt\.(?:Parse|ParseWithClaims)$/.test(full)) {
    const keyFn = args.find((a) => a.type === 'func_literal');
    const opts = args.map((a) => a.text).join(' ');
    if (!/WithValidMethods/.test(opts) && keyFn && !/\.Method\b|SigningMethod/.test(keyFn.text)) {
      hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'medium', confidence: 0.7, title: 'JWT signing method not checked',
        explanation: 'The key function returns the key without checking token.Method, so the token header picks the algorithm (HMAC with a public key as the secret). Check the method type in the key function or pass jwt.WithValidMethods([]string{"HS256"}).' });
    }
  }
}

function goSqlFix(call: Node, q: Node, cx: Cx): string | null {
  if (q.type !== 'call_expression' || calleeParts(q).full !== 'fmt.Sprintf') return null;
  const [fmtArg, ...vals] = argsOf(q);
  const fmt = fmtArg && stringValue(fmtArg);
  if (!fmt || fmtArg.type !== 'interpreted_string_literal') return null;
  const pieces = fmt.split(/%[sdvq]/);
  if (pieces.length !== vals.length + 1 || /%/.test(pieces.join(''))) return null;
  const style = [...cx.imports].some((m) => /lib\/pq|pgx/.test(m)) ? 'dollar' : [...cx.imports].some((m) => /mysql|sqlite/.test(m)) ? 'question' : null;
  if (!style) return null;
  const p = parameterize(pieces, vals.map((v) => v.text), style);
  if (!p) return null;
  const fnText = field(call, 'function')!.text;
  const lead = /Context$/.test(calleeParts(call).name) ? `${argsOf(call)[0].text}, ` : '';
  return `${fnText}(${lead}${JSON.stringify(p.sql)}, ${p.params.join(', ')})`;
}

function hasFixedOrigin(n: Node): boolean {
  let head = '';
  if (n.type === 'binary_expression') head = stringValue(field(n, 'left') ?? n) ?? '';
  else if (n.type === 'call_expression' && calleeParts(n).full === 'fmt.Sprintf') head = (stringValue(argsOf(n)[0]) ?? '').split('%')[0];
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#%]+[/?#]/i.test(head);
}

function checkSecret(name: string, value: Node, cx: Cx): void {
  if (cx.isTest) return;
  const v = stringValue(value);
  if (v === null || !isSecretName(name) || matchTokenPattern(v) || !isSecretValue(v, name)) return;
  hit(cx, value, { ruleId: 'hardcoded-secret', confidence: 0.7,
    explanation: `"${name}" is set to a literal secret in the source: everyone with the repository has it, and rotating it needs a deploy. Read it from the environment (os.Getenv) or a secret manager.`,
    fix: `os.Getenv(${JSON.stringify(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\W+/g, '_').toUpperCase())})` });
}

function checkToken(n: Node, cx: Cx): void {
  const v = stringValue(n);
  if (cx.isTest || v === null || v.length < 16) return;
  const p = matchTokenPattern(v);
  if (!p) return;
  hit(cx, n, { ruleId: 'hardcoded-secret', severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9,
    title: `Hard-coded secret: ${p.name.replace(/^an? /, '')}`,
    explanation: `This string contains ${p.name}. Revoke it and load it from the environment or a secret manager.` });
}

function checkRandom(name: string, values: Node[], fnName: string, cx: Cx): void {
  if (!cx.imports.has('math/rand') && !cx.imports.has('math/rand/v2')) return;
  const context = SECRET_CONTEXT.test(name) ? name : SECRET_CONTEXT.test(fnName) ? fnName : '';
  if (!context || /delay|jitter|backoff|retry|shuffle|sample/i.test(context)) return;
  for (const v of values) {
    const call = [v, ...v.descendantsOfType('call_expression')].find((c): c is Node => !!c && c.type === 'call_expression' && /^rand\.(?:Intn|Int63|Int31|Int|Read|Int63n|Int31n|Uint32|Uint64|IntN|N)$/.test(calleeParts(c).full));
    if (call) {
      hit(cx, call, { ruleId: 'insecure-random', confidence: 0.75,
        explanation: `math/rand makes "${context}", which must be unguessable: it is a deterministic generator. Use crypto/rand (rand.Read, rand.Int, rand.Text).` });
      return;
    }
  }
}
