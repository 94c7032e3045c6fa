/** Reading the layers of configuration from disk: the repo's `.stakes.json` over settings over defaults. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyLayer, ConfigError, defaultConfig, parseStakesFile, validateStakesFile, type StakesConfig } from './config';

export const STAKES_FILE = '.stakes.json';

export interface LoadedConfig {
  config: StakesConfig;
  /** Problems found; the layers that had them were ignored (the rest still applies). */
  errors: ConfigError[];
}

/**
 * Build the effective configuration. `settings` is the `stakes.routing` settings object (from VS Code),
 * validated the same way as the file; `settingsOrigin` names it in errors ("User settings (stakes.routing)").
 */
export function loadConfig(root: string | undefined, settings?: unknown, settingsOrigin = 'settings (stakes.routing)'): LoadedConfig {
  let config = defaultConfig();
  const errors: ConfigError[] = [];
  if (settings !== undefined && settings !== null && !(typeof settings === 'object' && Object.keys(settings as object).length === 0)) {
    try {
      config = applyLayer(config, validateStakesFile(settings, settingsOrigin), settingsOrigin);
    } catch (e) {
      if (e instanceof ConfigError) errors.push(e);
      else throw e;
    }
  }
  if (root) {
    const file = path.join(root, STAKES_FILE);
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        errors.push(new ConfigError(file, [`cannot be read: ${(e as Error).message}`]));
      }
    }
    if (text !== undefined) {
      try {
        config = applyLayer(config, parseStakesFile(text, file), STAKES_FILE);
      } catch (e) {
        if (e instanceof ConfigError) errors.push(e);
        else throw e;
      }
    }
  }
  return { config, errors };
}
