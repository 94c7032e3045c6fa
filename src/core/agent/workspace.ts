/**
 * The workspace roots an agent tool may read, fixed when the server starts. Every path an agent
 * names (arguments, diff headers, git's file list) goes through `resolve()`: lexically inside a root,
 * existing, and — after following symbolic links — still inside a root. Files are opened without
 * following a final symlink, without blocking on FIFOs, and the opened descriptor is checked again
 * (/proc/self/fd on Linux), so a link swapped in between the check and the read cannot escape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notARegularFile, readStart } from '../files';
import { AgentError } from './errors';

export interface Root {
  /** Absolute path as configured. */
  dir: string;
  /** The same directory with symbolic links resolved. */
  real: string;
}

export interface ResolvedPath {
  /** Absolute real path (symlinks resolved). */
  abs: string;
  root: Root;
  /** Path relative to its root, forward slashes ('' for the root itself). */
  rel: string;
  isDirectory: boolean;
}

/** Whether `p` is `dir` or lies under it (lexically). */
export function inside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

export class Workspace {
  readonly roots: readonly Root[];

  /** Throws a plain Error naming the directory when a root does not exist or is not a directory. */
  constructor(dirs: readonly string[]) {
    if (dirs.length === 0) throw new Error('at least one workspace root is needed');
    const roots: Root[] = [];
    for (const d of dirs) {
      const dir = path.resolve(d);
      let real: string;
      try {
        real = fs.realpathSync(dir);
      } catch {
        throw new Error(`workspace root ${dir} does not exist`);
      }
      if (!fs.statSync(real).isDirectory()) throw new Error(`workspace root ${dir} is not a directory`);
      if (!roots.some((r) => r.real === real)) roots.push({ dir, real });
    }
    this.roots = roots;
  }

  /** Root directories as shown to agents. */
  describeRoots(): string[] {
    return this.roots.map((r) => r.dir);
  }

  /** The root that holds a real path, if any. */
  rootOf(realPath: string): Root | undefined {
    // The most specific root wins when roots are nested.
    return [...this.roots].sort((a, b) => b.real.length - a.real.length).find((r) => inside(r.real, realPath));
  }

  /**
   * Resolve a path named by an agent. Relative paths are tried against each root in order (the
   * first where it exists wins). `field` names the argument in errors ("paths[2]").
   */
  resolve(input: string, field: string): ResolvedPath {
    if (input.length === 0 || input.includes('\0')) throw new AgentError('INVALID_PATH', `${field}: not a usable path`, { field });
    const candidates = path.isAbsolute(input) ? [path.resolve(input)] : this.roots.map((r) => path.resolve(r.dir, input));
    // Lexically outside every root ("../../etc/passwd", "/etc/passwd"): refused without looking at the disk.
    const lexical = candidates.filter((c) => this.roots.some((r) => inside(r.dir, c) || inside(r.real, c)));
    if (lexical.length === 0) throw this.outside(input, field);
    for (const candidate of lexical) {
      let real: string;
      try {
        real = fs.realpathSync(candidate);
      } catch {
        continue;
      }
      const root = this.rootOf(real);
      if (!root) throw this.outside(input, field, true);
      const st = fs.statSync(real);
      const why = st.isDirectory() ? null : notARegularFile(st);
      if (why) throw new AgentError('INVALID_PATH', `${field}: ${input} ${why}; only files and directories are read`, { field, path: input });
      return { abs: real, root, rel: toPosix(path.relative(root.real, real)), isDirectory: st.isDirectory() };
    }
    throw new AgentError('INVALID_PATH', `${field}: no such file or directory: ${input}`, { field, path: input, roots: this.describeRoots() });
  }

  private outside(input: string, field: string, viaLink = false): AgentError {
    return new AgentError('OUTSIDE_WORKSPACE',
      `${field}: ${input} ${viaLink ? 'resolves (through a symbolic link) to a place' : 'is'} outside the workspace roots (${this.describeRoots().join(', ')})`,
      { field, path: input, roots: this.describeRoots() });
  }

  /** How a real path is shown to agents: relative to its root with one root, absolute with several. */
  display(realPath: string): string {
    const root = this.rootOf(realPath);
    if (!root) return realPath;
    if (this.roots.length > 1) return path.join(root.dir, path.relative(root.real, realPath));
    return toPosix(path.relative(root.real, realPath)) || '.';
  }

  /**
   * Read at most `maxBytes` of a resolved file. `size` is the whole file's size. Refuses anything
   * that is not a regular file inside a root at the moment it is read.
   */
  read(file: ResolvedPath, maxBytes: number): { bytes: Buffer; size: number } {
    let fd: number;
    try {
      fd = fs.openSync(file.abs, fs.constants.O_RDONLY | NOFOLLOW | NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw this.outside(this.display(file.abs), 'path', true);
      throw new AgentError('INVALID_PATH', `${this.display(file.abs)} cannot be read (${code ?? (e as Error).message})`, { path: this.display(file.abs) });
    }
    try {
      const st = fs.fstatSync(fd);
      const why = notARegularFile(st);
      if (why) throw new AgentError('INVALID_PATH', `${this.display(file.abs)} ${why}`, { path: this.display(file.abs) });
      const opened = openedPath(fd);
      if (opened !== undefined && !this.rootOf(opened)) throw this.outside(this.display(file.abs), 'path', true);
      return { bytes: readStart(fd, Math.min(st.size, maxBytes)), size: st.size };
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** The path the kernel has for an open descriptor (Linux); undefined where /proc is not available. */
function openedPath(fd: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
