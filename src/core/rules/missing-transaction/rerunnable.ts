/**
 * Write sequences that a failure half-way leaves harmless, decided once for every language: they are
 * reported as AI-audit hints, not problems (judged false on the production corpus, test/corpus/findings.jsonl).
 *  - a timestamp touch (`modified = now()`): failing it leaves a stale date, not broken data, so it is not
 *    counted as one of the writes;
 *  - replacing a short-lived credential (delete the old reset codes or verification tokens, create a new one):
 *    failing it only means the user asks again;
 *  - a cleanup of deletes only in a scheduled or background job (a cron route, a Celery tasks module, a
 *    prune/purge function): deletes are idempotent and the next run finishes what a failed one left.
 */

/** Fields that only record when a row was last touched. */
const TOUCH_FIELD = /^(?:modified|updated|date_?modified|(?:modified|updated|touched|last_?(?:modified|updated|seen|used|activity|login))(?:_?at|_?on|_?time)?)$/i;

/** An update that sets only timestamp fields. */
export function isTouch(kind: string, fields: readonly string[]): boolean {
  return kind === 'update' && fields.length > 0 && fields.every((f) => TOUCH_FIELD.test(f));
}

/** Models and collections of one-time credentials: reset codes, verification and magic-link tokens, OTPs. */
const CREDENTIAL = /token|otp\b|otps\b|nonce|password_?reset|passwordreset|forgot_?password|reset_?(?:code|link|request)|verification|magic_?link|one_?time/i;


/** Where scheduled and background jobs live: cron routes and folders, Celery's tasks modules, job folders. */
const JOB_PATH = /(?:^|\/)(?:crons?|cronjobs?|bgtasks|scheduled|periodic|jobs)\/|(?:^|\/)(?:tasks|jobs|cron)\.(?:py|[cm]?[jt]s)$/i;
const CLEANUP_NAME = /^(?:prune|purge|clean_?up|cleanup|sweep|expire|empty_?trash|delete_?expired|remove_?expired|delete_?stale|remove_?stale|gc)/i;

/**
 * A sequence a rerun repairs: every write replaces a one-time credential (`target` is its model or collection),
 * or every write is a delete in a scheduled or background job or in a function named for a cleanup.
 */
export function rerunRepairs(writes: readonly { kind: string; target: string }[], path: string, functionName: string): boolean {
  if (!writes.length) return false;
  if (writes.every((w) => CREDENTIAL.test(w.target))) return true;
  return writes.every((w) => w.kind === 'delete') && (JOB_PATH.test(path) || CLEANUP_NAME.test(functionName));
}

/** Seeds, dev scripts, management commands and demo-data generators: what they write is thrown away and rerun. */
const THROWAWAY_PATH = /(?:^|\/)(?:scripts?|tools|seeds?|seeders?|management\/commands)\/|(?:^|\/)\w*(?:seed|dummy_?data|fake_?data|demo_?data|sample_?data)\w*\.(?:py|[cm]?[jt]s)$/i;

/** A file whose writes are not the application's data: the rule does not look at it. */
export function writesThrowawayData(path: string): boolean {
  return THROWAWAY_PATH.test(path);
}
