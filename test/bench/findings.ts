/**
 * Precision and retention of the offline rules on production code, from judged pointers
 * (test/corpus/findings.jsonl: repo, commit, path, line, rule, judgment, reason — no third-party code).
 * Each judged finding was made by an earlier version of the rules; the current rules run on the same file
 * at the same commit (read from the local git mirrors, or the checkouts), and a judged finding is *kept*
 * when a problem of the same rule starts within two lines of it. Printed per split (the frozen test split
 * of repositories apart from the training split), per rule:
 *   precision of what is kept = true / kept judged,  retention = kept true / judged true,
 * beside the figures for the judged rules as they were (the baseline). New findings the judged set does not
 * cover are counted, not judged: the lead re-judges a sample of them.
 * Needs the mirrors ($STAKES_CORPUS_MIRROR, default /work/.mirror) or checkouts ($STAKES_CORPUS_CHECKOUTS,
 * default /work/checkouts); says so and stops otherwise. STAKES_BENCH_SPLITS=train leaves the test split unread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, ProjectResolver, RULES, type FileResult } from '../../src/core/rules';
import { CORPUS_DIR, mirrorDir, readBlobs, splitOf } from '../corpus/corpus';

interface Judged {
  repo: string;
  commit: string;
  path: string;
  line: number;
  rule: string;
  judgment: 'true' | 'false' | 'debatable';
  reason: string;
}

export const FINDINGS_FILE = path.join(CORPUS_DIR, 'findings.jsonl');
const LINE_SLACK = 2;

function checkoutsDir(): string {
  return process.env.STAKES_CORPUS_CHECKOUTS ?? '/work/checkouts';
}

export function readJudged(file = FINDINGS_FILE): Judged[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    const r = JSON.parse(l) as Judged;
    if (!r.repo || !r.path || !r.rule || !['true', 'false', 'debatable'].includes(r.judgment)) throw new Error(`${file}:${i + 1}: not a judged finding (repo, commit, path, line, rule, judgment)`);
    return r;
  });
}

/** File contents at the judged commit: from the bare mirror when there is one, else the checkout (same commit). */
function readFiles(repo: string, commit: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const gitDir = path.join(mirrorDir(), repo.replace('/', '+'), 'repo');
  if (commit && fs.existsSync(gitDir)) {
    const blobs = readBlobs(gitDir, paths.map((p) => `${commit}:${p}`));
    paths.forEach((p, i) => {
      const b = blobs[i];
      if (b) out.set(p, b.toString('utf8'));
    });
    if (out.size) return out;
  }
  const root = path.join(checkoutsDir(), repo.replace('/', '+'));
  for (const p of paths) {
    try {
      out.set(p, fs.readFileSync(path.join(root, p), 'utf8'));
    } catch {
      // not in the checkout
    }
  }
  return out;
}

interface Tally {
  true: number;
  false: number;
  debatable: number;
}
const empty = (): Tally => ({ true: 0, false: 0, debatable: 0 });
const total = (t: Tally): number => t.true + t.false + t.debatable;
const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(0)}%` : '—').padStart(4);

export async function run(): Promise<void> {
  const judged = readJudged();
  if (!judged.length) {
    console.log(`skipped: no judged findings in ${FINDINGS_FILE}.`);
    return;
  }
  const splits = (process.env.STAKES_BENCH_SPLITS ?? 'train,test').split(',');
  const byFile = new Map<string, Judged[]>();
  for (const j of judged) {
    if (!splits.includes(splitOf(j.repo))) continue;
    const k = `${j.repo}\0${j.commit}\0${j.path}`;
    byFile.set(k, [...(byFile.get(k) ?? []), j]);
  }
  const results = new Map<string, FileResult>();
  let missing = 0;
  const byRepo = new Map<string, { commit: string; paths: string[] }[]>();
  for (const k of byFile.keys()) {
    const [repo, commit, p] = k.split('\0');
    const list = byRepo.get(repo) ?? [];
    const entry = list.find((e) => e.commit === commit);
    if (entry) entry.paths.push(p);
    else list.push({ commit, paths: [p] });
    byRepo.set(repo, list);
  }
  for (const [repo, entries] of byRepo) {
    const root = path.join(checkoutsDir(), repo.replace('/', '+'));
    const resolver = fs.existsSync(root) ? new ProjectResolver(root) : undefined;
    for (const { commit, paths } of entries) {
      const texts = readFiles(repo, commit, paths);
      for (const p of paths) {
        const text = texts.get(p);
        if (text === undefined) {
          missing++;
          continue;
        }
        try {
          results.set(`${repo}\0${commit}\0${p}`, await analyzeFile(p, text, { project: resolver?.factsFor(path.join(root, p)) }));
        } catch (e) {
          console.log(`  ${repo} ${p}: analysis failed (${(e as Error).message})`);
        }
      }
    }
  }
  if (!results.size) {
    console.log(`skipped: none of the judged files could be read (mirrors under ${mirrorDir()}, checkouts under ${checkoutsDir()}; set STAKES_CORPUS_MIRROR / STAKES_CORPUS_CHECKOUTS).`);
    return;
  }
  console.log(`judged findings: ${judged.length} from ${new Set(judged.map((j) => j.repo)).size} repositories (${FINDINGS_FILE}); files read: ${results.size}` +
    (missing ? `, not found: ${missing}` : '') + `; kept = a problem of the same rule within ${LINE_SLACK} lines.`);

  for (const split of (['train', 'test'] as const).filter((s) => splits.includes(s))) {
    const before = new Map<string, Tally>();
    const kept = new Map<string, Tally>();
    const keptAsHint = new Map<string, Tally>();
    let newProblems = 0;
    const lostTrue: Judged[] = [];
    const keptWrong: Judged[] = [];
    const unjudgedList: string[] = [];
    for (const [k, js] of byFile) {
      if (splitOf(js[0].repo) !== split) continue;
      const r = results.get(k);
      if (!r) continue;
      const claimed = new Set<string>();
      for (const j of js) {
        const b = before.get(j.rule) ?? empty();
        b[j.judgment]++;
        before.set(j.rule, b);
        const near = (f: { ruleId: string | null; startLine: number }): boolean => f.ruleId === j.rule && Math.abs(f.startLine - j.line) <= LINE_SLACK;
        const hit = r.findings.find(near);
        if (hit) {
          claimed.add(hit.id ?? `${hit.startLine}`);
          const t = kept.get(j.rule) ?? empty();
          t[j.judgment]++;
          kept.set(j.rule, t);
          if (j.judgment !== 'true') keptWrong.push(j);
        } else {
          if (r.hints.some(near)) {
            const t = keptAsHint.get(j.rule) ?? empty();
            t[j.judgment]++;
            keptAsHint.set(j.rule, t);
          }
          if (j.judgment === 'true') lostTrue.push(j);
        }
      }
      const unjudged = r.findings.filter((f) => !claimed.has(f.id ?? `${f.startLine}`));
      newProblems += unjudged.length;
      if (process.env.STAKES_BENCH_VERBOSE && split === 'train') for (const f of unjudged) unjudgedList.push(`${f.ruleId} ${js[0].repo} ${f.file}:${f.startLine} | ${f.evidence.replace(/\s+/g, ' ').slice(0, 90)}`);
    }
    const sum = (m: Map<string, Tally>): Tally => [...m.values()].reduce((a, t) => ({ true: a.true + t.true, false: a.false + t.false, debatable: a.debatable + t.debatable }), empty());
    const B = sum(before);
    const K = sum(kept);
    console.log(`\n${split === 'train' ? 'training' : 'frozen test'} split: ${total(B)} judged (${B.true} true, ${B.false} false, ${B.debatable} debatable)`);
    console.log(`  baseline precision ${pct(B.true, total(B))}   now: kept ${total(K)} (${K.true} true, ${K.false} false, ${K.debatable} debatable): precision ${pct(K.true, total(K))}, retention ${pct(K.true, B.true)} of the true findings`);
    console.log(`  ${newProblems} other problems on the same files are not in the judged set (unjudged).`);
    console.log('  rule                                  judged  base-prec | kept  prec  retained | as hints');
    for (const rule of RULES.map((m) => m.id).filter((id) => before.has(id) || kept.has(id))) {
      const b = before.get(rule) ?? empty();
      const k = kept.get(rule) ?? empty();
      const h = keptAsHint.get(rule) ?? empty();
      console.log(`  ${rule.padEnd(38)} ${String(total(b)).padStart(5)}   ${pct(b.true, total(b))}    | ${String(total(k)).padStart(4)}  ${pct(k.true, total(k))}  ${String(k.true).padStart(2)}/${String(b.true).padEnd(2)}    | ${total(h)} (${h.true} true)`);
    }
    // STAKES_BENCH_VERBOSE=1: the judged false/debatable findings still reported, with the judge's reason (training split only).
    if (process.env.STAKES_BENCH_VERBOSE && split === 'train') {
      console.log('  still reported, judged false or debatable:');
      for (const j of keptWrong) console.log(`    ${j.judgment.padEnd(9)} ${j.rule} ${j.repo} ${j.path}:${j.line} — ${j.reason.slice(0, 160)}`);
    }
    if (process.env.STAKES_BENCH_VERBOSE && split === 'train') {
      console.log('  other problems on the judged files (unjudged):');
      for (const u of unjudgedList) console.log(`    ${u}`);
    }
    if (lostTrue.length && split === 'train') {
      console.log('  true findings no longer reported as problems:');
      for (const j of lostTrue) console.log(`    ${j.rule} ${j.repo} ${j.path}:${j.line}`);
    }
  }
}
