/**
 * Whether a path may hold a migration (SQL files included): the cheap test the CLI and the editor
 * make before asking git whether a file is on the main branch (`onMainBranch`); the engine decides
 * from the content. Its own module so the editor's rules host imports it without the engine.
 */
export function mayBeMigration(path: string): boolean {
  return /migrat|alembic|versions\/|schema|\.sql$/i.test(path);
}
