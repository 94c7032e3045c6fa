/**
 * Long runs of the property and fuzz tests, the planted-secret corpus figure, and the redactor's time
 * on adversarial lines at two sizes (linear patterns: 4x the input, about 4x the time).
 * STAKES_FUZZ_SECONDS sets the time per property (default 10).
 */
import * as fc from 'fast-check';
import { PROPERTIES } from '../fuzz/properties';
import { plantedSecrets, secretCorpus } from '../support/secret-corpus';
import { MAX_SENT_LINE_CHARS, Redactor } from '../../src/core/audit/redaction';
import { analyzeFile } from '../../src/core/rules';

async function corpusFigure(): Promise<void> {
  const corpus = secretCorpus();
  let leaked = 0;
  let masked = 0;
  const t0 = Date.now();
  for (const f of corpus) {
    const out = await new Redactor().redact(f.path, f.content);
    leaked += f.secrets.filter((s) => out.includes(s.value)).length;
    masked += f.keep.filter((k) => !out.includes(k)).length;
  }
  const planted = plantedSecrets(corpus).length;
  const keep = corpus.reduce((n, f) => n + f.keep.length, 0);
  console.log(`planted-secret corpus: ${planted} secrets in ${corpus.length} files; ${leaked} reached the payload; ` +
    `${masked} of ${keep} non-secrets masked; ${Date.now() - t0} ms (secretlint loaded on first use)`);
}

async function adversarialTimes(): Promise<void> {
  console.log('redactor and offline rules on adversarial lines (ms at 4 KB → 16 KB; linear ≈ 4x):');
  for (const unit of ['a-', 'a:', '://a:', 'xoxb-', 'Bearer ', 'password=', '-----BEGIN PRIVATE KEY-----', '"a', 'a ']) {
    const times: number[] = [];
    const rules: number[] = [];
    for (const size of [4096, MAX_SENT_LINE_CHARS - 16]) {
      const line = unit.repeat(Math.floor(size / unit.length));
      let t = process.hrtime.bigint();
      await new Redactor().redact('x.ts', `${line}\n${line}\n`);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await analyzeFile('x.ts', `export const x = "${line.replace(/["\\]/g, '')}";\n`);
      rules.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    console.log(`  ${JSON.stringify(unit).padEnd(32)} redact ${times.map((x) => x.toFixed(1)).join(' → ')}   rules ${rules.map((x) => x.toFixed(1)).join(' → ')}`);
  }
}

export async function run(): Promise<void> {
  await corpusFigure();
  await adversarialTimes();
  const seconds = Number(process.env.STAKES_FUZZ_SECONDS ?? 10);
  console.log(`property and fuzz tests, ${seconds} s each:`);
  let failures = 0;
  for (const p of PROPERTIES) {
    const t0 = Date.now();
    const details = await fc.check(p.property as fc.IAsyncProperty<unknown>, {
      numRuns: 10_000_000, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false,
    });
    const secs = (Date.now() - t0) / 1000;
    const failed = details.failed ? 1 : 0;
    failures += failed;
    console.log(`  ${(details.numRuns / secs).toFixed(0).padStart(7)} inputs/s  ${String(details.numRuns).padStart(8)} inputs  ${failed ? 'FAILED' : '0 failures'}  ${p.name}`);
    if (details.failed) console.log(`      counterexample (seed ${details.seed}, path ${details.counterexamplePath}): ${fc.stringify(details.counterexample).slice(0, 400)}`);
  }
  console.log(`fuzz: ${failures} failing propert${failures === 1 ? 'y' : 'ies'}`);
}
