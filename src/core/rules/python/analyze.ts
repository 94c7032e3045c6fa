import type { RuleHit } from '../hits';
export async function analyzePython(path: string, text: string): Promise<RuleHit[]> { void path; void text; return []; }
