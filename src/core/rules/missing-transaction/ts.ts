/**
 * missing-transaction for TypeScript/JavaScript. Confident: a delete followed by other writes (the delete is
 * committed when the next write fails: data lost), or two updates of the same field on one collection (an
 * invariant such as "one primary" broken between them), with no transaction, the first write on every path
 * to the second and no external call between them. Other write sequences are hints.
 */
import type * as TS from 'typescript';
import { dbCallKind } from '../lang/ts/db';
import { calleeName, skipOuter, ts } from '../lang/ts/taint';
import { isFunctionLikeNode } from '../lang/ts/util';
import { tsMatcher, type TsFn } from '../lang/ts/walk';
import meta from './meta';
import { isTouch, rerunRepairs, writesThrowawayData } from './rerunnable';

const TRANSACTION = /\$transaction|\$tx\b|transaction|startTransaction|\bBEGIN\b|withTransaction|startSession|Transactional|runInTransaction|\btrx\b|\btx\b|\batomic/i;
const ADVICE = 'Run them in one transaction (sequelize.transaction, prisma.$transaction, knex.transaction, session.withTransaction, BEGIN/COMMIT).';
/** Calls to other systems: a transaction could not span them, so separate writes around them are deliberate. */
const EXTERNAL = /^(?:fetch|send\w*|email\w*|mail\w*|publish\w*|enqueue\w*|notify\w*|dispatch\w*|emit|trigger\w*|post|request|invoke)$|^(?:stripe|resend|axios|got|qstash|queue|sqs|sns|kafka|webhook|http|mailer|redis)/i;

interface Write {
  node: TS.CallExpression;
  kind: 'delete' | 'update' | 'create';
  recv: string;
  fields: string[];
  /** The variable the write's result is assigned to (const team = await prisma.team.create(…)). */
  binds?: string;
}

export default tsMatcher(meta, (cx) => {
  if (cx.file.isMigration || writesThrowawayData(cx.file.path)) return {};
  const st = (fn: TsFn): { writes: Write[]; externals: TS.CallExpression[] } => cx.state(fn, () => ({ writes: [], externals: [] }));
  const writes = (fn: TsFn): Write[] => st(fn).writes;
  const externals = (fn: TsFn): TS.CallExpression[] => st(fn).externals;
  return {
    call(c) {
      const kind = dbCallKind(c, cx);
      if (kind !== 'write') {
        const root = c.recvText.split('.')[0];
        if (!kind && (EXTERNAL.test(c.name) || EXTERNAL.test(root))) externals(cx.fn).push(c.node);
        return;
      }
      // A write through a transaction handle (tx.user.create, trx('users'), session.…) or with one in its options;
      // not a model that happens to be called Session (prisma.session.deleteMany).
      if (/^(?:this\.)?(?:tx|trx|transaction|session|\w*Session)\b/.test(c.recvText) || /\b(?:tx|trx)\b/.test(c.recvText) ||
        c.args.some((a) => /\b(?:transaction|session)\s*[:,}]/.test(a.getText(cx.file.sf))) || throughHandleParameter(cx.fn.node, c.recvText, cx.file.sf)) return;
      const wkind = /delete|destroy|remove|del$/i.test(c.name) ? 'delete' : /update|patch|set|increment|decrement|upsert|replace/i.test(c.name) ? 'update' : 'create';
      let p: TS.Node = c.node.parent;
      while (ts().isAwaitExpression(p) || ts().isParenthesizedExpression(p)) p = p.parent;
      const binds = ts().isVariableDeclaration(p) && ts().isIdentifier(p.name) ? p.name.text : undefined;
      writes(cx.fn).push({ node: c.node, kind: wkind, recv: c.recvText, fields: wkind === 'update' ? updatedFields(c.args, cx.file.sf) : [], binds });
    },
    exitFunction(fn) {
      const w = writes(fn).filter((x) => !isTouch(x.kind, x.fields));
      if (w.length < 2 || fn.node === cx.file.sf) return;
      const code = fn.node.getText(cx.file.sf).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''); // comments say nothing about transactions
      if (TRANSACTION.test(code) || TRANSACTION.test(fn.guardText) || inTransactionCallback(fn.node)) return;
      const ext = externals(fn);
      // Re-runnable sequences (rerunnable.ts) stay hints.
      let confident = false;
      const harmless = rerunRepairs(w.map((x) => ({ kind: x.kind, target: x.recv })), cx.file.path, fn.name);
      for (let i = 0; i < w.length && !confident && !harmless; i++) {
        for (let j = i + 1; j < w.length && !confident; j++) {
          const a = w[i];
          const b = w[j];
          if (!dominates(a.node, b.node) || ext.some((e) => e.pos > a.node.end && e.end < b.node.pos)) continue;
          // A delete, then anything; the same field updated twice; a row created for a parent created just before (an orphan on failure).
          confident = a.kind === 'delete' || (a.kind === 'update' && b.kind === 'update' && a.recv === b.recv && a.fields.some((f) => b.fields.includes(f))) ||
            (a.kind === 'create' && b.kind === 'create' && !!a.binds && a.recv !== b.recv && b.node.arguments.some((x) => new RegExp(`\\b${a.binds}\\b`).test(x.getText(cx.file.sf))));
        }
      }
      const lines = w.map((x) => cx.file.sf.getLineAndCharacterOfPosition(x.node.getStart(cx.file.sf)).line + 1);
      cx.report(w[1].node, 'writes', { count: w.length, lines: lines.join(', '), advice: ADVICE }, { confidence: confident ? 0.8 : 0.55 });
    },
  };
});

/**
 * The write goes through a handle the function was handed (a TypeORM QueryRunner or EntityManager, a
 * knex or Sequelize transaction: `deleteWorkspace(queryRunner: QueryRunner, …)`): the caller owns the
 * transaction, and these writes share it.
 */
function throughHandleParameter(fn: TS.Node, recvText: string, sf: TS.SourceFile): boolean {
  const t = ts();
  const root = recvText.replace(/^this\./, '').split('.')[0];
  if (!root || !isFunctionLikeNode(fn)) return false;
  return (fn as TS.SignatureDeclaration).parameters.some((p) => t.isIdentifier(p.name) && p.name.text === root &&
    /QueryRunner|EntityManager|Transaction|\b(?:queryRunner|manager|entityManager|trx|tx|transaction)\b/.test(p.getText(sf)));
}

/** Property names an update sets: { $set: { primary: false } }, { data: { status } }, update(values, …). */
function updatedFields(args: readonly TS.Expression[], sf: TS.SourceFile): string[] {
  const t = ts();
  const out: string[] = [];
  const collect = (e: TS.Expression | undefined, depth: number): void => {
    const o = e && skipOuter(e);
    if (!o || !t.isObjectLiteralExpression(o) || depth > 2) return;
    for (const p of o.properties) {
      const name = p.name?.getText(sf).replace(/['"]/g, '') ?? '';
      if (/^(?:\$set|\$unset|data|values|set)$/.test(name) && t.isPropertyAssignment(p)) collect(p.initializer, depth + 1);
      else if (depth > 0 || !/^(?:where|_id|id|filter)$/.test(name)) out.push(name);
    }
  };
  for (const a of args.slice(0, 2)) collect(a, 0);
  return out;
}

/**
 * The first write runs on every path to the second: the branch holding the first (its block, its `case`,
 * its side of an if/else, a ternary or `&&`) also holds the second, later. Writes in different cases of a
 * switch, or in the two sides of an if/else, never run together.
 */
function dominates(a: TS.Node, b: TS.Node): boolean {
  const t = ts();
  let branch: TS.Node | undefined;
  for (let n: TS.Node = a; n.parent; n = n.parent) {
    const p = n.parent;
    if (t.isBlock(p) || t.isSourceFile(p) || isFunctionLikeNode(p) || t.isCaseClause(p) || t.isDefaultClause(p)) {
      branch = p;
      break;
    }
    if ((t.isIfStatement(p) && n !== p.expression) || (t.isConditionalExpression(p) && n !== p.condition) ||
      (t.isBinaryExpression(p) && n === p.right && [t.SyntaxKind.AmpersandAmpersandToken, t.SyntaxKind.BarBarToken, t.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind))) {
      branch = n;
      break;
    }
  }
  if (!branch) return false;
  return b.pos >= a.end && b.end <= branch.end && b.pos >= branch.pos;
}

/** A callback handed to prisma.$transaction / sequelize.transaction / knex.transaction / withTransaction. */
function inTransactionCallback(fn: TS.Node): boolean {
  const t = ts();
  for (let p = fn.parent; p; p = p.parent) {
    if (t.isCallExpression(p) && /transaction|\$tx$|atomic|withSession/i.test(calleeName(p))) return true;
    if (isFunctionLikeNode(p)) return false;
  }
  return false;
}
