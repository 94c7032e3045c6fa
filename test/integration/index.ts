/**
 * Entry point VS Code loads as `extensionTestsPath` (test-electron, or code-server's smoke-test
 * driver payload): runs every *.test.js beside this file in one Mocha instance inside the real
 * extension host. STAKES_TEST_GREP narrows the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  const grep = process.env.STAKES_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  console.log('[stakes-integration] suite starting'); // the code-server runner streams from here on
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
