import { parseArgs, type ParseArgsConfig } from 'node:util';
/** What a CLI command may touch: its output streams and where it runs. Tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** A finding at or above --fail-on exists (audit). */
export const EXIT_FINDINGS = 1;
/** Bad input, or a provider/database failure: the message says what and what to do. */
export const EXIT_USAGE = 2;

/** An error whose message is meant for the user as is: no stack trace is printed. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * True for a UserError from any bundle: each CLI command is its own bundle with its own copy of
 * this class (esbuild.mjs, cliBundles), so the command table cannot use instanceof.
 */
export function isUserError(err: unknown): err is UserError {
  return err instanceof Error && err.name === 'UserError' && typeof (err as UserError).exitCode === 'number';
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends OptionsConfig> = O & { help: { type: 'boolean'; short: 'h' } };

/**
 * Parse a command's arguments the way every `stakes` command does: unknown or malformed options
 * become a UserError followed by the command's help; `--help` prints the help and yields undefined.
 */
export function parseCommandArgs<O extends OptionsConfig>(argv: string[], options: O, help: string, io: CliIO) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } as WithHelp<O> });
  } catch (e) {
    throw new UserError(`${(e as Error).message}\n${help}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout(help + '\n');
    return undefined;
  }
  return parsed;
}
