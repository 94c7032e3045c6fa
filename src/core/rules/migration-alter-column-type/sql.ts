/**
 * migration-alter-column-type: a column's type changed on an existing table. A conversion (USING …, or to
 * jsonb, uuid, timestamptz, bigint…) rewrites the table; a change to a string type (text, a longer varchar,
 * a collation) or to a domain is usually binary-compatible, so it is a low-confidence hint.
 */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'alter-column-type' || cx.createdHere(op.table)) return;
    const type = (op.type ?? '').toLowerCase().replace(/^(?:sa|sqlalchemy|postgresql|sequelize|datatypes)\./, '');
    const using = /\bUSING\b/i.test(op.text);
    const stringType = /^(?:text|citext|varchar|character varying|string|unicodetext|unicode|bpchar|char)\b/.test(type);
    const rewrites = using || /^(?:jsonb?|uuid|timestamptz|timestamp|date|time|bigint|int8|integer|int4|int|smallint|numeric|decimal|boolean|bool|bytea|inet|float8|double|real|tsvector|array|enum)\b/.test(type);
    const confidence = rewrites && !stringType ? 0.8 : using ? 0.8 : 0.5;
    cx.report(op, 'type', { column: op.column ?? '?', table: op.table ?? '?', to: op.type ? `to ${op.type} ` : '' }, { confidence });
  },
}));
