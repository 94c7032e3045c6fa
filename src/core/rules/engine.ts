/**
 * What every language walk shares: the reporter that turns a rule's report (message id + data) into a
 * hit, isolating each rule's errors so one broken matcher never hides the others' findings; and the
 * function summaries that carry taint through local helpers (which parameters reach a sink or the
 * return value), resolved after the walk so helpers may be defined before or after their callers.
 */
import type { Severity } from '../audit/findings';
import { renderMessage, type RuleHit, type RuleMeta } from './rule';
import { step, type Taint } from './taint';

export interface ReportSpec {
  start: number;
  end: number;
  messageId: string;
  data?: Record<string, string | number>;
  severity?: Severity;
  confidence?: number;
  fix?: string | null;
  /** The data the finding is about: its source and path become the finding's flow. */
  taint?: Taint;
}

/** Builds a report for a sink once the taint reaching it is known (directly, or through a caller). */
export type SinkBuilder = (t: Taint) => ReportSpec | null;

export interface RuleError {
  ruleId: string;
  message: string;
}

interface PendingSink {
  meta: RuleMeta;
  mask: number;
  taint: Taint;
  build: SinkBuilder;
}

/** A call of a function declared in this file, with the taint of each argument. */
interface CallSite {
  callee: string;
  args: (Taint | undefined)[];
  start: number;
  end: number;
}

export interface FunctionSummary {
  /** Parameters whose value reaches the return value (bit i = parameter i). */
  returns: number;
  sinks: PendingSink[];
}

const MAX_DEPTH = 4;

export class Reporter {
  readonly hits: RuleHit[] = [];
  readonly errors: RuleError[] = [];
  readonly summaries = new Map<string, FunctionSummary>();
  private readonly calls: CallSite[] = [];

  constructor(readonly text: string) {}

  /** Run one rule's listener; an exception disables nothing else and is reported once per rule. */
  guard(meta: RuleMeta, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(meta, e);
    }
  }

  /** One event to every rule listening for it, each isolated (the walks' hot path: no closure per listener). */
  dispatch<L>(list: readonly { meta: RuleMeta; listeners: L }[], call: (listeners: L) => void): void {
    for (const b of list) {
      try {
        call(b.listeners);
      } catch (e) {
        this.fail(b.meta, e);
      }
    }
  }

  private fail(meta: RuleMeta, e: unknown): void {
    if (!this.errors.some((x) => x.ruleId === meta.id)) this.errors.push({ ruleId: meta.id, message: (e as Error)?.message ?? String(e) });
  }

  report(meta: RuleMeta, r: ReportSpec): void {
    const { title, text } = renderMessage(meta, r.messageId, r.data);
    this.hits.push({
      ruleId: meta.id, start: r.start, end: r.end, title, explanation: text, severity: r.severity, confidence: r.confidence, fix: r.fix ?? null,
      flow: r.taint ? flowOf(r.taint, r.start, r.end) : undefined, dataSource: r.taint?.source,
    });
  }

  /**
   * A sink reached by `taint`. Request or archive data is reported now; a parameter of unknown origin is
   * kept in the summary of the function it belongs to and reported when a caller in this file passes request data,
   * and also now if the rule reports parameters on their own (the builder decides).
   */
  sink(meta: RuleMeta, taint: Taint, build: SinkBuilder): void {
    if (taint.origin === 'param' && taint.paramOf && taint.params) {
      this.summary(taint.paramOf).sinks.push({ meta, mask: taint.params, taint, build });
    }
    const r = build(taint);
    if (r) this.report(meta, { taint, ...r });
  }

  summary(fnKey: string): FunctionSummary {
    let s = this.summaries.get(fnKey);
    if (!s) this.summaries.set(fnKey, (s = { returns: 0, sinks: [] }));
    return s;
  }

  /** A call of a local function: resolved after the walk against its summary. */
  call(callee: string, args: (Taint | undefined)[], start: number, end: number): void {
    if (args.some((a) => a && (a.origin !== 'param' || a.paramOf))) this.calls.push({ callee, args, start, end });
  }

  /** After the walk: sinks inside helpers reached by request data from their callers (transitively). */
  resolve(): void {
    const seen = new Set<string>();
    const visit = (site: CallSite, depth: number): void => {
      const s = this.summaries.get(site.callee);
      if (!s || depth > MAX_DEPTH) return;
      for (const sink of s.sinks) {
        for (let i = 0; i < site.args.length && i < 31; i++) {
          const a = site.args[i];
          if (!a || !(sink.mask & (1 << i))) continue;
          const through = joinPath(step(a, site.start, site.end, `passed to ${site.callee}()`), sink.taint);
          if (a.origin === 'param') {
            // The caller's own parameter: the caller's summary gets the sink too, for its callers.
            const caller = a.paramOf;
            if (caller && a.params) {
              const key = `${site.callee}:${sink.meta.id}:${caller}:${i}`;
              if (!seen.has(key)) {
                seen.add(key);
                this.summary(caller).sinks.push({ meta: sink.meta, mask: a.params, taint: { ...through, paramOf: caller }, build: sink.build });
                for (const c of this.calls) if (c.callee === caller) visit(c, depth + 1);
              }
            }
            continue;
          }
          const r = sink.build(through);
          if (r) this.report(sink.meta, { taint: through, ...r });
          break;
        }
      }
    };
    for (const c of [...this.calls]) visit(c, 0);
  }
}

/** The caller's path up to the call, then the helper's path from its parameter to the sink. */
function joinPath(outer: Taint, inner: Taint): Taint {
  const innerSteps = (inner.steps ?? []).slice(0);
  return { ...inner, origin: outer.origin, source: outer.source, raw: outer.raw || inner.raw, whole: outer.whole && !inner.built,
    built: outer.built || inner.built, normalized: inner.normalized, params: outer.params, paramOf: outer.paramOf,
    steps: [...(outer.steps ?? []), ...innerSteps].slice(-8) };
}

function flowOf(t: Taint, sinkStart: number, sinkEnd: number): RuleHit['flow'] {
  const steps = (t.steps ?? []).filter((s) => !(s.start >= sinkStart && s.end <= sinkEnd));
  if (!steps.length) return undefined;
  return [...steps, { start: sinkStart, end: sinkEnd, note: 'sink' }];
}
