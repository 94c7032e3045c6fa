/**
 * Uncommitted files as VS Code's git extension already knows them (working tree, index, untracked):
 * a synchronous read of state it keeps up to date, so labelling never spawns git on a keystroke.
 * Empty when the git extension is missing, disabled or not active yet.
 */
import * as vscode from 'vscode';

interface GitChange { readonly uri: vscode.Uri }
interface GitRepository {
  readonly state: {
    readonly workingTreeChanges: GitChange[];
    readonly indexChanges?: GitChange[];
    readonly untrackedChanges?: GitChange[];
  };
}
interface GitExports { enabled: boolean; getAPI(v: 1): { readonly repositories: GitRepository[] } }

/** At most this many paths are passed on: enough to tell a change that spans modules. */
const MAX_CHANGED = 2_000;

export function uncommittedUris(): vscode.Uri[] {
  const ext = vscode.extensions.getExtension<GitExports>('vscode.git');
  if (!ext?.isActive || !ext.exports?.enabled) return [];
  const out: vscode.Uri[] = [];
  try {
    for (const repo of ext.exports.getAPI(1).repositories) {
      const s = repo.state;
      for (const list of [s.workingTreeChanges, s.indexChanges ?? [], s.untrackedChanges ?? []]) {
        for (const c of list) {
          out.push(c.uri);
          if (out.length >= MAX_CHANGED) return out;
        }
      }
    }
  } catch {
    return [];
  }
  return out;
}
