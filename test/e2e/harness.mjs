// The e2e step registry. A spec file in test/e2e/specs/ registers steps:
//
//   import { step } from '../harness.mjs';
//   step('status bar shows sensitive for auth code', async (ui) => {
//     await ui.openFile('src/auth/password.ts');
//     await ui.waitStatus('GPT-5.4 · sensitive');
//   });
//
// Steps run in file order, then registration order, in one workbench session; each is bounded by
// its timeout and screenshotted when it ends (and when it fails).

/** @typedef {(ui: import('./ui.mjs').UI, env: StepEnv) => Promise<void>} StepFn */
/** @typedef {{ workspace: string, fakeProviders?: { baseUrl: string } }} StepEnv */

export const steps = [];

/**
 * @param {string} name
 * @param {StepFn} fn
 * @param {{ timeoutMs?: number, skipUnless?: (env: StepEnv) => (string | undefined), keepEditors?: boolean }} [options]
 *   skipUnless returns a reason to skip (printed as SKIPPED) or undefined to run.
 *   keepEditors: start with the previous step's editors and webviews still open (by default every
 *   step starts with all editors closed).
 */
export function step(name, fn, options = {}) {
  steps.push({ name, fn, timeoutMs: options.timeoutMs ?? 90_000, skipUnless: options.skipUnless, keepEditors: options.keepEditors ?? false });
}
