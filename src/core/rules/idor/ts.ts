/**
 * idor for TypeScript/JavaScript: a handler that loads or changes a record by a client-chosen id, with no
 * ownership comparison, authorization call, guard or user-scoped query anywhere on its path.
 */
import type * as TS from 'typescript';
import type { Taint } from '../taint';
import { ts, skipOuter } from '../lang/ts/taint';
import { isAwaited } from '../lang/ts/util';
import { tsMatcher, type TsFn } from '../lang/ts/walk';
import { DB_READ_METHODS, DB_WRITE_METHODS } from '../lang/ts/frameworks';
import meta from './meta';

const ID_LOOKUP_METHODS = new Set(['findById', 'findByPk', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findOne', 'findOneBy',
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'update', 'updateOne', 'delete', 'deleteOne', 'destroy', 'remove',
  'findOneAndUpdate', 'findOneAndDelete', 'findOneOrFail', 'deleteById', 'patchAndFetchById', 'updateAndFetchById', 'softDelete', 'upsert']);
const DAO_BY_ID = /^(?:get|find|fetch|load|read|update|delete|remove|destroy)\w*By\w*Id$/i;
/** Route guards, decorators and middleware that decide access. */
const OWNERSHIP = /\b(?:req|request|ctx|context)\s*\.\s*(?:user|session|auth|state|account|identity)\b|\bcurrent_?user\b|\bgetUser\s*\(|\bowner(?:Id|_id|ship)?\b|\b(?:user|author|owner|tenant|account|org|organization|created_?by|customer)_?(?:[iI]d)\s*[:=]|authori[sz]|permission|\bcan[A-Z_(]|\bisOwner|checkAccess|assert\w*(?:Owner|Access)|\bability\b|polic(?:y|ies)\b|forbidden|\b403\b|isAdmin|\brole|@Roles|UseGuards|CurrentUser|@User\s*\(|\bacl\b|\bguard/i;
/** The signed-in user in a comparison or a query: evidence of an ownership check. */
const USER_IDENTITY = /\b(?:req|request|ctx|context)\s*\.\s*(?:user|session|auth|state\.user|account|identity)\b|\bcurrent_?[uU]ser\b|\bsession\.user|\.(?:userId|ownerId|user_id|owner_id|owner|authorId|author_id|createdBy|created_by|tenantId|accountId|orgId)\b|\b(?:userId|ownerId|owner|user|author|tenantId|accountId)\s*:\s*(?:req|request|ctx|user|currentUser|session)\b/;
/** Calls that decide access: authorize(), can(), checkPermission(), isOwner()… */
const AUTHZ_CALL = /authori[sz]e|^can(?:[A-Z]\w*)?$|checkPermission|hasPermission|hasRole|isOwner|assert\w*(?:Owner|Access|Permission)|ensure\w*(?:Owner|Access|Permission)|^permit|^enforce|checkAccess|verifyOwnership|checkOwnership|isAllowed|^forbid/;
const ID_SOURCE = /(?:^|[^a-z])(?:id|[a-z]*Id|[a-z]*_id|uuid|slug)\)?$|\bid\b|Id\b|_id\b/i;

interface FnState {
  call?: TS.CallExpression;
  taint?: Taint;
  ownership: boolean;
}

export default tsMatcher(meta, (cx) => {
  const st = (fn: TsFn): FnState => cx.state(fn, () => ({ ownership: false }));
  const markOwnership = (fn: TsFn): void => {
    for (let f: TsFn | undefined = fn; f; f = f.parent) st(f).ownership = true;
  };
  const fileAuthz = /\.use\s*\([^)]*(?:authori[sz]|permission|role|admin|owner|acl|polic|guard|can[A-Z])/i.test(cx.file.text);
  const idArg = (args: readonly TS.Expression[], needIdName: boolean): TS.Expression | undefined => args.find((a) => {
    const tt = cx.taintOf(a);
    return tt && tt.origin === 'request' && (!needIdName || ID_SOURCE.test(tt.source)) && !/user|session/i.test(tt.source.replace(/req(?:uest)?\.user/, ''));
  });
  return {
    call({ node, name, recv, recvText, args }) {
      const fn = cx.fn;
      if (!fn.handler) return;
      if (AUTHZ_CALL.test(name)) markOwnership(fn);
      const s = st(fn);
      if (s.call) return;
      const t = ts();
      const arg0 = args[0];
      if (recv && (cx.isDbReceiver(recv) || (cx.file.hasDb && (name === 'save' || name === 'destroy') && isAwaited(node)))) {
        const dbCall = DB_WRITE_METHODS.has(name) || DB_READ_METHODS.has(name);
        const byId = ID_LOOKUP_METHODS.has(name) || DAO_BY_ID.test(name) || (name === 'find' && !!arg0 && t.isObjectLiteralExpression(skipOuter(arg0)));
        if (!dbCall && !byId) return;
        if (!(byId || ((name === 'query' || name === 'execute') && args[1]))) return;
        // For raw SQL the id is a bind parameter (args after the text); an id inside the text is sql-injection.
        const a = idArg(name === 'query' || name === 'execute' ? args.slice(1) : args, true);
        if (a) {
          s.call = node;
          s.taint = cx.taintOf(a);
        }
        void recvText;
        return;
      }
      // A data-access function imported by the handler (findOrderById(id)) looks records up by id just the same.
      if (!recv && DAO_BY_ID.test(name)) {
        const a = idArg(args, false);
        if (a) {
          s.call = node;
          s.taint = cx.taintOf(a);
        }
      }
    },
    comparison(b) {
      if (cx.fn.handler && USER_IDENTITY.test(b.getText(cx.file.sf))) markOwnership(cx.fn);
    },
    exitFunction(fn) {
      const s = st(fn);
      if (!s.call || !s.taint || !fn.handler || fileAuthz || s.ownership || OWNERSHIP.test(fn.guardText)) return;
      if (USER_IDENTITY.test(s.call.arguments.map((a) => a.getText(cx.file.sf)).join(' '))) return;
      cx.report(s.call, 'byId', {
        call: s.call.expression.getText(cx.file.sf), source: s.taint.source, where: 'handler or its route middleware',
        advice: 'Scope the query to the user (e.g. { id, ownerId: req.user.id }) or check ownership and return 404/403.',
      }, { confidence: 0.55, taint: s.taint });
    },
  };
});
