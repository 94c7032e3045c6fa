/**
 * Tree-sitter (WASM) parsers for Python and Go, loaded on first use. The .wasm files are copied next
 * to the bundles by esbuild.mjs; from compiled tests they are found in node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Parser as TSParser } from 'web-tree-sitter';

export type Grammar = 'python' | 'go';

let runtime: Promise<typeof import('web-tree-sitter')> | undefined;
const parsers = new Map<Grammar, Promise<TSParser>>();

/** Where a wasm asset lives: next to this bundle (dist/), or in its npm package. */
export function findWasm(file: string, pkg: string): string {
  const tried: string[] = [];
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', 'dist', file)];
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, 'node_modules', pkg, file));
      if (path.dirname(dir) === dir) break;
    }
  }
  for (const c of candidates) {
    tried.push(c);
    if (fs.existsSync(c)) return c;
  }
  throw new Error(`${file} was not found (looked next to the Stakes bundle and in node_modules/${pkg}). ` +
    'The Python and Go rules need it: reinstall Stakes, or run `npm run build` in a source checkout.');
}

function loadRuntime(): Promise<typeof import('web-tree-sitter')> {
  if (!runtime) {
    runtime = (async () => {
      const wts = require('web-tree-sitter') as typeof import('web-tree-sitter');
      const wasm = findWasm('tree-sitter.wasm', 'web-tree-sitter');
      await wts.Parser.init({ locateFile: () => wasm } as unknown as Parameters<typeof wts.Parser.init>[0]);
      return wts;
    })();
    // A failed load must not poison every later call with the same rejected promise.
    runtime.catch(() => {
      runtime = undefined;
    });
  }
  return runtime;
}

/** A parser for the grammar (one per grammar, reused: parsing is synchronous, so calls never interleave). */
export function parserFor(grammar: Grammar): Promise<TSParser> {
  let p = parsers.get(grammar);
  if (!p) {
    p = (async () => {
      const wts = await loadRuntime();
      const lang = await wts.Language.load(findWasm(`tree-sitter-${grammar}.wasm`, `tree-sitter-${grammar}`));
      const parser = new wts.Parser();
      parser.setLanguage(lang);
      return parser;
    })();
    p.catch(() => parsers.delete(grammar));
    parsers.set(grammar, p);
  }
  return p;
}
