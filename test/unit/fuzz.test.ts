/** Bounded runs of the property and fuzz tests (test/fuzz/properties.ts); the long runs are in `npm run bench`. */
import * as fc from 'fast-check';
import { PROPERTIES } from '../fuzz/properties';

describe('property and fuzz tests (bounded run)', function () {
  this.timeout(60_000);
  for (const p of PROPERTIES) {
    it(p.name, async () => {
      // A fixed seed per run of CI would hide new failures: fast-check prints the seed and path to replay one.
      await fc.assert(p.property as fc.IAsyncProperty<unknown>, { numRuns: p.runs });
    });
  }
});
