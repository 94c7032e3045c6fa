/**
 * idor for Python: a view that loads or changes a record by a client-chosen id, when nothing scopes the
 * query to the user: no ownership comparison, permission call or decorator, no user filter, no permission-
 * scoped queryset (.restrict(user, …), get_queryset(), a restricted self.queryset, guardian's get_objects_for_user).
 */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { ID_SOURCE } from '../lang/python/frameworks';
import { dbCall } from '../lang/python/db';
import { calleeName, field, identifiersIn, named, positionalArgs, pyMatcher, type PyFn } from '../lang/python/walk';
import { sqlTextOf } from '../sql-injection/python';
import meta from './meta';

const PY_OWNERSHIP = /current_user|request\.user|g\.user|self\.request\.user|\bowner\b|owner_id|user_id\s*=|user\s*=\s*(?:request|self\.request|g)\.user|author\s*=|has_perm|has_object_permission|permission|authori[sz]|abort\(\s*403|PermissionDenied|Forbidden|is_staff|is_superuser|admin_required|roles?_required|\brole\b|get_queryset|IsOwner|check_object_permissions|tenant|account_id\s*=|organization|user_passes_test/i;
/** The signed-in user in a comparison or a query filter. */
const PY_USER_IDENTITY = /current_user|request\.user|self\.request\.user|g\.user|\b(?:user|owner|author|created_by)_?(?:id)?\s*=\s*(?:request|self\.request|g)\.user|\.(?:user_id|owner_id|author_id|owner|user)\b\s*(?:==|!=|is)|session\[['"]user/;
/** Querysets scoped by permission or by the user before the lookup. */
const SCOPED_QUERY = /\.(?:restrict|for_user|visible_to|accessible_by|filter_for_user|viewable_by|authorized|for_request|of_user|owned_by|filter_by_user|user_queryset)\s*\(|get_objects_for_user|self\.get_queryset\(\)|self\.queryset\b|get_object\(\)/;

interface FnState {
  call?: Node;
  source?: string;
  ownership: boolean;
}

export default pyMatcher(meta, (cx) => {
  const fileAuthz = /before_request[\s\S]{0,400}(?:abort\(\s*40[13]|permission|role)/.test(cx.file.text);
  const st = (fn: PyFn): FnState => cx.state(fn, () => ({ ownership: false }));
  const idSource = (call: Node): string | undefined => {
    const argList = field(call, 'arguments');
    if (!argList) return undefined;
    const parts = calleeName(call) === 'execute' ? positionalArgs(call).slice(1) : named(argList);
    for (const p of parts) {
      for (const id of identifiersIn(p)) {
        const t = cx.scope.lookup(id) ?? cx.scope.lookup(`#id:${id}`);
        if (t?.origin === 'request' && (ID_SOURCE.test(id) || ID_SOURCE.test(t.source))) return t.source;
      }
      const tt = cx.taintOf(p.type === 'keyword_argument' ? field(p, 'value') : p);
      if (tt?.origin === 'request' && ID_SOURCE.test(tt.source)) return tt.source;
    }
    return undefined;
  };
  return {
    call(c) {
      const fn = cx.fn;
      if (/^(?:has_perm|has_perms|has_object_permission|check_object_permissions|authorize|check_permission|permission_required|can_\w+|is_owner|user_has_perm\w*|check_access|ensure_\w+_access)$/.test(c.name) ||
        (c.name === 'abort' && c.args[0] && /^40[134]$/.test(c.args[0].text))) st(fn).ownership = true;
      if (!fn.handler || st(fn).call) return;
      const db = dbCall(c, cx.file, sqlTextOf);
      if (!db || !/(?:get|get_or_404|filter|filter_by|get_object_or_404|delete|update|find_one|first_or_404|execute)$/.test(c.name)) return;
      if (SCOPED_QUERY.test(c.node.text)) return;
      // get_object_or_404(queryset, …) / queryset.get(…) where the queryset variable was scoped earlier.
      const first = c.name === 'get_object_or_404' ? c.args[0] : c.recv;
      if (first?.type === 'identifier' && SCOPED_QUERY.test(assignedText(first, fn))) return;
      const src = idSource(c.node);
      if (src) Object.assign(st(fn), { call: c.node, source: src });
    },
    comparison(n) {
      if (PY_USER_IDENTITY.test(n.text)) st(cx.fn).ownership = true;
    },
    raise(n) {
      if (/PermissionDenied|Forbidden/.test(n.text)) st(cx.fn).ownership = true;
    },
    exitFunction(fn) {
      const s = st(fn);
      if (!s.call || !s.source || !fn.handler || fileAuthz || s.ownership || PY_OWNERSHIP.test(fn.guardText)) return;
      const callArgs = field(s.call, 'arguments')?.text ?? '';
      if (PY_USER_IDENTITY.test(callArgs) || /\.filter(?:_by)?\([^)]*(?:current_user|request\.user|g\.user)/.test(fn.node?.text ?? '')) return;
      // A mixin we cannot see may scope self.queryset / get_queryset for the whole view.
      if (fn.cls && /\w+Mixin\b/.test(fn.cls.bases) && /self\.(?:queryset|get_queryset|get_object)/.test(fn.node?.text ?? '')) return;
      cx.report(s.call, 'byId', {
        call: field(s.call, 'function')?.text ?? 'The query', source: s.source, where: 'view (or its class or decorators)',
        advice: 'Filter by the owner (…filter(id=pk, owner=request.user)) or check permissions and return 404/403.',
      }, { confidence: 0.55 });
    },
  };
});

/** What a local variable was assigned in the function, as text (queryset = Event.objects.restrict(user)). */
function assignedText(id: Node, fn: PyFn): string {
  const out: string[] = [];
  for (const asg of fn.node?.descendantsOfType('assignment') ?? []) {
    if (asg && field(asg, 'left')?.text === id.text) out.push(field(asg, 'right')?.text ?? '');
  }
  return out.join('\n');
}
