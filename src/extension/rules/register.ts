/**
 * Offline rules in the editor: on open and on save (debounced) of files labelled sensitive, the
 * deterministic rules run locally and their findings go to the Problems panel under their own
 * collection ('stakes-rules'; the AI audit owns 'stakes'). Quick fixes apply a mechanical fix or add a
 * stakes-ignore comment. The rules bundle loads on the first file that needs it.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../core/audit/findings';
import { isFeatureLoaded, loadFeature } from '../lazy';
import type { Services } from '../services';

const DEBOUNCE_MS = 400;
/** Same languages as languageOf() in core/rules (kept literal so activation does not load the engine). */
const SUPPORTED = /\.(?:[cm]?[jt]sx?|py|go|sql)$/i;
type RunMode = 'sensitive' | 'always' | 'never';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const collection = vscode.languages.createDiagnosticCollection('stakes-rules');
  const findingsByUri = new Map<string, Finding[]>();
  const timers = new Map<string, NodeJS.Timeout>();
  const versions = new Map<string, number>();
  context.subscriptions.push(collection, { dispose: () => timers.forEach((t) => clearTimeout(t)) });
  context.subscriptions.push({
    dispose: () => {
      // Only if the feature was used: disposing must not load the bundle.
      if (isFeatureLoaded('rules')) loadFeature<typeof import('./host')>('rules').disposeRulesWorker();
    },
  });

  const mode = (): RunMode => vscode.workspace.getConfiguration('stakes.rules').get<RunMode>('run', 'sensitive');

  const shouldRun = (doc: vscode.TextDocument, force: boolean): boolean => {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return false;
    if (!SUPPORTED.test(doc.fileName)) return false;
    if (force) return true;
    const m = mode();
    if (m === 'never') return false;
    if (m === 'always') return true;
    try {
      return services.classifyDocument(doc).label === 'sensitive';
    } catch (e) {
      services.output.warn(`Offline rules: could not label ${doc.fileName}: ${(e as Error)?.message ?? String(e)}`);
      return false;
    }
  };

  const run = async (doc: vscode.TextDocument, force = false): Promise<number | undefined> => {
    const key = doc.uri.toString();
    if (!shouldRun(doc, force)) {
      if (findingsByUri.has(key)) {
        collection.delete(doc.uri);
        findingsByUri.delete(key);
      }
      return undefined;
    }
    const version = doc.version;
    versions.set(key, version);
    const rel = vscode.workspace.asRelativePath(doc.uri, false).replace(/\\/g, '/');
    const started = Date.now();
    try {
      const host = loadFeature<typeof import('./host')>('rules');
      const result = await host.analyzeDocument(rel, doc.getText());
      if (versions.get(key) !== version || doc.isClosed) return undefined; // a newer run owns the diagnostics
      findingsByUri.set(key, result.findings);
      collection.set(doc.uri, result.findings.map(toDiagnostic));
      services.output.debug(`Offline rules: ${rel}: ${result.findings.length} finding(s), ${result.suppressed.length} suppressed, ${Date.now() - started} ms`);
      return result.findings.length;
    } catch (e) {
      services.output.error(`Offline rules failed on ${rel}: ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    }
  };

  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      void run(doc);
    }, DEBOUNCE_MS));
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidSaveTextDocument(schedule),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      findingsByUri.delete(key);
      collection.delete(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('stakes.rules')) for (const doc of vscode.workspace.textDocuments) schedule(doc);
    }),
    services.onDidChangeConfig(() => {
      for (const doc of vscode.workspace.textDocuments) schedule(doc);
    }),
    vscode.commands.registerCommand('stakes.rules.checkFile', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) {
        void vscode.window.showInformationMessage('Stakes: open a TypeScript, JavaScript, Python, Go or SQL file to check it with the offline rules.');
        return;
      }
      if (!SUPPORTED.test(doc.fileName)) {
        void vscode.window.showInformationMessage('Stakes: the offline rules cover TypeScript, JavaScript, Python, Go and SQL files.');
        return;
      }
      const n = await run(doc, true);
      if (n !== undefined) {
        void vscode.window.showInformationMessage(n ? `Stakes: ${n} offline rule finding(s) in the Problems panel.` : 'Stakes: no offline rule findings in this file.');
      } else {
        void vscode.window.showErrorMessage('Stakes: the offline rules could not run on this file. See the Stakes log.');
      }
    }),
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], {
      provideCodeActions(doc, _range, ctx) {
        const actions: vscode.CodeAction[] = [];
        const findings = findingsByUri.get(doc.uri.toString()) ?? [];
        for (const d of ctx.diagnostics) {
          if (d.source !== 'Stakes rules') continue;
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
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );

  // Files already open when the extension starts (restored editors), off the activation path.
  const initial = setTimeout(() => {
    for (const doc of vscode.workspace.textDocuments) schedule(doc);
  }, DEBOUNCE_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(initial) });
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
  d.source = 'Stakes rules';
  const cweNumber = f.cwe?.replace('CWE-', '');
  d.code = cweNumber ? { value: f.ruleId ?? 'rule', target: vscode.Uri.parse(`https://cwe.mitre.org/data/definitions/${cweNumber}.html`) } : (f.ruleId ?? 'rule');
  return d;
}
