/**
 * The catalogue: every rule folder, in the order the docs list them. A rule is `<rule-id>/` with
 * `meta.ts` (metadata and wording), one matcher per language it supports and `fixtures/` (annotated
 * source files run by test/unit/rules/fixtures.test.ts). The README table and `stakes audit --list-rules`
 * are generated from here; test/unit/rules/catalog.test.ts keeps the folders, the table and the CLI in step.
 */
import type { RuleLanguage, RuleMeta } from './rule';
import type { TsMatcher } from './lang/ts/walk';
import type { PyMatcher } from './lang/python/walk';
import type { GoMatcher } from './lang/go/walk';
import type { MigrationMatcher } from './lang/sql/ops';
import * as sqlInjection from './sql-injection';
import * as nosqlInjection from './nosql-injection';
import * as commandInjection from './command-injection';
import * as codeInjection from './code-injection';
import * as unsafeDeserialization from './unsafe-deserialization';
import * as pathTraversal from './path-traversal';
import * as zipSlip from './zip-slip';
import * as ssrf from './ssrf';
import * as openRedirect from './open-redirect';
import * as xxe from './xxe';
import * as idor from './idor';
import * as massAssignment from './mass-assignment';
import * as hardcodedSecret from './hardcoded-secret';
import * as weakPasswordHash from './weak-password-hash';
import * as weakHash from './weak-hash';
import * as weakCipher from './weak-cipher';
import * as insecureRandom from './insecure-random';
import * as jwtUnsafeVerify from './jwt-unsafe-verify';
import * as missingTransaction from './missing-transaction';
import * as nPlusOne from './n-plus-one';
import * as notNullWithoutDefault from './migration-not-null-without-default';
import * as indexNotConcurrent from './migration-index-not-concurrent';
import * as concurrentInTransaction from './migration-concurrent-in-transaction';
import * as alterColumnType from './migration-alter-column-type';
import * as setNotNull from './migration-set-not-null';
import * as dropColumn from './migration-drop-column';
import * as fkNotValid from './migration-fk-not-valid';
import * as checkNotValid from './migration-check-not-valid';
import * as uniqueConstraint from './migration-unique-constraint';

export type { RuleLanguage, RuleMeta } from './rule';

export interface RuleModule {
  meta: RuleMeta;
  typescript?: TsMatcher;
  python?: PyMatcher;
  go?: GoMatcher;
  /** Migration rules: a matcher over migration operations (SQL files and migrations in any language). */
  sql?: MigrationMatcher;
}

const MODULES = [
  sqlInjection, nosqlInjection, commandInjection, codeInjection, unsafeDeserialization, pathTraversal, zipSlip, ssrf, openRedirect, xxe,
  idor, massAssignment, hardcodedSecret, weakPasswordHash, weakHash, weakCipher, insecureRandom, jwtUnsafeVerify, missingTransaction, nPlusOne,
  notNullWithoutDefault, indexNotConcurrent, concurrentInTransaction, alterColumnType, setNotNull, dropColumn, fkNotValid, checkNotValid, uniqueConstraint,
] as const;

export type RuleId = (typeof MODULES)[number]['meta']['id'];

export const RULE_MODULES: readonly RuleModule[] = MODULES as unknown as readonly RuleModule[];
export const RULES: readonly RuleMeta<RuleId>[] = MODULES.map((m) => m.meta);

const BY_ID = new Map<string, RuleMeta>(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown rule id ${id}`);
  return meta;
}

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

const LANGUAGE_NAMES: Record<RuleLanguage, string> = { typescript: 'TS/JS', python: 'Python', go: 'Go', sql: 'migrations' };

/** The README's rule table (between its markers), generated from the catalogue. */
export function ruleTableMarkdown(): string {
  const rows = RULES.map((r) => {
    const langs = r.languages.map((l) => LANGUAGE_NAMES[l]).join(', ');
    const where = r.tier === 'problem' ? 'problem' : 'AI hint';
    return `| \`${r.id}\` | ${r.cwe ? r.cwe.replace('CWE-', '') : '—'} | ${langs} | ${where} | ${r.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| rule | CWE | languages | shown as | finds |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `stakes audit --list-rules`: one block per rule. */
export function listRulesText(): string {
  const out: string[] = [];
  for (const r of RULES) {
    const langs = r.languages.map((l) => LANGUAGE_NAMES[l]).join(', ');
    out.push(`${r.id}  [${r.severity}${r.cwe ? `, ${r.cwe}` : ''}; ${langs}; ${r.tier === 'problem' ? 'problem' : 'AI-audit hint only'}]`);
    out.push(`  ${r.title}. ${r.description}`);
    if (r.tier === 'hint' && r.tierReason) out.push(`  Hint only: ${r.tierReason}`);
    if (r.anchor) out.push(`  Follows: ${r.anchor}`);
  }
  return out.join('\n') + '\n';
}
