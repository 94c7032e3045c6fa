/**
 * Review debt in the editor, the light half: the "Review debt" view in the Source Control side bar
 * (its data comes from the host), its command table, and a start shortly after activation so the
 * status bar's count appears without slowing start-up. Git, the records and the classifier are in
 * dist/review.js (host.ts), loaded then.
 */
import * as vscode from 'vscode';
import { registerCommands, testCommands } from '../commands';
import { loadFeature } from '../lazy';
import type { Services } from '../services';
import type { ReviewHost, ReviewNode } from './host';

type Host = typeof import('./host');

/** Same id as the view contributed in package.json. */
const VIEW_ID = 'stakes.reviewDebt';
/** The first computation waits this long after activation (git and the classifier stay off the start-up path). */
const START_DELAY_MS = 1200;

export function register(context: vscode.ExtensionContext, services: Services): void {
  const treeChanged = new vscode.EventEmitter<ReviewNode | undefined>();
  let host: ReviewHost | undefined;
  const getHost = (): ReviewHost => {
    host ??= loadFeature<Host>('review').createReviewHost(context, services, { view: () => view, treeChanged });
    return host;
  };
  const view: vscode.TreeView<ReviewNode> = vscode.window.createTreeView<ReviewNode>(VIEW_ID, {
    treeDataProvider: {
      onDidChangeTreeData: treeChanged.event,
      getChildren: (node) => getHost().children(node),
      getTreeItem: (node) => getHost().treeItem(node),
    },
    showCollapseAll: true,
    canSelectMany: true,
  });
  context.subscriptions.push(view, treeChanged);

  context.subscriptions.push(...registerCommands([
    { id: 'stakes.review.auditNow', run: (node) => getHost().auditNow(node) },
    { id: 'stakes.review.reviewSelection', run: (node) => getHost().reviewSelection(node) },
    { id: 'stakes.review.markReviewed', run: (node, selected, options) => getHost().markReviewed(node, selected, options) },
    { id: 'stakes.review.goToCode', run: (node) => getHost().goToCode(node) },
    { id: 'stakes.review.refresh', run: () => getHost().refresh() },
    { id: 'stakes.review.chooseBase', run: () => getHost().chooseBase() },
    { id: 'stakes.review.show', run: () => vscode.commands.executeCommand(`${VIEW_ID}.focus`) },
    ...testCommands([
      // What the view shows, for test/integration; 'refresh' waits for a full recomputation first.
      { id: 'stakes.review.testState', run: (action) => getHost().testState(action) },
    ]),
  ], services.output));

  if (vscode.workspace.workspaceFolders?.length) {
    const timer = setTimeout(() => {
      try {
        void getHost().start();
      } catch (e) {
        services.output.error(`Review debt could not start: ${(e as Error).stack ?? e}`);
      }
    }, START_DELAY_MS);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
}
