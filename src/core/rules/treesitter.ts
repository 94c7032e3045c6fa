/**
 * Tree-sitter (WASM) parser for Python, loaded on first use. The .wasm files are copied next to the
 * bundles by esbuild.mjs; from compiled tests they are found in node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Parser as TSParser } from 'web-tree-sitter';

let ready: Promise<TSParser> | undefined;

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
    'The Python rules need it: reinstall Stakes, or run `npm run build` in a source checkout.');
}

export function pythonParser(): Promise<TSParser> {
  if (!ready) {
    ready = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wts = require('web-tree-sitter') as typeof import('web-tree-sitter');
      const runtime = findWasm('tree-sitter.wasm', 'web-tree-sitter');
      await wts.Parser.init({ locateFile: () => runtime } as unknown as Parameters<typeof wts.Parser.init>[0]);
      const lang = await wts.Language.load(findWasm('tree-sitter-python.wasm', 'tree-sitter-python'));
      const parser = new wts.Parser();
      parser.setLanguage(lang);
      return parser;
    })();
    // A failed load must not poison every later call with the same rejected promise.
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}
