/**
 * The hand-labelled corpus: pointers (repo, commit, path, label, reason) in labels.jsonl, and the
 * file contents read from local git mirrors of those repositories (never committed). The split is
 * by repository and frozen: a repository is in the test split when the first byte of the SHA-256
 * of its name is below 64 (a quarter of the name space), fixed before any file was labelled.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LABELS, type Label } from '../../src/core/labels';

export interface LabelRecord {
  id?: string;
  repo: string;
  commit: string;
  path: string;
  label: Label;
  reason: string;
  ambiguous: boolean;
  alt: Label | null;
  stratum: string;
  lang: string;
}

export interface CorpusFile extends LabelRecord {
  split: 'train' | 'test';
  content: Buffer;
}

export const CORPUS_DIR = path.resolve(__dirname, '../../../test/corpus');
export const LABELS_FILE = path.join(CORPUS_DIR, 'labels.jsonl');

/** Where fetched repositories live: <mirror>/<owner>+<name>/repo is a bare git directory. */
export function mirrorDir(): string {
  return process.env.STAKES_CORPUS_MIRROR ?? '/work/.mirror';
}

export function splitOf(repo: string): 'train' | 'test' {
  return createHash('sha256').update(repo).digest()[0] < 64 ? 'test' : 'train';
}

/** Language or kind of a file, for the per-language figures. */
export function langOf(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  const by: Record<string, string> = {
    ts: 'ts/js', mts: 'ts/js', cts: 'ts/js', js: 'ts/js', mjs: 'ts/js', cjs: 'ts/js', tsx: 'ts/js', jsx: 'ts/js',
    py: 'python', go: 'go', java: 'java/kotlin', kt: 'java/kotlin', kts: 'java/kotlin', scala: 'java/kotlin', rb: 'ruby', rake: 'ruby',
    cs: 'csharp', php: 'php', rs: 'rust', ex: 'elixir', exs: 'elixir', sql: 'sql',
    md: 'docs', rst: 'docs', adoc: 'docs', txt: 'docs',
    proto: 'specs', graphql: 'specs', gql: 'specs', prisma: 'specs', avsc: 'specs',
  };
  if (by[ext]) return by[ext];
  return 'config';
}

export function readLabels(file = LABELS_FILE): LabelRecord[] {
  const out: LabelRecord[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const r = JSON.parse(line) as LabelRecord;
    if (!(LABELS as readonly string[]).includes(r.label)) throw new Error(`${file}:${i + 1}: unknown label ${r.label}`);
    out.push({ ...r, lang: r.lang ?? langOf(r.path), ambiguous: !!r.ambiguous, alt: r.alt ?? null });
  });
  return out;
}

/** Reads every labelled file from its mirror; files whose repository is not mirrored are reported, not guessed. */
/** Objects from a bare git directory in one `git cat-file --batch` (`<commit>:<path>` or a blob id each); undefined where one is missing. */
export function readBlobs(gitDir: string, objects: readonly string[]): (Buffer | undefined)[] {
  const res = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: objects.join('\n') + '\n', maxBuffer: 2 ** 31 - 1 });
  const buf = res.stdout ?? Buffer.alloc(0);
  const out: (Buffer | undefined)[] = [];
  let off = 0;
  for (let i = 0; i < objects.length; i++) {
    const nl = buf.indexOf(10, off);
    if (nl < 0) break;
    const header = buf.subarray(off, nl).toString();
    const size = Number(header.split(' ')[2]);
    if (header.endsWith('missing') || Number.isNaN(size)) {
      out.push(undefined);
      off = nl + 1;
      continue;
    }
    out.push(buf.subarray(nl + 1, nl + 1 + size));
    off = nl + 1 + size + 1;
  }
  return out;
}

export function loadCorpus(records = readLabels()): { files: CorpusFile[]; missingRepos: string[] } {
  const byRepo = new Map<string, LabelRecord[]>();
  for (const r of records) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
  const files: CorpusFile[] = [];
  const missingRepos: string[] = [];
  for (const [repo, recs] of byRepo) {
    const gitDir = path.join(mirrorDir(), repo.replace('/', '+'), 'repo');
    if (!fs.existsSync(gitDir)) {
      missingRepos.push(repo);
      continue;
    }
    const blobs = readBlobs(gitDir, recs.map((r) => `${r.commit}:${r.path}`));
    recs.forEach((r, i) => {
      const content = blobs[i];
      if (content) files.push({ ...r, split: splitOf(r.repo), content });
    });
  }
  return { files, missingRepos };
}

/** The naive baseline the figures are printed beside: path and keyword tests only. */
export function naiveLabel(p: string, content: string): Label {
  const lower = p.toLowerCase();
  if (/\.(md|rst|adoc|proto|graphql|gql)$/.test(lower) || (/\.(ya?ml|json)$/.test(lower) && /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:/m.test(content.slice(0, 4000)))) return 'context-heavy';
  if (/(^|\/|_|-)(auth\w*|login|session|permission|polic(y|ies)|roles?|acl|billing|payments?|invoices?|checkout|wallet|ledger|crypto|secrets?|tokens?|oauth|migrations?|webhooks?|security|password\w*)([._/-]|$)/.test(lower)) return 'sensitive';
  if (/\b(password|jwt|bcrypt|hmac|encrypt|decrypt|stripe|payment|refund|api[_-]?key|secret[_-]?key|private[_-]?key|permission|authorize|csrf|oauth|ALTER TABLE|CREATE TABLE)\b/i.test(content.slice(0, 200_000))) return 'sensitive';
  return 'boilerplate';
}
