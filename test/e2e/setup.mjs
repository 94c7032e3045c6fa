// `node test/e2e/setup.mjs`: install or verify the VS Code harness tools (see tools.mjs).
import { ensureTools } from './tools.mjs';

try {
  await ensureTools();
} catch (error) {
  process.stderr.write(`[setup] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
