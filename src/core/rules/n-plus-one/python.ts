/** n-plus-one for Python: a query per loop iteration (not over a literal collection or a module constant). */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { dbCall } from '../lang/python/db';
import { pyMatcher } from '../lang/python/walk';
import { sqlTextOf } from '../sql-injection/python';
import meta from './meta';

export default pyMatcher(meta, (cx) => {
  const reported = new Set<number>();
  return {
    call(c) {
      if (cx.fn.loopDepth <= 0) return;
      const db = dbCall(c, cx.file, sqlTextOf);
      if (!db || /\.(?:fetchone|fetchall|fetchmany|all|first|one|scalar|scalars)$/.test(db.chain)) return;
      const loop = loopKey(c.node);
      if (reported.has(loop)) return;
      reported.add(loop);
      cx.report(c.node, db.kind, {
        call: db.chain, per: 'loop iteration',
        advice: db.kind === 'write' ? 'Use bulk_create / bulk_update / executemany / insert_many' : 'Fetch everything in one query (filter(id__in=…), select_related/prefetch_related, joinedload/selectinload, $in)',
      }, { confidence: 0.6 });
    },
  };
});

function loopKey(call: Node): number {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'list_comprehension' || p.type === 'generator_expression' || p.type === 'set_comprehension' || p.type === 'dictionary_comprehension' || p.type === 'function_definition') return p.id;
  }
  return -1;
}
