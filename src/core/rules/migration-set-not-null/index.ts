/** The migration-set-not-null rule: metadata and wording (meta.ts), one matcher per language, fixtures in fixtures/. */
export { default as meta } from './meta';
export { default as sql } from './sql';
