/**
 * What changed in one file, region by region: a region of the current file whose fingerprint the
 * base version does not have is added or modified (its counterpart found by key); a base region
 * whose fingerprint and key are both gone is deleted. Reformatting, moving a function within the
 * file and renaming the file change nothing. A deleted file is one change, a binary file is one
 * region fingerprinted over its bytes.
 */
import { binaryRegion, fileRegion, regionsOf, type Region } from './regions';

export type ChangeKind = 'added' | 'modified' | 'deleted';

/** One changed region: which region, and its content before (`from`) and after (`to`) as fingerprints. */
export interface RegionChange {
  /** Repository-relative path of the file now (for a deleted file: where it was). */
  path: string;
  /** The path in the base when the file was renamed. */
  oldPath?: string;
  change: ChangeKind;
  /** The current region; for deletions, the region as it was in the base (its lines are the base's). */
  region: Region;
  /** Fingerprint of the counterpart in the base; null when the region is new. */
  from: string | null;
  /** Fingerprint now; null when the region is gone. */
  to: string | null;
}

/** A file's content as read: text, or bytes that are not text. null: the file does not exist there. */
export type FileContent = { text: string } | { binary: Uint8Array } | null;

/** Bytes → text, or binary when it has a NUL in its first 8,000 bytes (git's own test). */
export function asContent(bytes: Uint8Array): { text: string } | { binary: Uint8Array } {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return { binary: bytes };
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
}

export interface FileVersions {
  path: string;
  oldPath?: string;
  base: FileContent;
  current: FileContent;
  languageId?: string;
}

/** The region changes of one file between its base and current versions. */
export function regionChanges(f: FileVersions): RegionChange[] {
  const basePath = f.oldPath ?? f.path;
  const rename = f.oldPath && f.oldPath !== f.path ? { oldPath: f.oldPath } : {};
  if (f.current === null) {
    if (f.base === null) return [];
    const region = 'binary' in f.base ? binaryRegion(basePath, f.base.binary) : fileRegion(basePath, f.base.text, f.languageId);
    return [{ path: basePath, change: 'deleted', region, from: region.fingerprint, to: null }];
  }
  if ('binary' in f.current) {
    const region = binaryRegion(f.path, f.current.binary);
    const before = f.base === null ? null : 'binary' in f.base ? binaryRegion(basePath, f.base.binary) : fileRegion(basePath, f.base.text);
    if (before && before.fingerprint === region.fingerprint) return [];
    return [{ path: f.path, ...rename, change: before ? 'modified' : 'added', region, from: before?.fingerprint ?? null, to: region.fingerprint }];
  }
  const now = regionsOf(f.path, f.current.text, f.languageId);
  const then = f.base === null ? [] : 'binary' in f.base ? [binaryRegion(basePath, f.base.binary)] : regionsOf(basePath, f.base.text, f.languageId);
  const thenPrints = new Set(then.map((r) => r.fingerprint));
  const thenByKey = new Map(then.map((r) => [r.key, r]));
  const out: RegionChange[] = [];
  for (const r of now) {
    if (thenPrints.has(r.fingerprint)) continue;
    const counterpart = thenByKey.get(r.key);
    out.push({ path: f.path, ...rename, change: counterpart ? 'modified' : 'added', region: r, from: counterpart?.fingerprint ?? null, to: r.fingerprint });
  }
  const nowPrints = new Set(now.map((r) => r.fingerprint));
  const nowKeys = new Set(now.map((r) => r.key));
  for (const r of then) {
    if (nowPrints.has(r.fingerprint) || nowKeys.has(r.key)) continue;
    out.push({ path: f.path, ...rename, change: 'deleted', region: r, from: r.fingerprint, to: null });
  }
  return out;
}

/** "verifyToken (function, modified)" */
export function describeChange(c: RegionChange): string {
  return `${c.region.name} (${c.region.kind}, ${c.change})`;
}
