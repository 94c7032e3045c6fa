/** Adapts VS Code documents to the core classifier: paths, open documents, edits, pins. */
import * as vscode from 'vscode';
import type * as ClassifyHost from './classify/host';
import type { Classification, DocumentInput } from '../core/classify/types';
import { isLabel, type Label } from '../core/labels';
import { MAX_SCAN_LINES } from '../core/classify/text';
import { ActivityTracker } from './activity';
import { uncommittedUris } from './gitState';
import { loadFeature } from './lazy';
import type { ConfigStore } from './configStore';

const PINS_KEY = 'stakes.pins';

/** Documents Stakes labels: real files (and untitled buffers have no path worth judging). */
export function isClassifiable(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && (doc.uri.scheme === 'file' || doc.uri.scheme === 'vscode-remote');
}

export function relativePathOf(uri: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(uri, false);
  return rel.replace(/\\/g, '/');
}

/** The document's text, bounded: the classifier scans at most MAX_SCAN_LINES lines anyway. */
function boundedText(doc: vscode.TextDocument): string {
  if (doc.lineCount <= MAX_SCAN_LINES) return doc.getText();
  return doc.getText(new vscode.Range(0, 0, MAX_SCAN_LINES, 0));
}

/** Enough of a document beside the active one to see what it is (an OpenAPI header, a Markdown title). */
const BESIDE_HEAD_LINES = 60;
function headText(doc: vscode.TextDocument): string {
  return doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, BESIDE_HEAD_LINES), 0));
}

export class Classifier implements vscode.Disposable {
  readonly activity: ActivityTracker;

  constructor(private readonly store: ConfigStore, private readonly state: vscode.Memento) {
    this.activity = new ActivityTracker((uri) => (uri.scheme === 'file' ? relativePathOf(uri) : undefined));
  }

  pinned(doc: vscode.TextDocument): Label | undefined {
    const pins = this.state.get<Record<string, string>>(PINS_KEY, {});
    const v = pins[doc.uri.toString()];
    return isLabel(v) ? v : undefined;
  }

  async pin(doc: vscode.TextDocument, label: Label | undefined): Promise<void> {
    const pins = { ...this.state.get<Record<string, string>>(PINS_KEY, {}) };
    if (label) pins[doc.uri.toString()] = label;
    else delete pins[doc.uri.toString()];
    await this.state.update(PINS_KEY, pins);
  }

  /** Classify a document with everything open beside it; `range` narrows content signals to it. */
  classify(doc: vscode.TextDocument, range?: vscode.Range): Classification {
    const active: DocumentInput = {
      path: relativePathOf(doc.uri),
      languageId: doc.languageId,
      content: boundedText(doc),
      ...(range ? { selection: { startLine: range.start.line + 1, endLine: range.end.line + 1 } } : {}),
    };
    return loadFeature<typeof ClassifyHost>('classify').classify(
      {
        active, others: this.openBeside(doc), activity: this.activity.recent(), now: Date.now(),
        workingTree: [...new Set(uncommittedUris().map(relativePathOf))],
      },
      { config: this.store.forUri(doc.uri), pinned: range ? undefined : this.pinned(doc) },
    );
  }

  /** Visible editors and open tabs other than `doc`. Tabs whose document is not loaded count by path only. */
  private openBeside(doc: vscode.TextDocument): DocumentInput[] {
    const seen = new Set<string>([doc.uri.toString()]);
    const out: DocumentInput[] = [];
    const loaded = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const add = (uri: vscode.Uri) => {
      const key = uri.toString();
      if (seen.has(key) || uri.scheme !== doc.uri.scheme) return;
      seen.add(key);
      const d = loaded.get(key);
      // Beside the active file only the kind (spec, doc) and the size matter: a head and the length,
      // so a keystroke never copies every open document.
      out.push({ path: relativePathOf(uri), languageId: d?.languageId, content: d ? headText(d) : '', ...(d ? { length: d.offsetAt(d.lineAt(d.lineCount - 1).range.end) } : {}) });
    };
    for (const e of vscode.window.visibleTextEditors) add(e.document.uri);
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputText) add(tab.input.uri);
    }
    return out.slice(0, 50);
  }

  dispose(): void {
    this.activity.dispose();
  }
}
