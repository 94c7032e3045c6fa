/**
 * Summaries of workspace Python modules a file imports, so data is followed into them: which classes wrap
 * the request they are constructed with (self.request = request) and which of their methods hand request
 * data back (return self.request.form.get(name)). Bounded (module size, cache entries) and cached by path.
 */
import type { Parser } from 'web-tree-sitter';
import { copyTree, type SyntaxNode as Node } from '../syntax-tree';
import { REQUEST_ATTRS, REQUEST_METHODS } from './frameworks';

export interface ClassSummary {
  /** Constructor parameters (0 = the first after self) stored on self, by field name. */
  fields: Map<string, number>;
  /** Methods that return request data when constructor parameter `index` is the request. */
  requestMethods: Map<string, number>;
}

export interface ModuleSummary {
  classes: Map<string, ClassSummary>;
}

/** Source of a workspace module by its dotted name, as seen from the importing file (undefined: not in the workspace). */
export type ModuleReader = (fromPath: string, dotted: string) => { path: string; text: string } | undefined;

const MAX_MODULE_CHARS = 400_000;
const MAX_CACHE = 500;
const cache = new Map<string, ModuleSummary>();

export function summarizeModule(parser: Parser, path: string, text: string): ModuleSummary {
  const key = `${path}\0${text.length}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const summary: ModuleSummary = { classes: new Map() };
  if (text.length <= MAX_MODULE_CHARS) {
    const tree = parser.parse(text);
    let root: Node | undefined;
    try {
      if (tree) root = copyTree(tree, text);
    } finally {
      tree?.delete();
    }
    if (root) for (const cls of root.descendantsOfType('class_definition')) summarizeClass(cls, summary);
  }
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, summary);
  return summary;
}

function summarizeClass(cls: Node, out: ModuleSummary): void {
  const name = cls.childForFieldName('name')?.text;
  const body = cls.childForFieldName('body');
  if (!name || !body) return;
  const methods = body.namedChildren.filter((c): c is Node => !!c).map((c) => (c.type === 'decorated_definition' ? c.childForFieldName('definition') : c))
    .filter((c): c is Node => !!c && c.type === 'function_definition');
  const s: ClassSummary = { fields: new Map(), requestMethods: new Map() };
  const init = methods.find((m) => m.childForFieldName('name')?.text === '__init__');
  if (init) {
    const params = (init.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p)
      .map((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.namedChildren.find((c) => c?.type === 'identifier')?.text ?? ''));
    for (const asg of init.descendantsOfType('assignment')) {
      const m = asg && /^self\.(\w+)$/.exec(asg.childForFieldName('left')?.text ?? '');
      const i = asg ? params.indexOf(asg.childForFieldName('right')?.text ?? '') : -1;
      if (m && i > 0) s.fields.set(m[1], i - 1);
    }
  }
  for (const m of methods) {
    const mname = m.childForFieldName('name')?.text ?? '';
    if (mname === '__init__') continue;
    for (const r of m.descendantsOfType('return_statement')) {
      const v = r?.namedChildren[0]?.text.replace(/\s+/g, '') ?? '';
      const f = /^self\.(\w+)\.(\w+)/.exec(v);
      const index = f ? s.fields.get(f[1]) : undefined;
      if (f && index !== undefined && (REQUEST_ATTRS[f[2]] || REQUEST_METHODS[f[2]])) s.requestMethods.set(mname, index);
    }
  }
  if (s.fields.size) out.classes.set(name, s);
}
