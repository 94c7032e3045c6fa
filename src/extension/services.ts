/** What every extension feature gets from activation: shared, light objects only. */
import type * as vscode from 'vscode';
import type { Classification } from '../core/classify/types';
import type { StakesConfig } from '../core/routing/config';
import type { ReviewDebtSignal } from './reviewDebt';

export interface Services {
  output: vscode.LogOutputChannel;
  /** Label a document (or a range of it) with the same rules, globs and pins as the status bar. */
  classifyDocument(document: vscode.TextDocument, range?: vscode.Range): Classification;
  /** The effective routing configuration (defaults ← settings ← .stakes.json). */
  config(): StakesConfig;
  /** Fires after settings or .stakes.json changed and the configuration was reloaded. */
  onDidChangeConfig: vscode.Event<StakesConfig>;
  /** The review debt count (set by the review feature, shown by the status bar) and "a record was written" (from the audit feature). */
  reviewDebt: ReviewDebtSignal;
}
