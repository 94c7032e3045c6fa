/** Database calls as the Python rules see them, shared by n-plus-one, missing-transaction and idor. */
import { DB_READS, DB_RECEIVER, DB_WRITES } from './frameworks';
import { field, type PyCall, type PyFile } from './walk';

export interface PyDbCall {
  kind: 'read' | 'write';
  /** The callee chain without spaces (User.objects.filter). */
  chain: string;
}

export function dbCall(c: PyCall, file: PyFile, sqlOf: (n: PyCall['node']) => string): PyDbCall | undefined {
  const chain = (field(c.node, 'function')?.text ?? '').replace(/\s+/g, '');
  const isDb = DB_RECEIVER.test(chain + '(') || /^get_object_or_404$|^get_list_or_404$/.test(c.name) || /^[A-Z]\w*\.(?:query|objects)\b/.test(chain);
  const isDjangoSave = file.isDjango && (c.name === 'save' || c.name === 'delete') && !!c.recv && c.args.length === 0;
  if (!isDb && !isDjangoSave) return undefined;
  const write = DB_WRITES.has(c.name) || ((c.name === 'execute' || c.name === 'executemany') && !!c.args[0] && /^\s*(?:insert|update|delete|merge|replace|upsert)\b/i.test(sqlOf(c.args[0])));
  const read = DB_READS.has(c.name);
  if (!write && !read) return undefined;
  return { kind: write ? 'write' : 'read', chain };
}
