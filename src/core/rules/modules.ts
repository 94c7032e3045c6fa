/**
 * Reading the workspace modules a file imports (bounded, never outside the root), for the summaries that
 * follow data into them (lang/python/modules.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleReader } from './lang/python/modules';

const MAX_BYTES = 400_000;

/**
 * A reader for modules under `root`: a Python dotted name resolves like the interpreter would for the project
 * (relative to the root, then to the importing file's folders), as `a/b.py` or `a/b/__init__.py`.
 */
export function workspaceModuleReader(root: string): ModuleReader {
  const resolved = new Map<string, { path: string; text: string } | undefined>();
  return (fromPath, dotted) => {
    const rel = dotted.replace(/^\.+/, '').split('.').join('/');
    if (!rel || rel.includes('..')) return undefined;
    const dirs = [root];
    for (let d = path.dirname(path.join(root, fromPath)); d.startsWith(root) && d !== root; d = path.dirname(d)) dirs.push(d);
    for (const dir of dirs) {
      for (const candidate of [`${rel}.py`, `${rel}/__init__.py`]) {
        const abs = path.join(dir, candidate);
        if (resolved.has(abs)) {
          const r = resolved.get(abs);
          if (r) return r;
          continue;
        }
        let r: { path: string; text: string } | undefined;
        try {
          const st = fs.statSync(abs);
          if (st.isFile() && st.size <= MAX_BYTES) r = { path: path.relative(root, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') };
        } catch {
          r = undefined;
        }
        resolved.set(abs, r);
        if (r) return r;
      }
    }
    return undefined;
  };
}
