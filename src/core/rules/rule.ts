/**
 * What a rule is: its metadata and wording (one `meta.ts` per rule folder) and, per language, a
 * matcher that listens to the events of that language's walk (`lang/<language>/walk.ts`). Wording
 * lives only in `messages`; matchers report a message id with data, like ESLint's `meta.messages`.
 */
import type { Category, Severity } from '../audit/findings';
import type { Step } from './taint';

export type RuleLanguage = 'typescript' | 'python' | 'go' | 'sql';

/**
 * Where a rule's findings go. `problem`: the Problems panel and the CLI report, when the finding is
 * confident enough. `hint`: never shown as a problem; passed to the AI audit for the model to confirm
 * or refute (a rule whose judged precision on production code is under 0.8 lives here).
 */
export type RuleTier = 'problem' | 'hint';

export interface Message {
  /** Title of findings with this message, when it differs from the rule's title. */
  title?: string;
  /** The explanation, with {{name}} placeholders filled from the report's data. */
  text: string;
}

export interface RuleMeta<Id extends string = string, M extends string = string> {
  id: Id;
  title: string;
  severity: Severity;
  category: Category;
  cwe: string | null;
  languages: readonly RuleLanguage[];
  /** One sentence: what the rule looks for (README table, `stakes audit --list-rules`). */
  description: string;
  tier: RuleTier;
  /** Why the rule is a hint, when it is (printed with the catalogue). */
  tierReason?: string;
  /** Peers' rule this one follows (Squawk, Semgrep, CodeQL), for the docs. */
  anchor?: string;
  messages: Record<M, Message | string>;
  /** Migration rules: advice per migration framework ('default' for the rest), filled in as {{advice}}. */
  advice?: Partial<Record<string, string>>;
}

/** Declares a rule's metadata with its id and message ids as literal types. */
export function defineRule<const Id extends string, const M extends string>(meta: RuleMeta<Id, M>): RuleMeta<Id, M> {
  return meta;
}

export type MessageIds<T> = T extends RuleMeta<string, infer M> ? M : never;

/** Fill {{name}} placeholders; a missing value is a bug in the rule, so it shows as <name?>. */
export function renderMessage(meta: RuleMeta, messageId: string, data: Record<string, string | number> = {}): { title: string; text: string } {
  const m = meta.messages[messageId as keyof typeof meta.messages] as Message | string | undefined;
  if (m === undefined) throw new Error(`rule ${meta.id} has no message "${messageId}"`);
  const msg = typeof m === 'string' ? { text: m } : m;
  const fill = (s: string): string => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => (k in data ? String(data[k]) : `<${k}?>`));
  return { title: fill(msg.title ?? meta.title), text: fill(msg.text) };
}

/** A rule hit inside one file (character offsets); hits.ts turns it into the shared Finding contract. */
export interface RuleHit {
  ruleId: string;
  /** Character offsets into the file text: the exact code the finding is about. */
  start: number;
  end: number;
  title?: string;
  severity?: Severity;
  explanation: string;
  /** Replacement for text.slice(start, end), when the fix is mechanical. */
  fix?: string | null;
  confidence?: number;
  /** The data's path: source, assignments and calls, then the sink. */
  flow?: Step[];
  /** The source the data came from, as written ("req.query.id"). */
  dataSource?: string;
}
