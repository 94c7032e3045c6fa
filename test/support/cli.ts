/** Run the `stakes` CLI in-process with captured output (tests of commands and their exit codes). */
import { main } from '../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
  });
  return { code, stdout, stderr };
}
