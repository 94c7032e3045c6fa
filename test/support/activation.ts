/**
 * The activation bundle (dist/extension.js) as VS Code loads it: built with esbuild.mjs's own
 * options, minified as `npm run package` ships it. Used by the architecture test (assertions) and
 * the classify bench (figures).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(__dirname, '../../..');
/** The budget for the minified activation bundle: 160 KB (of 1024 bytes). */
export const ACTIVATION_BUDGET_BYTES = 160 * 1024;

/**
 * What must never be in the activation bundle: it loads on first use in a feature bundle instead.
 * Each entry matches a bundled input path (node_modules/… or src/…).
 */
export const HEAVY_INPUTS: Array<{ what: string; pattern: RegExp }> = [
  { what: 'OpenAI SDK', pattern: /^node_modules\/openai\// },
  { what: 'Anthropic SDK', pattern: /^node_modules\/@anthropic-ai\/sdk\// },
  { what: 'Google Gen AI SDK', pattern: /^node_modules\/@google\/genai\// },
  { what: 'PostgreSQL driver (pg)', pattern: /^node_modules\/(pg|pg-[a-z-]+|pgpass)\// },
  { what: 'MySQL driver (mysql2)', pattern: /^node_modules\/mysql2\// },
  { what: 'PGlite', pattern: /^node_modules\/@electric-sql\/pglite\// },
  { what: 'sql.js', pattern: /^node_modules\/sql\.js\// },
  { what: 'TypeScript compiler', pattern: /^node_modules\/typescript\// },
  { what: 'tree-sitter parser', pattern: /^node_modules\/(web-)?tree-sitter/ },
  { what: 'model data (wasm, tokenizers, grammars)', pattern: /\.(wasm|data)$|^node_modules\/(tiktoken|js-tiktoken|gpt-tokenizer|@dqbd)\// },
  { what: 'full zod (activation code uses zod/mini)', pattern: /^node_modules\/zod\/v4\/classic\// },
  { what: 'provider adapters (core/providers)', pattern: /^src\/core\/providers\// },
  { what: 'SQL engines (core/sql/engines)', pattern: /^src\/core\/sql\/engines\// },
  { what: 'offline rule analyzers (core/rules)', pattern: /^src\/core\/rules\// },
  { what: 'the audit pipeline (core/audit)', pattern: /^src\/core\/audit\/pipeline\.ts$/ },
  { what: 'the classifier and its learned model\'s features (dist/classify.js)', pattern: /^src\/core\/classify\/(classifier|features|lexicon|model|rules|prefilter|languages)\.ts$/ },
];

export interface ActivationBundle {
  bytes: number;
  /** Bundled inputs (paths relative to the repository), with the bytes each adds to the output. */
  inputs: Record<string, number>;
}

/** Build src/extension/extension.ts in memory as `node esbuild.mjs --production` does, with a metafile. */
export async function buildActivationBundle(): Promise<ActivationBundle> {
  const config = await import(pathToFileURL(path.join(ROOT, 'esbuild.mjs')).href) as {
    node: esbuild.BuildOptions; nodeBundles: Array<[string, string, esbuild.BuildOptions?]>;
  };
  const entry = config.nodeBundles.find(([, outfile]) => outfile === 'dist/extension.js');
  if (!entry) throw new Error('esbuild.mjs has no dist/extension.js bundle');
  const result = await esbuild.build({
    ...config.node, ...(entry[2] ?? {}), entryPoints: [path.join(ROOT, entry[0])], outfile: path.join(ROOT, entry[1]),
    absWorkingDir: ROOT, minify: true, sourcemap: false, write: false, metafile: true, logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  if (!output) throw new Error('esbuild produced no output for the activation bundle');
  return {
    bytes: output.bytes,
    inputs: Object.fromEntries(Object.entries(output.inputs).map(([file, v]) => [file, v.bytesInOutput])),
  };
}

/** The heavy inputs found in a bundle: "OpenAI SDK (node_modules/openai/index.mjs)". */
export function heavyInputs(bundle: ActivationBundle): string[] {
  const found: string[] = [];
  for (const { what, pattern } of HEAVY_INPUTS) {
    const hit = Object.keys(bundle.inputs).find((f) => pattern.test(f));
    if (hit) found.push(`${what} (${hit})`);
  }
  return found;
}
