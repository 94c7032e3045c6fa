/**
 * What an audit command judges, turned into the core's AuditTargets: the current file, the
 * selection, uncommitted changes or branch changes (only changed hunks judged). Also keeps the
 * way back from a target path to its Uri, and the documents whose label routes the model.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseUnifiedDiff } from '../../core/audit/diff';
import { changesScopeFromDiff } from '../../core/audit/scope';
import { isReviewRecord } from '../../core/review/records';
import type { AuditTarget } from '../../core/audit/types';
import { AuditUserError } from './errors';
import { branchChanges, currentFolder, uncommittedChanges, type WorkspaceDiff } from './gitDiff';

export type ScopeKind = 'file' | 'selection' | 'changes' | 'branch';

/** Enough to run the same scope again (the report's Re-run button, retries). */
export type ScopeRequest =
  | { kind: 'file'; uri: string }
  | { kind: 'selection'; uri: string; startLine: number; endLine: number }
  | { kind: 'changes'; folder: string; files?: string[] }
  | { kind: 'branch'; folder: string; base: string; label?: string; files?: string[] };

export interface AuditPlan {
  request: ScopeRequest;
  /** Shown as the report's title: "src/orders.ts", "selection in src/orders.ts (lines 10–42)". */
  title: string;
  targets: AuditTarget[];
  /** Target path → document Uri. */
  uris: Map<string, vscode.Uri>;
  /** Documents (and ranges) whose label routes the model. */
  classifyOn: Array<{ document: vscode.TextDocument; range?: vscode.Range }>;
  /** Files not turned into targets and why (deleted, binary, too large). */
  skipped: Array<{ file: string; reason: string }>;
  /** For changes and branch scopes: the repository, the commit the hunks are against, and the base path of renamed targets (review records). */
  changes?: { root: string; baseRef?: string; renamedFrom: Map<string, string> };
}

/** Largest file sent whole (untracked files, changed files): bigger ones are skipped with a reason. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Documents opened only to classify a multi-file change. */
const MAX_CLASSIFIED = 25;

export function targetPath(uri: vscode.Uri): string {
  if (uri.scheme === 'untitled') return uri.path;
  const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const rel = vscode.workspace.asRelativePath(uri, multi);
  return rel.replace(/\\/g, '/');
}

function activeEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new AuditUserError('Open the file to audit in an editor first.');
  if (['output', 'debug', 'vscode-settings', 'walkThroughSnippet'].includes(editor.document.uri.scheme)) {
    throw new AuditUserError('The active editor is not a source file: open the file to audit.');
  }
  return editor;
}

export function planFromEditor(kind: 'file' | 'selection'): ScopeRequest {
  const editor = activeEditor();
  const uri = editor.document.uri.toString();
  if (kind === 'file') return { kind: 'file', uri };
  const sel = editor.selection;
  if (sel.isEmpty) {
    throw new AuditUserError('Select the code to review first (or run "Stakes: Audit current file").', [
      { title: 'Audit current file', run: () => vscode.commands.executeCommand('stakes.audit.file') },
    ]);
  }
  // A selection ending at column 0 of a line does not include that line.
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  return { kind: 'selection', uri, startLine: sel.start.line + 1, endLine };
}

async function documentTarget(request: Extract<ScopeRequest, { kind: 'file' | 'selection' }>): Promise<AuditPlan> {
  const uri = vscode.Uri.parse(request.uri);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch {
    throw new AuditUserError(`${uri.fsPath || uri.toString()} can no longer be opened: it was moved or deleted.`);
  }
  if (document.getText().trim() === '') throw new AuditUserError(`${targetPath(uri)} is empty: there is nothing to audit.`);
  if (request.kind === 'file' && document.getText().length > MAX_FILE_BYTES) {
    throw new AuditUserError(`${targetPath(uri)} is larger than ${MAX_FILE_BYTES / 1024} KB, too large to audit whole: select the part to review and run "Stakes: Review selection".`);
  }
  const file = targetPath(uri);
  const uris = new Map([[file, uri]]);
  if (request.kind === 'file') {
    return {
      request, title: file, uris, skipped: [],
      targets: [{ path: file, content: document.getText(), languageId: document.languageId, scope: { kind: 'file' }, ...diskFile(uri) }],
      classifyOn: [{ document }],
    };
  }
  const endLine = Math.min(request.endLine, document.lineCount);
  const range = new vscode.Range(request.startLine - 1, 0, endLine - 1, document.lineAt(endLine - 1).text.length);
  if (document.getText(range).trim() === '') throw new AuditUserError('The selection is only whitespace: select the code to review.');
  return {
    request,
    title: `selection in ${file} (lines ${request.startLine}–${endLine})`,
    uris,
    skipped: [],
    targets: [{
      path: file, content: document.getText(), languageId: document.languageId,
      scope: { kind: 'selection', startLine: request.startLine, endLine }, ...diskFile(uri),
    }],
    classifyOn: [{ document, range }],
  };
}

async function readText(abs: string): Promise<{ text: string } | { skip: string }> {
  let buf: Buffer;
  try {
    const stat = await fs.stat(abs);
    if (stat.size > MAX_FILE_BYTES) return { skip: `larger than ${MAX_FILE_BYTES / 1024} KB` };
    buf = await fs.readFile(abs);
  } catch (e) {
    return { skip: `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (buf.includes(0)) return { skip: 'binary' };
  return { text: buf.toString('utf8') };
}

/** Unsaved editors would make the diff's line numbers wrong: offer to save them first. */
async function saveDirtyUnder(root: string): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && !path.relative(root, d.uri.fsPath).startsWith('..'));
  if (dirty.length === 0) return;
  const names = dirty.slice(0, 3).map((d) => path.basename(d.uri.fsPath)).join(', ') + (dirty.length > 3 ? ` and ${dirty.length - 3} more` : '');
  const choice = await vscode.window.showWarningMessage(
    `${names} ${dirty.length === 1 ? 'has' : 'have'} unsaved changes. The audit reads changes from git, so save first to include them.`,
    { modal: true }, 'Save and audit', 'Audit saved versions');
  if (choice === undefined) throw new AuditUserError('Audit cancelled: unsaved changes were not saved.');
  if (choice === 'Save and audit') {
    for (const d of dirty) await d.save();
  }
}

async function diffPlan(request: Extract<ScopeRequest, { kind: 'changes' | 'branch' }>): Promise<AuditPlan> {
  const folder = vscode.Uri.parse(request.folder);
  const diff: WorkspaceDiff = request.kind === 'changes' ? await uncommittedChanges(folder) : await branchChanges(folder, request.base);
  await saveDirtyUnder(diff.root);
  const targets: AuditTarget[] = [];
  const uris = new Map<string, vscode.Uri>();
  const skipped: AuditPlan['skipped'] = [];
  const base = request.kind === 'changes' ? 'HEAD' : request.label ?? request.base;
  const baseLabel = request.kind === 'branch' && request.label ? request.label : diff.baseLabel;
  const renamedFrom = new Map<string, string>();
  // "Audit now" from the review debt view: only the files with unreviewed changes.
  const only = request.files?.length ? new Set(request.files.map((f) => path.resolve(f))) : undefined;
  const wanted = (abs: string) => !only || only.has(path.resolve(abs));

  for (const fd of parseUnifiedDiff(diff.diffText)) {
    if (!wanted(path.join(diff.root, fd.newPath ?? fd.oldPath ?? '')) || isReviewRecord(fd.newPath ?? fd.oldPath ?? '')) continue;
    const shown = fd.newPath ?? fd.oldPath ?? '(unknown)';
    if (fd.status === 'deleted' || !fd.newPath) {
      skipped.push({ file: shown, reason: 'deleted' });
      continue;
    }
    if (fd.binary) {
      skipped.push({ file: shown, reason: 'binary' });
      continue;
    }
    const uri = vscode.Uri.file(path.join(diff.root, fd.newPath));
    const file = targetPath(uri);
    if (fd.hunks.length === 0) {
      skipped.push({ file, reason: fd.status === 'renamed' ? 'renamed without changes' : 'no changed lines' });
      continue;
    }
    const read = await readText(uri.fsPath);
    if ('skip' in read) {
      skipped.push({ file, reason: read.skip });
      continue;
    }
    uris.set(file, uri);
    if (fd.status === 'renamed' && fd.oldPath) renamedFrom.set(file, fd.oldPath);
    targets.push({ path: file, content: read.text, languageId: languageOf(uri), scope: changesScopeFromDiff(fd, base), file: uri.fsPath });
  }
  // Review records (.stakes/reviews/) are metadata about the code, not code to audit.
  for (const abs of diff.untracked.filter((f) => wanted(f) && !isReviewRecord(path.relative(diff.root, f)))) {
    const uri = vscode.Uri.file(abs);
    const file = targetPath(uri);
    const read = await readText(abs);
    if ('skip' in read) {
      skipped.push({ file, reason: read.skip });
      continue;
    }
    if (read.text.trim() === '') continue;
    uris.set(file, uri);
    // A new, never committed file: every line is a change.
    targets.push({ path: file, content: read.text, languageId: languageOf(uri), scope: { kind: 'file' }, file: abs });
  }

  const where = path.basename(diff.root);
  if (targets.length === 0) {
    const none = request.kind === 'changes' ? `No uncommitted changes in ${where}${only ? ' in the chosen files' : ''}` : `No changes in ${where}${only ? ' in the chosen files' : ''} since it left ${baseLabel}`;
    throw new AuditUserError(`${none}${skipped.length ? ` (only ${skipped.map((s) => `${s.file}: ${s.reason}`).join(', ')})` : ''}: nothing to audit.`);
  }
  const classifyOn: AuditPlan['classifyOn'] = [];
  for (const t of targets.slice(0, MAX_CLASSIFIED)) {
    try {
      classifyOn.push({ document: await vscode.workspace.openTextDocument(uris.get(t.path)!) });
    } catch {
      // Classification is best effort: an unreadable document just does not vote.
    }
  }
  const files = `${targets.length} file${targets.length === 1 ? '' : 's'}`;
  const title = only
    ? `unreviewed changes in ${where} against ${request.kind === 'changes' ? 'HEAD' : baseLabel} (${files})`
    : request.kind === 'changes' ? `uncommitted changes in ${where} (${files})` : `branch ${where} against ${baseLabel} (${files})`;
  return { request, title, targets, uris, classifyOn, skipped, changes: { root: diff.root, ...(diff.baseRef ? { baseRef: diff.baseRef } : {}), renamedFrom } };
}

/** The file on disk behind a document, so the core's exclusions can follow symlinks to their target. */
function diskFile(uri: vscode.Uri): { file?: string } {
  return uri.scheme === 'file' ? { file: uri.fsPath } : {};
}

/** The language id VS Code gave the file when it is open; the core infers it from the path otherwise. */
function languageOf(uri: vscode.Uri): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.languageId;
}

export async function buildPlan(request: ScopeRequest): Promise<AuditPlan> {
  return request.kind === 'file' || request.kind === 'selection' ? documentTarget(request) : diffPlan(request);
}

export function changesRequest(folder?: vscode.Uri, files?: string[]): ScopeRequest {
  return { kind: 'changes', folder: (folder ?? currentFolder()).toString(), ...(files?.length ? { files } : {}) };
}

export function branchRequest(base: string, options: { folder?: vscode.Uri; label?: string; files?: string[] } = {}): ScopeRequest {
  return {
    kind: 'branch', folder: (options.folder ?? currentFolder()).toString(), base,
    ...(options.label ? { label: options.label } : {}), ...(options.files?.length ? { files: options.files } : {}),
  };
}
