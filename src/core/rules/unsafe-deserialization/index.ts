/** The unsafe-deserialization rule: metadata and wording (meta.ts), one matcher per language, fixtures in fixtures/. */
export { default as meta } from './meta';
export { default as typescript } from './ts';
export { default as python } from './python';
