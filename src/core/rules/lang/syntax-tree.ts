/**
 * A tree-sitter tree copied once into plain JavaScript objects (one cursor pass), with the part of
 * web-tree-sitter's Node API the Python and Go walks use. Every Node access in web-tree-sitter crosses
 * into WASM and allocates; the walks touch each node many times, so a JS copy is several times faster
 * and lets the WASM tree be freed before the walk.
 */
import type { Language, Tree } from 'web-tree-sitter';
import { computeLineStarts, lineOf } from '../../classify/text';

/** Leaves share one empty child list (most nodes are leaves): one array fewer per node. */
const NO_CHILDREN: SyntaxNode[] = [];

export class SyntaxNode {
  parent: SyntaxNode | null = null;
  children: SyntaxNode[] = NO_CHILDREN;
  /** This node's field name in its parent (`name`, `body`, …), or null. */
  field: string | null = null;
  private named?: SyntaxNode[];

  constructor(
    private readonly src: SyntaxSource,
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  get text(): string {
    return this.src.text.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  get startPosition(): { row: number; column: number } {
    const line = lineOf(this.src.lineStarts(), this.startIndex);
    return { row: line - 1, column: this.startIndex - this.src.lineStarts()[line - 1] };
  }

  childForFieldName(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === name);
  }

  descendantsOfType(types: string | string[]): SyntaxNode[] {
    const want = typeof types === 'string' ? new Set([types]) : new Set(types);
    const out: SyntaxNode[] = [];
    // Like web-tree-sitter: the node itself counts when it has the type.
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (want.has(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return out;
  }
}

class SyntaxSource {
  private starts?: number[];
  constructor(readonly text: string) {}
  lineStarts(): number[] {
    return (this.starts ??= computeLineStarts(this.text));
  }
}

/**
 * Pure punctuation tokens. The copy leaves them out (a quarter of a Python tree): no walk reads them (their text
 * stays in their parent's), and operators, keywords and `=` are kept for the walks that read them.
 */
const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', '.']);

interface Symbols { types: string[]; named: boolean[]; skip: boolean[] }

/** Node type names, named-ness and punctuation by type id, read from the grammar once (a cursor asks WASM for each otherwise). */
const symbolTables = new WeakMap<Language, Symbols>();

function symbolsOf(language: Language): Symbols {
  let t = symbolTables.get(language);
  if (!t) {
    t = { types: [], named: [], skip: [] };
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const type = language.types[id] || 'ERROR';
      const named = language.nodeTypeIsNamed(id);
      t.types.push(type);
      t.named.push(named);
      t.skip.push(!named && PUNCTUATION.has(type));
    }
    symbolTables.set(language, t);
  }
  return t;
}

/** Copy a parsed tree into SyntaxNodes, without punctuation (the caller may delete the WASM tree right after). */
export function copyTree(tree: Tree, text: string): SyntaxNode {
  const src = new SyntaxSource(text);
  const { types, named, skip } = symbolsOf(tree.language);
  const fieldNames = tree.language.fields;
  const cursor = tree.walk();
  let id = 0;
  // The ERROR symbol (65535) is past the grammar's table: tree-sitter's own name for it, and named.
  const node = (parent: SyntaxNode | null, typeId: number): SyntaxNode => {
    const n = new SyntaxNode(src, id++, types[typeId] ?? 'ERROR', named[typeId] ?? true, cursor.startIndex, cursor.endIndex);
    if (parent) {
      n.parent = parent;
      n.field = fieldNames[cursor.currentFieldId] ?? null;
    }
    return n;
  };
  try {
    const root = node(null, cursor.nodeTypeId);
    if (!cursor.gotoFirstChild()) return root;
    // Depth-first over the cursor, which is always at a child of `parent`; comments are kept (some rules read
    // them), errors become ordinary nodes, punctuation tokens (leaves) are stepped over. Children gather on one
    // stack and each list is cut to its exact size when its parent is done (pushing grows arrays to 17 slots).
    const pending: SyntaxNode[] = [];
    const starts: number[] = [0];
    let parent = root;
    for (;;) {
      const typeId = cursor.nodeTypeId;
      if (!skip[typeId]) {
        const n = node(parent, typeId);
        pending.push(n);
        if (cursor.gotoFirstChild()) {
          starts.push(pending.length);
          parent = n;
          continue;
        }
      }
      while (!cursor.gotoNextSibling()) {
        const start = starts.pop()!;
        if (pending.length > start) parent.children = pending.slice(start);
        pending.length = start;
        if (parent === root) return root;
        cursor.gotoParent();
        parent = parent.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}
