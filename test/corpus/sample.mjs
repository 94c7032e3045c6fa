#!/usr/bin/env node
// Picks the files of one fetched repository that go into the labelled corpus, and writes a
// reading view of each for the person labelling it. Deterministic: the same repository and commit
// always give the same files. Reads the git directory only (no work tree, nothing is built or run).
//
//   node test/corpus/sample.mjs --git /work/.mirror/owner+name/repo --repo owner/name --out DIR [--n 10]
//
// Strata per repository (so that both easy and hard cases appear, and no stratum is chosen by
// what the classifier says): random backend files (tests and config weighted down), files whose
// text uses risk vocabulary (true risk and false alarms alike), one file under a risk-named path,
// one spec or document, one long file. The view shows the first 160 lines and then declarations and
// risk-vocabulary lines with their numbers; the labeller may read the whole file with git show.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.git || !args.repo || !args.out) {
  console.error('usage: sample.mjs --git GITDIR --repo owner/name --out DIR [--n 10]');
  process.exit(2);
}
const N = Number(args.n ?? 10);
const git = (...a) => execFileSync('git', ['--git-dir', args.git, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
const commit = git('rev-parse', 'HEAD').trim();

const CODE = /\.(ts|mts|cts|js|mjs|cjs|py|go|java|kt|kts|rb|cs|php|rs|ex|exs|sql|scala|rake)$/i;
const SPEC = /\.(proto|graphql|gql|prisma|avsc)$/i;
const DOC = /\.(md|rst|adoc)$/i;
const CONFIG = /(\.(ya?ml|toml|json|ini|properties|conf)|(^|\/)\.env[\w.-]*|(^|\/)Dockerfile[\w.-]*)$/i;
const SKIP_DIR = /(^|\/)(node_modules|vendor|vendored|third_party|third-party|dist|build|out|target|bower_components|public|static|assets|locales?|lang|langs|languages|i18n|translations|l10n|\.git|\.github|frontend|webapp|web-app|client|clients|ui|app\/javascript|app\/assets|storybook|\.storybook|coverage|testdata\/.*\.json|__snapshots__|docs?\/(?:img|images|assets))\//i;
const SKIP_FILE = /(\.min\.js|\.d\.ts\.map|\.snap|package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Gemfile\.lock|go\.sum|Cargo\.lock|composer\.lock|poetry\.lock|\.lock|tsconfig[\w.-]*\.json|\.eslintrc[\w.]*|\.prettierrc[\w.]*|CHANGELOG[\w.-]*|LICENSE[\w.-]*|\.pb\.go|_pb2\.py|\.pb\.ts|\.generated\.\w+|\.g\.cs|\.Designer\.cs)$/i;
const TEST = /(^|\/)(tests?|spec|specs|__tests__|e2e|testing|testutils?|fixtures?|factories)\/|[._-](test|spec|tests)\.[a-z]+$|_test\.go$|Tests?\.(cs|java|kt)$|^test_[^/]*\.py$|\/test_[^/]*\.py$/i;
const RISK_PATH = /(^|\/|[._-])(auth\w*|login|logout|signin|signup|sessions?|permissions?|polic(y|ies)|roles?|acl|rbac|guards?|billing|payments?|invoices?|checkout|wallets?|ledgers?|subscriptions?|crypto\w*|secrets?|tokens?|oauth\w*|migrations?|migrate|webhooks?|admin|security|accounts?|users?|password\w*|credentials?)([._/-]|$)/i;
const RISK_WORDS = /\b(auth\w*|token|password|passwd|permission|authori[sz]e|role|admin|payment|invoice|charge|refund|price|balance|ledger|transaction|commit|rollback|lock|crypto|hmac|hash|sign(ature)?|encrypt|decrypt|secret|api[_-]?key|migration|session|cookie|oauth|jwt|csrf|redirect|upload|sanitize|escape|email|phone|address|ssn|gdpr|delete)\b/i;

const rows = git('ls-tree', '-r', '-l', 'HEAD').split('\n').filter(Boolean).map((l) => {
  const tab = l.indexOf('\t');
  const [, type, , size] = l.slice(0, tab).split(/\s+/);
  return { type, size: Number(size), path: l.slice(tab + 1) };
});
const eligible = rows.filter((r) => r.type === 'blob' && r.size > 40 && r.size <= 256 * 1024
  && !SKIP_DIR.test(r.path) && !SKIP_FILE.test(r.path)
  && (CODE.test(r.path) || SPEC.test(r.path) || DOC.test(r.path) || CONFIG.test(r.path))
  && !/\.(tsx|jsx|vue|svelte)$/i.test(r.path));

// Contents of code files, in one git process.
function readBlobs(paths) {
  const input = paths.map((p) => `${commit}:${p}`).join('\n') + '\n';
  const res = spawnSync('git', ['--git-dir', args.git, 'cat-file', '--batch'], { input, maxBuffer: 2 ** 31 });
  const buf = res.stdout;
  const out = new Map();
  let off = 0;
  for (const p of paths) {
    const nl = buf.indexOf(10, off);
    const header = buf.subarray(off, nl).toString();
    const size = Number(header.split(' ')[2]);
    if (Number.isNaN(size)) { off = nl + 1; continue; }
    out.set(p, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    off = nl + 1 + size + 1;
  }
  return out;
}
const text = readBlobs(eligible.map((r) => r.path));
const isText = (t) => t !== undefined && !t.includes('\u0000');
const pool = eligible.filter((r) => isText(text.get(r.path)));

// Seeded choice: the order of a file is the hash of repo + path, so it never depends on the run.
const rank = (p) => createHash('sha256').update(`${args.repo}\n${p}`).digest().readUInt32BE(0) / 2 ** 32;
const chosen = new Map();
function pick(candidates, k, stratum, weight = () => 1) {
  const order = candidates.filter((r) => !chosen.has(r.path))
    .map((r) => ({ r, key: rank(r.path) ** (1 / weight(r)) }))
    .sort((a, b) => b.key - a.key);
  for (const { r } of order.slice(0, k)) chosen.set(r.path, { ...r, stratum });
}
const lines = (p) => text.get(p).split('\n').length;
const kind = (p) => (CODE.test(p) ? 'code' : SPEC.test(p) ? 'spec' : DOC.test(p) ? 'doc' : 'config');
const isApiSpec = (p) => /\.(ya?ml|json)$/i.test(p) && /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:|"(openapi|swagger)"\s*:|^\s*(paths|components|definitions):\s*$/m.test(text.get(p).slice(0, 6000));

const MIGRATION = /(^|\/)(migrations?|migrate|alembic|flyway|liquibase|changelogs?)\//i;
// Repositories with hundreds of migrations or tests would otherwise fill the sample with them.
const weight = (r) => (kind(r.path) !== 'code' ? 0.2 : MIGRATION.test(r.path) ? 0.15 : TEST.test(r.path) ? 0.4 : 1);
const code = pool.filter((r) => kind(r.path) === 'code');
pick(pool, Math.round(N * 0.4), 'random', weight);
pick(code.filter((r) => !TEST.test(r.path) && !MIGRATION.test(r.path) && RISK_WORDS.test(text.get(r.path))), Math.round(N * 0.3), 'risk-words');
pick(pool.filter((r) => RISK_PATH.test(r.path)), 1, 'risk-path');
pick(pool.filter((r) => kind(r.path) === 'spec' || kind(r.path) === 'doc' || isApiSpec(r.path)), 1, 'spec-or-doc');
pick(code.filter((r) => !TEST.test(r.path) && lines(r.path) >= 600), 1, 'long');
pick(pool, N - chosen.size, 'random', weight);

// Reading views.
const DECL = /^\s*(export\s+)?(pub(\(\w+\))?\s+)?(async\s+)?(def|func|function|class|interface|struct|impl|module|defmodule|defp?|fn|public|private|protected|internal|static|override|trait|enum|type|CREATE|ALTER|DROP)\b/i;
function view(r, id) {
  const all = text.get(r.path).split('\n');
  const num = (i) => `${String(i + 1).padStart(5)}| ${all[i].length > 220 ? all[i].slice(0, 220) + ' …' : all[i]}`;
  const head = Math.min(all.length, 160);
  const out = [`=== ${id}  ${args.repo}@${commit.slice(0, 12)}  ${r.path}  (${all.length} lines, ${kind(r.path)}, stratum ${r.stratum})`];
  for (let i = 0; i < head; i++) out.push(num(i));
  if (all.length > head) {
    const keep = [];
    for (let i = head; i < all.length && keep.length < 90; i++) if (DECL.test(all[i]) || RISK_WORDS.test(all[i])) keep.push(i);
    let last = head - 1;
    for (const i of keep) {
      if (i > last + 1) out.push('     ⋮');
      out.push(num(i));
      last = i;
    }
    if (last < all.length - 1) out.push(`     ⋮ (file ends at line ${all.length}; full text: git --git-dir ${args.git} show ${commit}:${r.path})`);
  }
  return out.join('\n') + '\n';
}

const dir = join(args.out, args.repo.replace('/', '+'));
mkdirSync(dir, { recursive: true });
const manifest = [];
let n = 0;
for (const r of [...chosen.values()].sort((a, b) => a.path.localeCompare(b.path))) {
  const id = `${args.repo.replace('/', '+')}#${++n}`;
  writeFileSync(join(dir, `${n}.txt`), view(r, id));
  manifest.push({ id, repo: args.repo, commit, path: r.path, stratum: r.stratum, lines: lines(r.path), kind: kind(r.path) });
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
console.log(`${args.repo}@${commit.slice(0, 12)}: ${pool.length} eligible files, ${manifest.length} sampled → ${dir}`);
