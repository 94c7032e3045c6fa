/**
 * Unified diff (`git diff`, `git diff BASE...`, VS Code git extension's diffWithHEAD) → per-file
 * hunks with old and new line numbers. Only what the audit needs: paths, status, hunks, binary.
 */
import type { DiffHunk, DiffLine, FileDiff } from './types';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Strip git's a/ b/ prefixes and quoting; /dev/null → null. */
function diffPath(raw: string): string | null {
  let p = raw.trim().replace(/\t.*$/, '');
  if (p === '/dev/null') return null;
  if (p.startsWith('"') && p.endsWith('"')) {
    try { p = JSON.parse(p) as string; } catch { p = p.slice(1, -1); }
  }
  return p.replace(/^[ab]\//, '');
}

/** Parse every file section of a unified diff. Lines before the first file header are ignored. */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | null = null;
  let hunk: DiffHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = text.split(/\r?\n/);
  const startFile = (): FileDiff => {
    const f: FileDiff = { oldPath: null, newPath: null, status: 'modified', binary: false, hunks: [] };
    files.push(f);
    hunk = null;
    return f;
  };
  for (const line of lines) {
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const h: DiffHunk = hunk;
      const mark = line[0];
      if (mark === ' ' || (line === '' && oldLeft > 0 && newLeft > 0)) {
        h.lines.push({ kind: 'context', text: line.slice(1), oldLine, newLine });
        oldLine++; newLine++; oldLeft--; newLeft--;
        continue;
      }
      if (mark === '-') {
        h.lines.push({ kind: 'remove', text: line.slice(1), oldLine, newLine: null });
        oldLine++; oldLeft--;
        continue;
      }
      if (mark === '+') {
        h.lines.push({ kind: 'add', text: line.slice(1), oldLine: null, newLine });
        newLine++; newLeft--;
        continue;
      }
      if (mark === '\\') continue; // "\ No newline at end of file"
      hunk = null; // malformed count: fall through to header handling
    }
    if (line.startsWith('diff --git ')) {
      file = startFile();
      const m = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?$/.exec(line);
      if (m) { file.oldPath = m[1]; file.newPath = m[2]; }
      continue;
    }
    if (line.startsWith('--- ')) {
      if (!file || file.hunks.length > 0) file = startFile();
      file.oldPath = diffPath(line.slice(4));
      if (file.oldPath === null) file.status = 'added';
      continue;
    }
    if (line.startsWith('+++ ') && file) {
      file.newPath = diffPath(line.slice(4));
      if (file.newPath === null) file.status = 'deleted';
      continue;
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) { file.status = 'added'; file.oldPath = null; continue; }
    if (line.startsWith('deleted file mode')) { file.status = 'deleted'; file.newPath = null; continue; }
    if (line.startsWith('rename from ')) { file.status = 'renamed'; file.oldPath = line.slice(12); continue; }
    if (line.startsWith('rename to ')) { file.status = 'renamed'; file.newPath = line.slice(10); continue; }
    if (line.startsWith('Binary files ') || line.startsWith('GIT binary patch')) { file.binary = true; continue; }
    const m = HUNK_HEADER.exec(line);
    if (m) {
      const h: DiffHunk = {
        oldStart: Number(m[1]), oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]), newLines: m[4] === undefined ? 1 : Number(m[4]), lines: [] as DiffLine[],
      };
      file.hunks.push(h);
      hunk = h;
      oldLine = h.oldStart; newLine = h.newStart; oldLeft = h.oldLines; newLeft = h.newLines;
    }
  }
  return files.filter((f) => f.oldPath !== null || f.newPath !== null);
}
