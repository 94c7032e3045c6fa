/**
 * Structured output for models without a JSON mode (VS Code's LM API) and the fallback for every
 * provider whose SDK-side parse fails: schema in the prompt, fences stripped, JSON.parse, zod.
 */
import { z } from 'zod';

/** The JSON Schema of a zod schema as providers accept it (no `$schema` key: Gemini rejects unknown keys). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** Prompt text that asks for JSON matching `schema`, for models that cannot be given a schema natively. */
export function schemaPromptSection(schema: z.ZodType): string {
  return [
    'Answer with ONE JSON object and nothing else: no prose before or after it, no Markdown code fences.',
    'The object must validate against this JSON Schema (every property is required; use null where the schema allows it):',
    JSON.stringify(jsonSchemaOf(schema)),
  ].join('\n');
}

/** One line per zod issue: "findings[2].startLine: expected number". */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const at = issue.path.length === 0 ? '(top level)' : issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    return `${at}: ${issue.message}`;
  });
}

/** Remove a surrounding Markdown fence and any prose around the outermost JSON object. */
export function stripToJson(text: string): string {
  let t = text.trim();
  const fence = /^```[a-zA-Z0-9_-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(t);
  if (fence) t = fence[1].trim();
  if (!t.startsWith('{')) {
    const start = t.indexOf('{');
    const end = t.lastIndexOf('}');
    if (start >= 0 && end > start) t = t.slice(start, end + 1);
  }
  return t;
}

/** Parse model text into `schema`. Never throws: problems come back as `issues`. */
export function structuredFromText<T>(text: string, schema: z.ZodType<T>): { parsed: T | null; issues: string[] } {
  if (text.trim() === '') return { parsed: null, issues: ['the response was empty'] };
  let value: unknown;
  try {
    value = JSON.parse(stripToJson(text));
  } catch (e) {
    return { parsed: null, issues: [`not valid JSON: ${(e as Error).message}`] };
  }
  return structuredFromValue(value, schema);
}

/** Validate an already-parsed value. */
export function structuredFromValue<T>(value: unknown, schema: z.ZodType<T>): { parsed: T | null; issues: string[] } {
  const result = schema.safeParse(value);
  return result.success ? { parsed: result.data, issues: [] } : { parsed: null, issues: formatZodIssues(result.error) };
}
