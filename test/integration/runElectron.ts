/**
 * `npm run test:vscode`: the extension-host suite under desktop VS Code via @vscode/test-electron.
 * Uses VSCODE_EXECUTABLE_PATH when given, otherwise lets test-electron download VS Code. Where
 * neither is possible (no network to Microsoft's update server, as on the CI machines) it prints a
 * SKIPPED line with the reason; the same suite then runs inside code-server
 * (node test/e2e/integration.mjs), which CI does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../../..');

function skip(reason: string): never {
  console.log(`SKIPPED: extension-host suite under desktop VS Code: ${reason}`);
  console.log('         (the same suite runs inside code-server: node test/e2e/integration.mjs)');
  process.exit(process.env.STAKES_REQUIRE_DESKTOP_VSCODE === '1' ? 1 : 0);
}

function isDownloadFailure(error: unknown): boolean {
  const text = String(error instanceof Error ? `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}` : error);
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|update\.code\.visualstudio\.com|Failed to get JSON|fetch failed/i.test(text);
}

async function main(): Promise<void> {
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (executable && !fs.existsSync(executable)) {
    console.error(`VSCODE_EXECUTABLE_PATH=${executable} does not exist: point it at a VS Code binary or unset it.`);
    process.exit(2);
  }
  // The tests write .stakes.json and settings: give them a private copy of the example.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-electron-'));
  const workspace = path.join(scratch, 'shop-api');
  fs.cpSync(path.join(repoRoot, 'examples', 'shop-api'), workspace, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|\.git|dist|out)$/.test(src),
  });
  let skipReason: string | undefined;
  try {
    const code = await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : {}),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      extensionTestsEnv: { STAKES_UNDER_TEST: '1', STAKES_TEST_GREP: process.env.STAKES_TEST_GREP ?? '' },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${path.join(scratch, 'user-data')}`,
      ],
    });
    process.exitCode = code;
  } catch (error) {
    if (!executable && isDownloadFailure(error)) {
      skipReason = `VS Code could not be downloaded (${error instanceof Error ? error.message : String(error)}) and VSCODE_EXECUTABLE_PATH is not set`;
    } else {
      console.error(`extension-host suite failed to run: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (skipReason) skip(skipReason);
}

void main();
