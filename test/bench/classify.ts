/**
 * Classification speed on a generated 10,000-line TypeScript file and a 1 MB file, and the size
 * of the activation bundle (dist/extension.js, minified) and what heavy modules it holds (none, asserted by the unit tests).
 * Target (issue): under 5 ms for the 10,000-line file. Prints figures; asserts nothing.
 */
import { classify } from '../../src/core/classify';
import { ACTIVATION_BUDGET_BYTES, buildActivationBundle, heavyInputs } from '../support/activation';

/** Realistic service code: imports, a class with methods, queries, validation, some auth. */
export function generateTypeScript(lines: number): string {
  const out: string[] = [
    "import { Router } from 'express';",
    "import jwt from 'jsonwebtoken';",
    "import { z } from 'zod';",
    "import { pool } from '../db/pool';",
    "import { logger } from '../logger';",
    '',
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `export const Item${i}Schema = z.object({ id: z.string().uuid(), name: z.string().min(1), qty: z.number().int() });`,
      `export async function loadItem${i}(id: string, userId: string) {`,
      `  const { rows } = await pool.query('SELECT id, name, qty FROM items WHERE id = $1 AND owner_id = $2', [id, userId]);`,
      `  if (rows.length === 0) {`,
      `    logger.warn({ id }, 'item ${i} not found');`,
      `    return null;`,
      `  }`,
      `  const total = rows.reduce((s: number, r: { qty: number }) => s + r.qty, 0);`,
      `  return { ...rows[0], total };`,
      `}`,
      '',
    );
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(label: string, path: string, content: string, runs: number): void {
  for (let w = 0; w < 5; w++) classify({ active: { path, content } });
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    classify({ active: { path, content } });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const kb = Buffer.byteLength(content) / 1024;
  console.log(`${label.padEnd(34)} ${kb.toFixed(0).padStart(6)} KB  median ${median(samples).toFixed(2)} ms  min ${Math.min(...samples).toFixed(2)} ms  max ${Math.max(...samples).toFixed(2)} ms  (${runs} runs)`);
}

export async function run(): Promise<void> {
  const ts10k = generateTypeScript(10_000);
  time('10,000-line TypeScript file', 'src/items/service.ts', ts10k, 50);
  let oneMb = ts10k;
  while (Buffer.byteLength(oneMb) < 1024 * 1024) oneMb += ts10k;
  oneMb = oneMb.slice(0, 1024 * 1024);
  time('1 MB TypeScript file', 'src/items/big.ts', oneMb, 30);
  const tenMb = 'export const v = "0123456789abcdef";\n'.repeat(290_000);
  time('10 MB file (bounded scan)', 'src/items/huge.ts', tenMb, 10);
  time('1 MB minified bundle', 'public/app.min.js', 'var a=function(){return 1};'.repeat(40_000), 20);

  // The figure; test/unit/architecture/activation.test.ts asserts the budget and the absence of heavy modules.
  const bundle = await buildActivationBundle();
  const heavy = heavyInputs(bundle);
  console.log(`activation bundle dist/extension.js: ${(bundle.bytes / 1024).toFixed(0)} KB minified (budget ${ACTIVATION_BUDGET_BYTES / 1024} KB); ` +
    `heavy modules inside: ${heavy.length ? heavy.join(', ') : 'none'}`);
}
