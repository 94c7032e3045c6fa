/** Database calls as the TypeScript rules see them: which calls read or write, shared by n-plus-one, missing-transaction and idor. */
import { isWriteSql } from '../../sql-text';
import { DB_READ_METHODS, DB_WRITE_METHODS } from './frameworks';
import { isAwaited, sqlTextOf } from './util';
import type { TsCall, TsRuleContext } from './walk';

/** 'read' / 'write' for an awaited call on a database receiver, else undefined. */
export function dbCallKind(c: TsCall, cx: TsRuleContext): 'read' | 'write' | undefined {
  const { node, name, recv, args } = c;
  if (!recv || !(cx.isDbReceiver(recv) || (cx.file.hasDb && (name === 'save' || name === 'destroy') && isAwaited(node)))) return undefined;
  const write = DB_WRITE_METHODS.has(name) || ((name === 'query' || name === 'execute' || name === 'run') && !!args[0] && isWriteSql(sqlTextOf(args[0])));
  const read = DB_READ_METHODS.has(name);
  if (!(write || read) || !isAwaited(node)) return undefined;
  return write ? 'write' : 'read';
}
