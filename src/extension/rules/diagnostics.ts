/**
 * The offline rules' findings in the Problems panel (collection 'stakes-rules'; the AI audit owns
 * 'stakes'): which files are checked and when (stakes.rules.run), a debounced run per document whose
 * newest version owns the diagnostics, and the quick fixes (a mechanical fix, or a stakes-ignore comment).
 */
import * as vscode from 'vscode';
import type { Finding } from '../../core/audit/findings';
import { isFeatureLoaded, loadFeature } from '../lazy';
import type { Services } from '../services';

const DEBOUNCE_MS = 400;
/** Same languages as languageOf() in core/rules (kept literal so activation does not load the engine). */
export const SUPPORTED = /\.(?:[cm]?[jt]sx?|py|go|sql)$/i;
const SOURCE = 'Stakes rules';
type RunMode = 'sensitive' | 'always' | 'never';

type Host = typeof import('./host');

export class RuleDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('stakes-rules');
  private readonly findingsByUri = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly services: Services) {}

  /** Check a document now. `force` ignores stakes.rules.run (the command). Resolves to the finding count, or undefined when not run or failed. */
  async run(doc: vscode.TextDocument, force = false): Promise<number | undefined> {
    const key = doc.uri.toString();
    if (!this.shouldRun(doc, force)) {
      if (this.findingsByUri.has(key)) this.forget(doc.uri);
      return undefined;
    }
    const version = doc.version;
    this.versions.set(key, version);
    const rel = vscode.workspace.asRelativePath(doc.uri, false).replace(/\\/g, '/');
    const started = Date.now();
    try {
      const result = await loadFeature<Host>('rules').analyzeDocument(rel, doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
      if (this.versions.get(key) !== version || doc.isClosed) return undefined; // a newer run owns the diagnostics
      this.findingsByUri.set(key, result.findings);
      this.collection.set(doc.uri, result.findings.map(toDiagnostic));
      this.services.output.debug(`Offline rules: ${rel}: ${result.findings.length} finding(s), ${result.suppressed.length} suppressed, ${Date.now() - started} ms`);
      return result.findings.length;
    } catch (e) {
      this.services.output.error(`Offline rules failed on ${rel}: ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    }
  }

  /** Check a document after the debounce (open, save, settings changed). */
  schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.run(doc);
    }, DEBOUNCE_MS));
  }

  scheduleAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
  }

  closed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.forget(doc.uri);
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const findings = this.findingsByUri.get(doc.uri.toString()) ?? [];
    for (const d of ctx.diagnostics) {
      if (d.source !== SOURCE) continue;
      const f = findings.find((x) => x.ruleId === codeOf(d) && x.startLine - 1 === d.range.start.line && (x.startColumn ?? 0) === d.range.start.character);
      if (!f) continue;
      if (f.fix !== null) {
        const a = new vscode.CodeAction(`Fix: ${f.title}`, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.replace(doc.uri, d.range, f.fix);
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      }
      const line = doc.lineAt(d.range.start.line);
      const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
      const marker = /\.py$/i.test(doc.fileName) ? '#' : /\.sql$/i.test(doc.fileName) ? '--' : '//';
      const s = new vscode.CodeAction(`Suppress ${f.ruleId} on this line (stakes-ignore)`, vscode.CodeActionKind.QuickFix);
      s.edit = new vscode.WorkspaceEdit();
      s.edit.insert(doc.uri, new vscode.Position(d.range.start.line, 0), `${indent}${marker} stakes-ignore ${f.ruleId} reason: \n`);
      s.diagnostics = [d];
      actions.push(s);
    }
    return actions;
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.collection.dispose();
    // Only if the feature was used: disposing must not load the bundle.
    if (isFeatureLoaded('rules')) loadFeature<Host>('rules').disposeRulesWorker();
  }

  private shouldRun(doc: vscode.TextDocument, force: boolean): boolean {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return false;
    if (!SUPPORTED.test(doc.fileName)) return false;
    if (force) return true;
    const mode = vscode.workspace.getConfiguration('stakes.rules').get<RunMode>('run', 'sensitive');
    if (mode === 'never') return false;
    if (mode === 'always') return true;
    try {
      return this.services.classifyDocument(doc).label === 'sensitive';
    } catch (e) {
      this.services.output.warn(`Offline rules: could not label ${doc.fileName}: ${(e as Error)?.message ?? String(e)}`);
      return false;
    }
  }

  private forget(uri: vscode.Uri): void {
    this.findingsByUri.delete(uri.toString());
    this.collection.delete(uri);
  }
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

function toDiagnostic(f: Finding): vscode.Diagnostic {
  const range = new vscode.Range(f.startLine - 1, f.startColumn ?? 0, f.endLine - 1, f.endColumn ?? Number.MAX_SAFE_INTEGER);
  const severity = f.severity === 'critical' || f.severity === 'high' ? vscode.DiagnosticSeverity.Error
    : f.severity === 'medium' ? vscode.DiagnosticSeverity.Warning
      : f.severity === 'low' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Hint;
  const d = new vscode.Diagnostic(range, `${f.title} [${f.severity}${f.cwe ? `, ${f.cwe}` : ''}]: ${f.explanation}`, severity);
  d.source = SOURCE;
  const cweNumber = f.cwe?.replace('CWE-', '');
  d.code = cweNumber ? { value: f.ruleId ?? 'rule', target: vscode.Uri.parse(`https://cwe.mitre.org/data/definitions/${cweNumber}.html`) } : (f.ruleId ?? 'rule');
  return d;
}
