/**
 * A tree-sitter tree copied once into plain JavaScript objects (one cursor pass), with the part of
 * web-tree-sitter's Node API the Python and Go walks use. Every Node access in web-tree-sitter crosses
 * into WASM and allocates; the walks touch each node many times, so a JS copy is several times faster
 * and lets the WASM tree be freed before the walk.
 */
import type { Tree } from 'web-tree-sitter';
import { computeLineStarts, lineOf } from '../../classify/text';

export class SyntaxNode {
  parent: SyntaxNode | null = null;
  readonly children: SyntaxNode[] = [];
  /** Field name of each child, or null. */
  readonly fields: (string | null)[] = [];
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
    const i = this.fields.indexOf(name);
    return i < 0 ? null : this.children[i];
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    this.fields.forEach((f, i) => {
      if (f === name) out.push(this.children[i]);
    });
    return out;
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

/** Copy a parsed tree into SyntaxNodes (the caller may delete the WASM tree right after). */
export function copyTree(tree: Tree, text: string): SyntaxNode {
  const src = new SyntaxSource(text);
  const cursor = tree.walk();
  let id = 0;
  try {
    const root = new SyntaxNode(src, id++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex);
    let current = root;
    // Depth-first over the cursor; comments are kept (some rules read them), errors become ordinary nodes.
    for (;;) {
      if (cursor.gotoFirstChild()) {
        const child = new SyntaxNode(src, id++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex);
        child.parent = current;
        current.children.push(child);
        current.fields.push(cursor.currentFieldName);
        current = child;
        continue;
      }
      for (;;) {
        if (cursor.gotoNextSibling()) {
          const parent = current.parent!;
          const sib = new SyntaxNode(src, id++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex);
          sib.parent = parent;
          parent.children.push(sib);
          parent.fields.push(cursor.currentFieldName);
          current = sib;
          break;
        }
        if (!cursor.gotoParent()) return root;
        current = current.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}
