/** n-plus-one for TypeScript/JavaScript: an awaited query in a loop or a forEach/map callback (one finding per loop). */
import type * as TS from 'typescript';
import { dbCallKind } from '../lang/ts/db';
import { enclosingLoop } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => {
  const reported = new Set<TS.Node>();
  return {
    call(c) {
      const fn = cx.fn;
      if (!(fn.loopDepth > 0 || fn.perElement)) return;
      const kind = dbCallKind(c, cx);
      if (!kind) return;
      const loop = enclosingLoop(c.node) ?? fn.node;
      if (reported.has(loop)) return;
      reported.add(loop);
      cx.report(c.node, kind, {
        call: `${c.recvText}.${c.name}`, per: fn.loopDepth > 0 ? 'loop iteration' : 'element (inside a forEach/map callback)',
        advice: kind === 'write' ? 'Use a bulk write (insertMany/createMany/bulkCreate, one multi-row INSERT)' : 'Load all rows in one query (WHERE id IN (…) / $in / include the relation)',
      }, { confidence: 0.6 });
    },
  };
});
