/** `stakes`: the command line over src/core. Each command lives in src/cli/commands/<name>.ts. */
import { EXIT_USAGE, UserError, type CliIO } from './io';

type Command = { summary: string; run: (argv: string[], io: CliIO) => Promise<number> };

// Commands are required on demand (.eslint.config.mjs allows exactly these): `stakes classify` never evaluates
// the audit pipeline, the SQL engines or the rules, let alone the SDKs, drivers and parsers they load.
const COMMANDS: Record<string, () => Command> = {
  audit: () => (require('./commands/audit') as typeof import('./commands/audit')).command,
  classify: () => (require('./commands/classify') as typeof import('./commands/classify')).command,
  demo: () => (require('./commands/demo') as typeof import('./commands/demo')).command,
  explain: () => (require('./commands/explain') as typeof import('./commands/explain')).command,
  gate: () => (require('./commands/gate') as typeof import('./commands/gate')).command,
};

const SUMMARIES: Record<string, string> = {
  audit: 'audit PATH... [--selection START:END] [--changes [BASE]] [--provider P] [--model ID] [--format json|sarif|markdown] [--fail-on SEVERITY] [--dry-run]   audit code with a model',
  classify: 'classify PATH... [--open FILE]... [--edited FILE]... [--json]   label the work and recommend a model',
  demo: 'demo [DIR]   run every check on a project (default: examples/shop-api) with no server and no key',
  explain: 'explain (--sql SQL | FILE[:LINE]) [--db URL | --schema PATH] [--rows table=N,...] [--analyze] [--format json|text]   EXPLAIN SQL with checks and verified index suggestions',
  gate: 'gate [PATH...] [--base REF] [--staged] [--format text|json|sarif|markdown] [--sarif FILE] [--sign-off --note TEXT]   fail while sensitive changes are unreviewed',
};

export function usage(): string {
  return ['usage: stakes <command> [options]', '', 'commands:', ...Object.keys(COMMANDS).map((c) => `  ${SUMMARIES[c] ?? c}`),
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
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`stakes: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`stakes --help\`.\n`);
    return EXIT_USAGE;
  }
  try {
    return await load().run(rest, io);
  } catch (err) {
    if (err instanceof UserError) {
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
