/**
 * What the review feature tells the rest of the editor: how many changes are unreviewed (the
 * status bar shows the count), and when a new review record was written (the audit feature says
 * so, the review feature re-judges at once). Light: no core/review code here.
 */
import * as vscode from 'vscode';

export interface DebtSummary {
  /** Unreviewed changes across the workspace's repositories. */
  count: number;
  /** "3 unreviewed sensitive changes against main (merge base 1a2b3c4d)". */
  headline: string;
}

export class ReviewDebtSignal implements vscode.Disposable {
  private current: DebtSummary | undefined;
  private readonly changed = new vscode.EventEmitter<DebtSummary | undefined>();
  private readonly recordedEmitter = new vscode.EventEmitter<string>();
  /** Fires when the count (or what it is measured against) changes. */
  readonly onDidChange = this.changed.event;
  /** Fires with the record file's path after a review record was written. */
  readonly onDidRecord = this.recordedEmitter.event;

  get summary(): DebtSummary | undefined {
    return this.current;
  }

  set(summary: DebtSummary | undefined): void {
    if (summary?.count === this.current?.count && summary?.headline === this.current?.headline) return;
    this.current = summary;
    this.changed.fire(summary);
  }

  recorded(file: string): void {
    this.recordedEmitter.fire(file);
  }

  dispose(): void {
    this.changed.dispose();
    this.recordedEmitter.dispose();
  }
}
