/**
 * Finding files the way a developer expects: walk directories, respect .gitignore (nested ones
 * too), never descend into .git or node_modules, and read bounded heads of huge files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** The nearest ancestor (inclusive) holding `.stakes.json` or `.git`; else `start` itself. */
export function findWorkspaceRoot(start: string): string {
  let dir = path.resolve(start);
  try {
    // Anything but a directory (a file, a FIFO, a socket) lives in its parent.
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.stakes.json')) || fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/** Workspace-relative path with forward slashes (absolute when outside the root). */
export function relativePath(root: string, file: string): string {
  const rel = path.relative(root, path.resolve(file));
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel).split(path.sep).join('/');
}

interface IgnoreLayer {
  dir: string;
  ig: Ignore;
}

function loadIgnore(dir: string): IgnoreLayer | null {
  const file = path.join(dir, '.gitignore');
  try {
    return { dir, ig: ignore().add(fs.readFileSync(file, 'utf8')) };
  } catch {
    return null;
  }
}

function ignoredBy(layers: IgnoreLayer[], abs: string, isDir: boolean): boolean {
  for (const l of layers) {
    const rel = path.relative(l.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (l.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/**
 * Expand files and directories into a sorted list of files. Directories are walked respecting
 * .gitignore files from `root` down. Missing paths throw an Error naming them.
 */
export function walkFiles(inputs: string[], root: string, cwd = process.cwd()): string[] {
  const out = new Set<string>();
  const rootLayers: IgnoreLayer[] = [];
  // .gitignore files between the root and each input directory apply too.
  const ancestorsLayers = (dir: string): IgnoreLayer[] => {
    const layers: IgnoreLayer[] = [];
    const rel = path.relative(root, dir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return layers;
    let d = root;
    const l0 = loadIgnore(d);
    if (l0) layers.push(l0);
    for (const part of rel.split(path.sep).filter(Boolean)) {
      d = path.join(d, part);
      if (d === dir) break;
      const l = loadIgnore(d);
      if (l) layers.push(l);
    }
    return layers;
  };
  const walk = (dir: string, layers: IgnoreLayer[]) => {
    const own = loadIgnore(dir);
    const here = own ? [...layers, own] : layers;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (ALWAYS_SKIPPED.has(e.name)) continue;
      const abs = path.join(dir, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (!ignoredBy(here, abs, true)) walk(abs, here);
      } else if (e.isFile() && !ignoredBy(here, abs, false)) {
        out.add(abs);
      }
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new Error(`no such file or directory: ${input}`);
    }
    if (st.isDirectory()) walk(abs, [...rootLayers, ...ancestorsLayers(abs)]);
    else {
      const why = notARegularFile(st);
      if (why) throw new Error(`${input} ${why}`);
      out.add(abs);
    }
  }
  return [...out].sort();
}

/** Why a path that exists cannot be read as a file (a FIFO would block the reader forever), or null for a regular file. */
export function notARegularFile(st: fs.Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a file';
  if (st.isSocket()) return 'is a socket, not a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a file';
  return 'is not a regular file';
}

/**
 * Read at most `maxBytes` of a file (huge files are classified from their head), with the size and
 * line count of the whole file (counted past the head in 1 MiB chunks, without keeping them).
 */
export function readHead(file: string, maxBytes = 8 * 1024 * 1024): { bytes: Uint8Array; size: number; lines: number } {
  const st = fs.statSync(file);
  const why = notARegularFile(st);
  if (why) throw Object.assign(new Error(`${file} ${why}`), { code: st.isDirectory() ? 'EISDIR' : 'ENOTREG' });
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const n = Math.min(size, maxBytes);
    const buf = Buffer.alloc(n);
    let read = 0;
    while (read < n) {
      const r = fs.readSync(fd, buf, read, n - read, read);
      if (r === 0) break;
      read += r;
    }
    let lines = read === 0 ? 0 : 1;
    for (let i = buf.indexOf(10, 0); i !== -1 && i < read; i = buf.indexOf(10, i + 1)) lines++;
    if (size > read) {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let pos = read; ;) {
        const r = fs.readSync(fd, chunk, 0, chunk.length, pos);
        if (r === 0) break;
        for (let i = chunk.indexOf(10, 0); i !== -1 && i < r; i = chunk.indexOf(10, i + 1)) lines++;
        pos += r;
      }
    }
    return { bytes: buf.subarray(0, read), size, lines };
  } finally {
    fs.closeSync(fd);
  }
}
