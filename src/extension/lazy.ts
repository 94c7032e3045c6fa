/**
 * Heavy features (SDKs, database drivers, PGlite, parsers) live in their own bundles next to
 * dist/extension.js and are require()d on first use, so activation never pays for them.
 * Import only *types* from a feature's host module; take the value from loadFeature().
 */
import * as path from 'node:path';

const cache = new Map<string, unknown>();

export function loadFeature<T>(bundle: string): T {
  let mod = cache.get(bundle);
  if (!mod) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle at run time, which esbuild must not inline
    mod = require(path.join(__dirname, `${bundle}.js`));
    cache.set(bundle, mod);
  }
  return mod as T;
}

export function isFeatureLoaded(bundle: string): boolean {
  return cache.has(bundle);
}
