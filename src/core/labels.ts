/** The four kinds of backend work Stakes distinguishes, in precedence order (see classify/precedence). */
export const LABELS = ['sensitive', 'complex', 'context-heavy', 'boilerplate'] as const;
export type Label = (typeof LABELS)[number];

export function isLabel(value: unknown): value is Label {
  return typeof value === 'string' && (LABELS as readonly string[]).includes(value);
}
