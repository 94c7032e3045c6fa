/**
 * The CLI's bundles as esbuild.mjs builds them (dist/cli.js, the command table, and one
 * dist/cli-<name>.js per chunk it require()s), in memory with a metafile per bundle. Used by the
 * architecture test (assertions) and the CLI bench (figures).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ROOT, type ActivationBundle } from './activation';

export interface CliBundle extends ActivationBundle {
  /** dist/cli.js, dist/cli-classify.js, … (repository-relative). */
  outfile: string;
  /** The chunks it require()s at run time: ['cli-classify', …]. */
  requires: string[];
}

export async function buildCliBundles(options: { minify?: boolean } = {}): Promise<CliBundle[]> {
  const config = await import(pathToFileURL(path.join(ROOT, 'esbuild.mjs')).href) as {
    cliBundles: (build: (o: esbuild.BuildOptions) => Promise<esbuild.BuildResult>, extra?: esbuild.BuildOptions, root?: string) =>
      Promise<Array<{ entry: string; outfile: string; result: esbuild.BuildResult }>>;
  };
  const built = await config.cliBundles((o) => esbuild.build(o),
    { write: false, metafile: true, sourcemap: false, minify: options.minify ?? false, logLevel: 'silent' }, ROOT);
  return built.map(({ outfile, result }) => {
    const output = Object.values(result.metafile!.outputs).find((o) => o.entryPoint);
    if (!output) throw new Error(`esbuild produced no output for ${outfile}`);
    return {
      outfile: path.relative(ROOT, outfile).split(path.sep).join('/'),
      bytes: output.bytes,
      inputs: Object.fromEntries(Object.entries(output.inputs).map(([file, v]) => [file, v.bytesInOutput])),
      requires: output.imports.filter((i) => i.external && /^\.\/cli-/.test(i.path)).map((i) => i.path.replace(/^\.\/|\.js$/g, '')),
    };
  });
}
