/**
 * missing-transaction for Python (Django ORM, SQLAlchemy sessions, pymongo). Confident: a delete followed by
 * other writes, or two updates of the same field on one model, with no transaction, the first on every path to
 * the second, no external call between them, and no caller in this file that opens the transaction.
 * session.add/delete/merge only stage changes in the unit of work (one commit writes them all): not writes here.
 */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { dbCall } from '../lang/python/db';
import { field, kwarg, named, pyMatcher, type PyFn } from '../lang/python/walk';
import { sqlTextOf } from '../sql-injection/python';
import meta from './meta';
import { isTouch, rerunRepairs, writesThrowawayData } from './rerunnable';

const PY_TRANSACTION = /transaction\.atomic|\batomic\b|begin\(|begin_nested|\.commit\(|transaction\(/;
const EXTERNAL = /^(?:send\w*|email\w*|mail\w*|publish\w*|notify\w*|post|request|urlopen|invoke)$|^(?:requests|httpx|stripe|boto3|celery|redis)/;
/** SQLAlchemy's session: add/delete/merge stage changes; the caller's commit writes them together. */
const STAGING = /(?:^|\.)session\.(?:add|add_all|delete|merge)$|^(?:db\.)?session\.(?:add|add_all|delete|merge)$/;

interface Write {
  node: Node;
  kind: 'delete' | 'update' | 'create';
  model: string;
  fields: string[];
  /** The variable the write's result is assigned to (issue = Issue.objects.create(…)). */
  binds?: string;
}

export default pyMatcher(meta, (cx) => {
  if (cx.file.isMigration || writesThrowawayData(cx.file.path)) return {};
  const st = (fn: PyFn): { writes: Write[]; externals: Node[] } => cx.state(fn, () => ({ writes: [], externals: [] }));
  const writes = (fn: PyFn): Write[] => st(fn).writes;
  const externals = (fn: PyFn): Node[] => st(fn).externals;
  /** Functions of this file called only from atomic code: their writes share the caller's transaction. */
  const atomicCallers = atomicOnlyFunctions(cx.file.text);
  return {
    call(c) {
      const db = dbCall(c, cx.file, sqlTextOf);
      if (db?.kind !== 'write') {
        if (!db && (EXTERNAL.test(c.name) || EXTERNAL.test(c.recvText.split('.')[0]))) externals(cx.fn).push(c.node);
        return;
      }
      if (STAGING.test(db.chain) || /^(?:objects|results|items|seen|ids)\.(?:add|update)$/.test(db.chain)) return;
      // FieldFile.delete/save(…, save=False) (an ImageField's file) writes the storage, not a row.
      if ((c.name === 'delete' || c.name === 'save') && kwarg(c.node, 'save')?.text === 'False') return;
      if (!(cx.file.isDjango || /objects|session/.test(db.chain))) return;
      const kind = /delete|remove/.test(c.name) ? 'delete' : /update|set/.test(c.name) ? 'update' : 'create';
      const argList = field(c.node, 'arguments');
      const fields = kind === 'update' && argList ? named(argList).filter((x) => x.type === 'keyword_argument').map((x) => field(x, 'name')?.text ?? '') : [];
      const parent = c.node.parent;
      const binds = parent?.type === 'assignment' && field(parent, 'left')?.type === 'identifier' ? field(parent, 'left')!.text : undefined;
      // The model is what precedes .objects (models.PasswordReset.objects…), else the chain's root (session, collection).
      const model = /(\w+)\.objects\b/.exec(db.chain)?.[1] ?? db.chain.split('.')[0];
      writes(cx.fn).push({ node: c.node, kind, model, fields, binds });
    },
    exitFunction(fn) {
      // obj = X.objects.create(…); X.objects.filter(id=obj.id).update(…) completes the row: one logical write.
      const w = writes(fn).filter((b, j, all) => !isTouch(b.kind, b.fields) &&
        !(b.kind === 'update' && all.slice(0, j).some((a) => a.kind === 'create' && a.model === b.model && !!a.binds && new RegExp(`\\b${a.binds}\\b`).test(b.node.text))));
      const text = (fn.node?.text ?? '').replace(/#[^\n]*/g, ''); // comments say nothing about transactions
      if (w.length < 2 || !fn.node || PY_TRANSACTION.test(text) || PY_TRANSACTION.test(fn.guardText) || atomicCallers.has(fn.name)) return;
      const ext = externals(fn);
      // Re-runnable sequences (rerunnable.ts) stay hints.
      let confident = false;
      const harmless = rerunRepairs(w.map((x) => ({ kind: x.kind, target: x.model })), cx.file.path, fn.name);
      for (let i = 0; i < w.length && !confident && !harmless; i++) {
        for (let j = i + 1; j < w.length && !confident; j++) {
          const a = w[i];
          const b = w[j];
          if (!dominates(a.node, b.node) || ext.some((e) => e.startIndex > a.node.endIndex && e.endIndex < b.node.startIndex)) continue;
          if (createdThenUpdated(a, b)) continue;
          // A delete, then anything; the same field updated twice; a row created for a parent created just before (an orphan on failure).
          confident = a.kind === 'delete' || (a.kind === 'update' && b.kind === 'update' && a.model === b.model && a.fields.some((f) => b.fields.includes(f))) ||
            (a.kind === 'create' && b.kind === 'create' && !!a.binds && a.model !== b.model && new RegExp(`\\b${a.binds}\\b`).test(field(b.node, 'arguments')?.text ?? ''));
        }
      }
      cx.report(w[1].node, 'writes', { count: w.length, lines: w.map((x) => x.node.startPosition.row + 1).join(', '),
        advice: 'Wrap them in transaction.atomic() (Django) or one session transaction (with session.begin()).' }, { confidence: confident ? 0.8 : 0.55 });
    },
  };
});

/** obj = X.objects.create(…); X.objects.filter(id=obj.id).update(…): completing the row just created. */
function createdThenUpdated(a: Write, b: Write): boolean {
  return a.kind === 'create' && b.kind === 'update' && a.model === b.model;
}

function dominates(a: Node, b: Node): boolean {
  let block: Node | null = a.parent;
  while (block && block.type !== 'block' && block.type !== 'module') block = block.parent;
  if (!block) return false;
  return b.startIndex >= a.endIndex && b.endIndex <= block.endIndex;
}

/** Names of functions whose every call in this file is inside an @transaction.atomic function or a with transaction.atomic() block. */
function atomicOnlyFunctions(text: string): Set<string> {
  const out = new Set<string>();
  if (!/atomic/.test(text)) return out;
  const defs = [...text.matchAll(/^([ \t]*)(?:(@[^\n]*\n\1)*)(?:async\s+)?def\s+(\w+)\s*\(/gm)];
  const bodies = defs.map((m, i) => ({ name: m[3], start: m.index!, end: i + 1 < defs.length ? defs[i + 1].index! : text.length, atomic: /@transaction\.atomic|@atomic/.test(m[0]) }));
  for (const d of bodies) {
    const calls = [...text.matchAll(new RegExp(`(?:self\\.|\\.|\\b)${d.name}\\s*\\(`, 'g'))].map((m) => m.index!).filter((i) => !/def\s+$/.test(text.slice(Math.max(0, i - 8), i)));
    if (!calls.length) continue;
    const inAtomic = (i: number): boolean => bodies.some((b) => i >= b.start && i < b.end && (b.atomic || /with\s+transaction\.atomic\(\)/.test(text.slice(b.start, i))));
    if (calls.every(inAtomic)) out.add(d.name);
  }
  return out;
}
