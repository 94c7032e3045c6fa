/**
 * The status bar item: `$(shield) GPT-5.4 · sensitive`, with the reasons in the tooltip.
 * Updates on editor switches at once and on typing after a pause; never blocks typing.
 */
import * as vscode from 'vscode';
import type { Classification } from '../../core/classify/types';
import type { Label } from '../../core/labels';
import { recommend, type ResolvedRecommendation } from '../../core/routing/config';
import { Classifier, isClassifiable } from '../classification';
import type { ConfigStore } from '../configStore';
import type { ReviewDebtSignal } from '../reviewDebt';

export const LABEL_ICONS: Record<Label, string> = {
  sensitive: 'shield',
  complex: 'layers',
  'context-heavy': 'book',
  boilerplate: 'zap',
};

const TYPING_DEBOUNCE_MS = 600;
const MAX_TOOLTIP_REASONS = 8;

export interface StatusSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  label: Label | undefined;
  classification: Classification | undefined;
  recommendation: ResolvedRecommendation | null | undefined;
  /** Unreviewed changes in the workspace (review debt); undefined until it was computed. */
  unreviewed: number | undefined;
}

export class StatusController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private current: { doc: vscode.TextDocument; result: Classification; rec: ResolvedRecommendation | null } | undefined;
  private readonly changed = new vscode.EventEmitter<StatusSnapshot>();
  readonly onDidUpdate = this.changed.event;

  constructor(private readonly classifier: Classifier, private readonly store: ConfigStore, private readonly output: vscode.LogOutputChannel,
    private readonly debtSignal: ReviewDebtSignal) {
    this.item = vscode.window.createStatusBarItem('stakes.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Stakes: recommended model';
    this.item.command = 'stakes.showWhy';
    this.disposables.push(
      this.item,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshNow()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshSoon(150)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Output channels and other non-file documents change constantly and never affect the label.
        if (!e.contentChanges.length || !isClassifiable(e.document)) return;
        this.refreshSoon(vscode.window.activeTextEditor?.document === e.document ? TYPING_DEBOUNCE_MS : TYPING_DEBOUNCE_MS * 2);
      }),
      vscode.workspace.onDidCloseTextDocument(() => this.refreshSoon(150)),
      store.onDidChange(() => this.refreshNow()),
      debtSignal.onDidChange(() => this.render()),
    );
    this.refreshNow();
  }

  /** The review debt count as last reported, for the quick pick. */
  get debt() {
    return this.debtSignal.summary;
  }

  get currentResult() {
    return this.current;
  }

  refreshSoon(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refreshNow();
    }, ms);
  }

  refreshNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (!isClassifiable(doc)) {
      this.current = undefined;
      this.item.hide();
      void vscode.commands.executeCommand('setContext', 'stakes.label', undefined);
      this.changed.fire(this.snapshot());
      return;
    }
    let result: Classification;
    try {
      result = this.classifier.classify(doc);
    } catch (e) {
      // The classifier is pure and bounded; if it still fails, say so rather than show a stale label.
      this.output.error(`Classification failed for ${doc.uri.fsPath}: ${(e as Error).stack ?? e}`);
      this.item.text = '$(warning) Stakes';
      this.item.tooltip = 'Stakes could not classify this file; see the "Stakes" output for details.';
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const config = this.store.forUri(doc.uri);
    const rec = recommend(config, result.label);
    this.current = { doc, result, rec };
    void vscode.commands.executeCommand('setContext', 'stakes.label', result.label);
    this.render();
  }

  /** The item from the current label and the review debt count (which changes on its own, after saves and git operations). */
  private render(): void {
    const cur = this.current;
    if (!cur) return;
    const { doc, result, rec } = cur;
    const debt = this.debtSignal.summary;
    const unreviewed = debt && debt.count > 0 ? ` · ${debt.count} unreviewed` : '';
    // A guess is shown as one: `Composer 2 · boilerplate?` when the evidence is thin.
    this.item.text = `$(${LABEL_ICONS[result.label]}) ${rec ? rec.name : 'no model'} · ${result.label}${result.evidence ? '?' : ''}${unreviewed}`;
    this.item.tooltip = this.tooltip(doc, result, rec);
    this.item.backgroundColor = result.label === 'sensitive' || unreviewed ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = {
      label: `Stakes: ${result.label} work, recommended model ${rec?.name ?? 'none'}${unreviewed ? `; ${debt!.count} unreviewed changes` : ''}. Activate for the reasons.`,
      role: 'button',
    };
    this.item.show();
    this.changed.fire(this.snapshot());
  }

  private tooltip(doc: vscode.TextDocument, r: Classification, rec: ResolvedRecommendation | null): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['stakes.showWhy', 'stakes.openRoutingTable', 'stakes.review.show'] };
    md.appendMarkdown(`**${escape(r.label)}** work · confidence ${Math.round(r.confidence * 100)}%\n\n`);
    if (r.evidence) md.appendMarkdown(`_${escape(r.evidence.detail)}: treat the label as a guess._\n\n`);
    if (rec) {
      md.appendMarkdown(`Recommended: **${escape(rec.name)}** (${escape(rec.provider)}) — ${escape(rec.why)}\n\n`);
      if (rec.replaced) md.appendMarkdown(`_${escape(rec.replaced)}_\n\n`);
    } else {
      md.appendMarkdown('Every candidate model for this label is excluded by `excludeModels`.\n\n');
    }
    const reasons = r.reasons.filter((x) => x.weight > 0 || x.signal.startsWith('override') || x.signal.startsWith('default')).slice(0, MAX_TOOLTIP_REASONS);
    if (reasons.length) {
      md.appendMarkdown('Why:\n');
      for (const reason of reasons) {
        const link = reason.line && reason.file === r.file ? ` — [line ${reason.line}](${doc.uri.with({ fragment: `L${reason.line}` }).toString()})` : '';
        md.appendMarkdown(`- $(${LABEL_ICONS[reason.label]}) ${escape(reason.detail)}${link}\n`);
      }
    }
    if (r.runnerUp) md.appendMarkdown(`\n${runnerUpText(r, escape)}\n`);
    if (r.skipped.length) md.appendMarkdown(`\nNot scanned: ${escape(r.skipped.join('; '))}\n`);
    const debt = this.debtSignal.summary;
    if (debt && debt.count > 0) md.appendMarkdown(`\n$(checklist) **${escape(debt.headline)}**: [Show](command:stakes.review.show)\n`);
    md.appendMarkdown('\n[Details](command:stakes.showWhy) · [Routing table](command:stakes.openRoutingTable)');
    return md;
  }

  snapshot(): StatusSnapshot {
    const tip = this.item.tooltip;
    return {
      visible: this.current !== undefined,
      text: this.item.text,
      tooltip: typeof tip === 'string' ? tip : tip?.value ?? '',
      label: this.current?.result.label,
      classification: this.current?.result,
      recommendation: this.current?.rec,
      unreviewed: this.debtSignal.summary?.count,
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/** The runner-up line: the score comparison, or, when a pin or a glob decided, what the signals alone say. */
export function runnerUpText(r: Classification, fmt: (s: string) => string = (s) => s): string {
  if (!r.runnerUp) return '';
  if (r.override) {
    return r.runnerUp.label === r.label
      ? `The signals agree: **${fmt(r.label)}** (score ${r.scores[r.label].toFixed(2)})`
      : `Without the ${r.override.source === 'pin' ? 'pin' : '.stakes.json path rule'}: **${fmt(r.runnerUp.label)}** (score ${r.runnerUp.score.toFixed(2)})`;
  }
  return `Runner-up: **${fmt(r.runnerUp.label)}** (score ${r.runnerUp.score.toFixed(2)} vs ${r.scores[r.label].toFixed(2)})`;
}
