/**
 * How every feature registers its commands: one table of `{ id, run }` per feature, each command
 * wrapped in the same handler, so a bug or a feature bundle that fails to load is logged with its
 * stack and shown as one plain message, never an unhandled rejection. Expected failures (no key, a
 * database that refuses the connection) are the feature's to show with their next steps.
 */
import * as vscode from 'vscode';

/** One command of a feature: its id (contributed in package.json unless test-only) and what it does. */
export interface FeatureCommand {
  id: string;
  run: (...args: unknown[]) => unknown;
}

/** Register a feature's command table; the disposables unregister them. */
export function registerCommands(commands: readonly FeatureCommand[], output: vscode.LogOutputChannel): vscode.Disposable[] {
  return commands.map(({ id, run }) => vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(id, run, args, output)));
}

/**
 * Commands that let the extension-host tests read a feature's state: registered only when
 * STAKES_UNDER_TEST=1 and never contributed, so they are not in the palette.
 */
export function testCommands(commands: readonly FeatureCommand[]): readonly FeatureCommand[] {
  return process.env.STAKES_UNDER_TEST === '1' ? commands : [];
}

async function runCommand(id: string, run: FeatureCommand['run'], args: unknown[], output: vscode.LogOutputChannel): Promise<unknown> {
  try {
    return await run(...args);
  } catch (e) {
    output.error(`${id} failed: ${(e as Error)?.stack ?? String(e)}`);
    void vscode.window.showErrorMessage(`Stakes: ${id} failed unexpectedly: ${(e as Error)?.message ?? String(e)}. Details are in the Stakes log.`);
    return undefined;
  }
}
