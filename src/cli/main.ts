/** `stakes`: the command line over src/core. Each command lives in src/cli/commands/<name>.ts. */
import { enableCompileCache } from 'node:module';
import { cacheLayout, stakesCacheDir } from '../core/cacheDir';
import { EXIT_USAGE, isUserError, type CliIO } from './io';

type Command = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

/**
 * The command table. Each command is require()d when it runs, and esbuild.mjs makes every module
 * required here its own bundle (dist/cli-<name>.js): dist/cli.js is only this table, and
 * `stakes classify` never parses the audit pipeline, the SQL engines or the rules, let alone the
 * SDKs, drivers and parsers they load. A command added here gets its bundle from this line alone.
 */
const COMMANDS: Record<string, { usage: string; load: () => Command }> = {
  audit: {
    usage: 'audit PATH... [--selection START:END] [--changes [BASE]] [--provider P] [--model ID] [--format json|sarif|markdown] [--fail-on SEVERITY] [--dry-run]   audit code with a model',
    load: () => (require('./commands/audit') as typeof import('./commands/audit')).command,
  },
  classify: {
    usage: 'classify PATH... [--open FILE]... [--edited FILE]... [--json]   label the work and recommend a model',
    load: () => (require('./commands/classify') as typeof import('./commands/classify')).command,
  },
  demo: {
    usage: 'demo [DIR]   run every check on a project (default: examples/shop-api) with no server and no key',
    load: () => (require('./commands/demo') as typeof import('./commands/demo')).command,
  },
  explain: {
    usage: 'explain (--sql SQL | FILE[:LINE]) [--db URL | --schema PATH] [--rows table=N,...] [--analyze] [--format json|text]   EXPLAIN SQL with checks and verified index suggestions',
    load: () => (require('./commands/explain') as typeof import('./commands/explain')).command,
  },
  gate: {
    usage: 'gate [PATH...] [--base REF] [--staged] [--format text|json|sarif|markdown] [--sarif FILE] [--sign-off --note TEXT]   fail while sensitive changes are unreviewed',
    load: () => (require('./commands/gate') as typeof import('./commands/gate')).command,
  },
  mcp: {
    usage: 'mcp [--root DIR]... [--db URL] [--schema PATH]...   serve the agent tools over the Model Context Protocol (stdio), read-only',
    load: () => (require('./commands/mcp') as typeof import('./commands/mcp')).command,
  },
};

/** The commands, in the order `stakes --help` lists them (tests and the bench read it). */
export const COMMAND_NAMES = Object.keys(COMMANDS);

export function usage(): string {
  return ['usage: stakes <command> [options]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '', 'Run `stakes <command> --help` for a command\'s options.'].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage() + '\n');
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`stakes: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`stakes --help\`.\n`);
    return EXIT_USAGE;
  }
  try {
    return await entry.load().run(rest, io);
  } catch (err) {
    // Not instanceof: the command's bundle has its own copy of UserError.
    if (isUserError(err)) {
      io.stderr(`stakes ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`stakes ${name}: internal error: ${(err as Error)?.message ?? String(err)}\n` +
      'This is a bug in Stakes; please report it with the command you ran.\n');
    if (io.env.STAKES_DEBUG) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT_USAGE;
  }
}

declare const STAKES_VERSION: string | undefined;
const VERSION = typeof STAKES_VERSION === 'string' ? STAKES_VERSION : 'dev';

if (require.main === module) {
  // V8's compiled code for the command bundles, kept between runs: a warm `stakes` skips most of the
  // parsing (a no-op when NODE_DISABLE_COMPILE_CACHE is set or the directory cannot be written).
  enableCompileCache?.(cacheLayout(stakesCacheDir(process.env)).compileCache);
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
