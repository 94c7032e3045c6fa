/** `complex` comes from activity, not from one file: many files across modules edited within a window. */
import type { Reason, EditEvent } from './types';
import { fmt } from './text';

/** Files edited and modules touched within the window that make work "complex". */
export const COMPLEX_FILES = 5;
export const COMPLEX_MODULES = 3;
/** A change this large (characters) across at least 3 files is a large multi-file change. */
export const LARGE_CHANGE_CHARS = 4_000;

/**
 * A module is the directory that names a unit of the code: the first directory under a
 * conventional source root (src/orders/…, app/models/…, packages/billing/…, internal/auth/…).
 */
export function moduleOf(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  parts.pop();
  if (parts.length === 0) return '(root)';
  const roots = new Set(['src', 'lib', 'app', 'apps', 'packages', 'services', 'internal', 'pkg', 'cmd', 'modules', 'server', 'api', 'main', 'java', 'kotlin', 'python', 'go']);
  let i = 0;
  while (i < parts.length - 1 && roots.has(parts[i])) i++;
  return parts.slice(0, i + 1).join('/');
}

export function activitySignals(events: EditEvent[], now: number, windowMinutes: number): Reason[] {
  const since = now - windowMinutes * 60_000;
  const recent = events.filter((e) => e.at >= since && e.at <= now + 1000);
  if (recent.length === 0) return [];
  const byFile = new Map<string, number>();
  for (const e of recent) byFile.set(e.path, (byFile.get(e.path) ?? 0) + Math.max(0, e.size));
  const files = [...byFile.keys()];
  const modules = new Set(files.map(moduleOf));
  const volume = [...byFile.values()].reduce((a, b) => a + b, 0);
  const reasons: Reason[] = [];
  const what = `${files.length} files edited across ${modules.size} module${modules.size === 1 ? '' : 's'} in the last ${windowMinutes} minutes`;
  if (files.length >= COMPLEX_FILES && modules.size >= COMPLEX_MODULES) {
    reasons.push({ signal: 'activity.multi-module', label: 'complex', weight: 4 + Math.min(2, (files.length - COMPLEX_FILES) * 0.25), detail: what });
  } else if (files.length >= 3 && modules.size >= 2) {
    reasons.push({ signal: 'activity.multi-file', label: 'complex', weight: 2, detail: what });
  }
  if (files.length >= 3 && volume >= LARGE_CHANGE_CHARS) {
    reasons.push({ signal: 'activity.large-change', label: 'complex', weight: 1.5, detail: `${fmt(volume)} characters changed across ${files.length} files in the last ${windowMinutes} minutes` });
  }
  return reasons;
}

/** Uncommitted files across modules that make the work at hand `complex` (from git status). */
export const WORKING_TREE_FILES = 6;
export const WORKING_TREE_MODULES = 3;

/**
 * `complex` from the working tree: many uncommitted files across several modules mean a change in
 * progress that spans the codebase, whether or not the edits were seen in this editor session.
 * Only counts when the active file is part of that change.
 */
export function workingTreeSignals(changed: string[], activePath: string): Reason[] {
  if (changed.length < WORKING_TREE_FILES) return [];
  const files = [...new Set(changed.map((p) => p.replace(/\\/g, '/')))];
  if (!files.includes(activePath)) return [];
  const modules = new Set(files.map(moduleOf));
  if (files.length < WORKING_TREE_FILES || modules.size < WORKING_TREE_MODULES) return [];
  return [{
    signal: 'activity.working-tree', label: 'complex', weight: 4 + Math.min(2, (files.length - WORKING_TREE_FILES) * 0.1),
    detail: `${fmt(files.length)} uncommitted files across ${modules.size} modules (git status), this one among them`,
  }];
}
