/**
 * migration-alter-column-type: a column's type changed on an existing table. A conversion (USING …, or to
 * jsonb, uuid, timestamptz, bigint…) rewrites the table; a change to a string type (text, a longer varchar,
 * a collation) or to a domain is usually binary-compatible, so it is a low-confidence hint.
 */
import { migrationMatcher, typeChangeRewrites } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'alter-column-type' || cx.createdHere(op.table)) return;
    const confidence = cx.lockHazard(op, typeChangeRewrites(op) === 'rewrite' ? 0.8 : 0.5, { keepAfterRewrite: true });
    cx.report(op, 'type', { column: op.column ?? '?', table: op.table ?? '?', to: op.type ? `to ${op.type} ` : '' }, { confidence });
  },
}));
