/** The JSON schema shipped for `.stakes.json` completion (media/stakes.schema.json), generated from the zod schema. */
import * as z from 'zod/mini';
import { StakesFileSchema, type StakesConfig } from './config';

export function stakesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(StakesFileSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Stakes routing table (.stakes.json)',
    description: 'Which model Stakes recommends for each kind of work, which paths are which kind, which models are excluded, and what review each kind of change needs before `stakes gate` passes (review). Commit it with the repo.',
  };
}

/** A starting `.stakes.json` showing the current table, for "Open the routing table". */
export function stakesFileTemplate(config: StakesConfig): string {
  const file = {
    recommendations: config.recommendations,
    paths: Object.fromEntries(config.paths.map((p) => [p.glob, p.label])),
    excludeModels: config.excludeModels,
  };
  return JSON.stringify(file, null, 2) + '\n';
}
