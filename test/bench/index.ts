/** `npm run bench`: runs every benchmark module in bench/ and prints its figures. No assertions. */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.js') && f !== 'index.js').sort();
  for (const f of files) {
    const name = f.replace(/\.js$/, '');
    if (only && only !== name) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each bench module is found on disk, then loaded
    const mod = require(path.join(__dirname, f)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') continue;
    console.log(`\n=== bench: ${name} ===`);
    await mod.run();
  }
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
