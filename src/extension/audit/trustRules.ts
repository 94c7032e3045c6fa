/**
 * How a setting's levels combine when the workspace is not trusted (pure, so it is unit-tested
 * without VS Code). A cloned repository's .vscode/settings.json must not choose where code and the
 * API key go, lift a budget, or un-exclude secrets: restricted keys take the user's own value, a
 * workspace may turn local-only on but never off, and it may add exclusions but never remove any.
 */

/** The levels of one setting, as WorkspaceConfiguration.inspect() returns them. */
export interface SettingLevels<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** Effective value when trusted: the most specific level set, as VS Code itself resolves it. */
function effective<T>(l: SettingLevels<T>): T | undefined {
  return l.workspaceFolderValue ?? l.workspaceValue ?? l.globalValue ?? l.defaultValue;
}

function fromWorkspace<T>(l: SettingLevels<T>): boolean {
  return l.workspaceValue !== undefined || l.workspaceFolderValue !== undefined;
}

/** A restricted key: every level when trusted; otherwise the user's value (and whether a workspace value was ignored). */
export function restrictedValue<T>(l: SettingLevels<T>, trusted: boolean): { value: T | undefined; ignoredWorkspace: boolean } {
  if (trusted) return { value: effective(l), ignoredWorkspace: false };
  return { value: l.globalValue ?? l.defaultValue, ignoredWorkspace: fromWorkspace(l) };
}

/** Local-only: untrusted, true at any level wins. */
export function localOnlyValue(l: SettingLevels<boolean>, trusted: boolean): boolean {
  if (trusted) return effective(l) === true;
  return (l.globalValue ?? l.defaultValue) === true || l.workspaceValue === true || l.workspaceFolderValue === true;
}

/** Exclusion globs: untrusted, the user's (or default) list plus whatever the workspace adds. */
export function excludeValue(l: SettingLevels<unknown>, trusted: boolean): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : []);
  const globs = trusted
    ? list(effective(l))
    : [...list(l.globalValue ?? l.defaultValue), ...list(l.workspaceValue), ...list(l.workspaceFolderValue)];
  return [...new Set(globs)];
}
