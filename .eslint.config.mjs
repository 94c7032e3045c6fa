// Lint for Stakes: typescript-eslint's recommended rules, plus the architecture of src/README.md
// ("what each folder may import") as import boundaries and a dependency-cycle check.
// `npm run lint` (a dotfile, since the design card fixes the top level: `eslint --config .eslint.config.mjs`);
// .ci/run runs it. test/unit/architecture/ checks the same boundaries
// without ESLint, so a broken lint setup cannot hide a violation.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/**
 * Packages loaded with require() on first use, never at import time: SDKs, database drivers, PGlite,
 * parsers and the TypeScript compiler (src/README.md, "Activation is light"). Nothing else may be
 * require()d; test/unit/architecture/activation.test.ts asserts none reaches dist/extension.js.
 */
const LAZY_PACKAGES = [
  '^openai(/helpers/zod)?$', '^@anthropic-ai/sdk(/helpers/zod)?$', '^@google/genai$',
  '^pg$', '^mysql2/promise$', '^sql\\.js$', '^@electric-sql/pglite$',
  '^typescript$', '^web-tree-sitter$', '^libpg-query$',
];

const folder = (name) => `./src/${name}`;
const never = (from, message) => ({ from, message });

/**
 * What each folder may import (the table in src/README.md). Each zone names what a folder must
 * NOT import; everything else (itself, node builtins, npm packages) is allowed unless said.
 */
const zones = [
  // src/core: pure TypeScript used by the CLI, the extension, tests and benchmarks.
  ...['extension', 'webview', 'protocol', 'cli'].map((f) => ({
    target: folder('core'), ...never(folder(f), `src/core is the shared core: it never imports src/${f} (adapters import core, not the other way round).`),
  })),
  { target: './src/core', from: './test', message: 'src/core never imports test code.' },
  // Inside core, the layers of the data flow: labels ← routing ← classify; providers stand alone;
  // audit uses them all; rules and sql only share the findings contract (audit/findings.ts).
  { target: './src/core/labels.ts', from: './src/core', except: ['./labels.ts'], message: 'core/labels.ts is the bottom layer: it imports nothing from core.' },
  { target: './src/core/routing', from: ['./src/core/classify', './src/core/audit', './src/core/providers', './src/core/rules', './src/core/sql', './src/core/files.ts'],
    message: 'core/routing (the routing table) imports only core/labels: it is part of the activation bundle.' },
  { target: './src/core/classify', from: ['./src/core/audit', './src/core/providers', './src/core/rules', './src/core/sql', './src/core/files.ts'],
    message: 'core/classify runs on every keystroke (dist/classify.js): it imports only core/labels and core/routing.' },
  { target: './src/core/providers', from: ['./src/core/audit', './src/core/classify', './src/core/routing', './src/core/rules', './src/core/sql'],
    message: 'core/providers is one interface over the SDKs: it imports nothing else from core.' },
  { target: './src/core/audit', from: ['./src/core/rules', './src/core/sql'],
    message: 'core/audit takes rule findings as input (hints); it never imports core/rules or core/sql.' },
  { target: ['./src/core/rules', './src/core/sql'], from: './src/core/audit', except: ['./findings.ts'],
    message: 'core/rules and core/sql share only the findings contract (core/audit/findings.ts) with the audit.' },
  { target: ['./src/core/rules', './src/core/sql'], from: ['./src/core/providers', './src/core/routing'],
    message: 'core/rules and core/sql are deterministic: no providers, no routing.' },
  { target: './src/core/rules', from: './src/core/sql', message: 'core/rules has its own SQL text checks (sql-text.ts, migrations.ts); it never imports core/sql.' },
  { target: './src/core/rules', from: './src/core/classify', except: ['./text.ts'], message: 'core/rules shares only the bounded text scan (core/classify/text.ts) with the classifier.' },
  { target: './src/core/sql', from: ['./src/core/rules', './src/core/classify'], message: 'core/sql imports only the findings contract from the rest of core.' },
  // core/review (review debt) sits on top: it labels with the classifier and reads audit reports, and nothing in core imports it.
  { target: './src/core/review', from: ['./src/core/providers', './src/core/rules', './src/core/sql', './src/core/audit/pipeline.ts'],
    message: 'core/review judges records and labels; it never calls providers, the audit pipeline, the rules or the SQL engines.' },
  { target: ['./src/core/labels.ts', './src/core/routing', './src/core/classify', './src/core/providers', './src/core/audit', './src/core/rules', './src/core/sql', './src/core/files.ts', './src/core/cacheDir.ts'],
    from: './src/core/review', message: 'Nothing else in core imports core/review: the CLI, the extension and the MCP server call it.' },

  // core/agent: the agent tools (stakes mcp, VS Code's language-model tools) compose the core through its entry points,
  // and never reach a provider or the audit pipeline: nothing is sent anywhere and nothing costs money.
  { target: './src/core/agent', from: ['./src/core/providers', './src/core/audit'], except: ['./route.ts', './scope.ts', './diff.ts', './findings.ts', './types.ts'],
    message: 'core/agent never calls a model provider or the audit pipeline; it may use the audit\'s routing decision, scope and diff parsing only.' },
  { target: './src/core/agent', from: './src/core/rules', except: ['./index.ts'], message: 'core/agent calls the offline rules through their public entry point (core/rules/index.ts).' },
  { target: './src/core/agent', from: './src/core/sql', except: ['./api.ts'], message: 'core/agent calls SQL EXPLAIN through its public entry point (core/sql/api.ts).' },
  { target: './src/core/agent', from: './src/core/classify', except: ['./index.ts'], message: 'core/agent calls the classifier through core/classify/index.ts.' },
  { target: ['./src/core/labels.ts', './src/core/routing', './src/core/classify', './src/core/audit', './src/core/providers', './src/core/rules', './src/core/sql', './src/core/files.ts', './src/core/git.ts', './src/core/cacheDir.ts'],
    from: './src/core/agent', message: 'Nothing in core depends on core/agent: it is the top layer, used by the MCP server and the editor\'s tools.' },

  // src/extension: the only code that imports vscode. Adapters over core; talks to webviews through src/protocol.
  { target: folder('extension'), ...never(folder('cli'), 'src/extension never imports the CLI: put what both need in src/core.') },
  { target: folder('extension'), ...never(folder('webview'), 'src/extension never imports webview code: shared messages live in src/protocol, shared helpers in src/core.') },
  { target: folder('extension'), ...never('./test', 'src/extension never imports test code.') },
  // Features do not reach into each other; what two features share lives at the top of src/extension or in core.
  { target: './src/extension/audit', from: ['./src/extension/review', './src/extension/sql', './src/extension/rules', './src/extension/status'], message: 'extension/audit does not import another feature: share through src/extension/*.ts or src/core.' },
  { target: './src/extension/sql', from: ['./src/extension/review', './src/extension/audit', './src/extension/rules', './src/extension/status'], message: 'extension/sql does not import another feature: share through src/extension/*.ts or src/core.' },
  { target: './src/extension/rules', from: ['./src/extension/review', './src/extension/audit', './src/extension/sql', './src/extension/status'], message: 'extension/rules does not import another feature: share through src/extension/*.ts or src/core.' },
  { target: './src/extension/status', from: ['./src/extension/audit', './src/extension/sql', './src/extension/rules', './src/extension/review'], message: 'extension/status does not import another feature: share through src/extension/*.ts or src/core.' },
  { target: './src/extension/review', from: ['./src/extension/audit', './src/extension/sql', './src/extension/rules', './src/extension/status'], message: 'extension/review does not import another feature: share through src/extension/*.ts or src/core.' },

  // The activation bundle's own files never import the heavy core (it would be bundled into dist/extension.js).
  { target: ['./src/extension/*.ts', './src/extension/*/register.ts', './src/extension/status'],
    from: ['./src/core/providers', './src/core/rules', './src/core/sql/engines', './src/core/sql/api.ts', './src/core/audit/pipeline.ts', './src/core/review'],
    message: 'Activation code never imports SDK adapters, engines, rule analyzers, the audit pipeline or the review debt engine: a feature host loads them on first use.' },
  { target: ['./src/extension/*.ts', './src/extension/*/register.ts', './src/extension/status'],
    from: ['./src/core/classify/index.ts', './src/core/classify/classifier.ts', './src/core/classify/features.ts', './src/core/classify/lexicon.ts', './src/core/classify/model.ts', './src/core/classify/rules.ts'],
    message: 'Activation code takes the classifier from loadFeature(\'classify\') (dist/classify.js): the signal table and the learned model\'s features are not in the activation bundle.' },

  // src/webview: browser code (bundled into media/*.js). Core's pure modules and the protocol only.
  ...['extension', 'cli'].map((f) => ({
    target: folder('webview'), ...never(folder(f), `src/webview is browser code: it never imports src/${f}.`),
  })),
  { target: folder('webview'), ...never('./test', 'src/webview never imports test code.') },

  // src/protocol: the messages between the extension host and the webviews; both import it.
  ...['extension', 'webview', 'cli'].map((f) => ({
    target: folder('protocol'), ...never(folder(f), `src/protocol is the contract between host and webview: it imports only src/core, never src/${f}.`),
  })),

  // src/cli: the command line over core.
  ...['extension', 'webview', 'protocol'].map((f) => ({
    target: folder('cli'), ...never(folder(f), `src/cli is the command line over src/core: it never imports src/${f}.`),
  })),
];

/** Files that must never import vscode (even as types). */
const noVscode = {
  paths: [{ name: 'vscode', message: 'Only src/extension imports vscode: core, CLI, protocol and webview code run outside VS Code.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'media/**', 'examples/**', 'test-results/**', '.vscode-test/**', '**/*.d.ts', 'src/core/rules/*/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: {
      // Imports are extensionless relative paths to .ts files; the cycle check parses them with the TS parser.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': ['error', { allow: LAZY_PACKAGES }],
      // NUL markers, ASCII ranges and ANSI escapes in regular expressions are deliberate here
      // (binary detection, interpolation markers, stripping colours from logs).
      'no-control-regex': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    files: ['src/core/**', 'src/cli/**', 'src/webview/**', 'src/protocol/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', noVscode] },
  },
  {
    // Browser code: no Node built-ins (they would break media/*.js at run time).
    files: ['src/webview/**', 'src/protocol/**'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    // The light half of each feature (activation bundle) may import its heavy host only as types:
    // the host is a separate bundle, loaded with loadFeature() on first use.
    files: ['src/extension/extension.ts', 'src/extension/*/register.ts', 'src/extension/lazy.ts', 'src/extension/services.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)host$', allowTypeImports: true, message: 'Activation code imports a feature host only as a type; take the value from loadFeature().' }],
      }],
    },
  },
  {
    // The MCP SDK is for `stakes mcp` only: no other command, and never the extension, loads it.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/commands/mcp.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@modelcontextprotocol/*'], message: 'Only src/cli/commands/mcp.ts imports the MCP SDK (other commands and the extension never load it).' }] }] },
  },
  {
    // The CLI loads each command on first use, and a command its heavy half (audit → audit-model):
    // esbuild.mjs makes each module required this way its own bundle (dist/cli-<name>.js), so
    // `stakes classify` never parses the audit or SQL code and `stakes audit --offline` never the SDKs.
    files: ['src/cli/main.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: [...LAZY_PACKAGES, '^\\./commands/[a-z-]+$'] }] },
  },
  {
    files: ['src/cli/commands/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: [...LAZY_PACKAGES, '^\\./[a-z-]+$'] }] },
  },
  {
    // The rules bench compares with eslint-plugin-security (untyped), loaded only when that bench runs.
    files: ['test/bench/**'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: [...LAZY_PACKAGES, '^eslint$', '^eslint-plugin-security$'] }] },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        Buffer: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', AbortController: 'readonly', WebAssembly: 'readonly', Blob: 'readonly',
      },
    },
  },
  {
    // Playwright specs pass functions that run in the page: browser globals there.
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { document: 'readonly', navigator: 'readonly', window: 'readonly' } },
  },
);
