/**
 * Multinomial logistic regression with L2, trained by full-batch Adam on sparse features, and the
 * repository-grouped cross-validation the settings are chosen by. Used offline by train.ts and by
 * the bench; nothing here ships.
 */
import { LABELS, type Label } from '../../src/core/labels';
import { decideByCost, softmax, type LabelModel, type ModelView, MODEL_FORMAT } from '../../src/core/classify/model';

export interface Sample {
  x: Map<string, number>;
  /** Fixed logit offsets per label (decisive rules), added to the model's logits. */
  offset: number[];
  y: Label;
  repo: string;
  lang: string;
  path: string;
  ambiguous: boolean;
  alt: Label | null;
}

export interface TrainSettings {
  /** L2 strength per sample, for word features (thousands of them, each weak). */
  l2: number;
  /** L2 strength for the engineered features (rules, concepts, operations, shape), as a fraction of `l2`. */
  denseFactor: number;
  /** A feature must occur in files of at least this many training repositories. */
  minRepos: number;
  iterations: number;
}

export const DEFAULT_SETTINGS: TrainSettings = { l2: 0.01, denseFactor: 1, minRepos: 3, iterations: 300 };
export const KIND_FACTOR = Number(process.env.STAKES_KIND_FACTOR ?? 0.05);

/** Word features: `<position>:<word>`; everything else is engineered. */
export function isWordFeature(f: string): boolean {
  return f.length > 2 && f[1] === ':' && 'dctpi'.includes(f[0]);
}

const K = LABELS.length;

/** Features seen in enough distinct repositories: repository-specific names cannot be memorised. */
export function vocabulary(samples: Sample[], minRepos: number): string[] {
  const repos = new Map<string, Set<string>>();
  for (const s of samples) for (const f of s.x.keys()) {
    let set = repos.get(f);
    if (!set) repos.set(f, (set = new Set()));
    set.add(s.repo);
  }
  const kept = [...repos].filter(([f, set]) => f === 'bias' || set.size >= minRepos);
  // Word features are many and each weak: keep the ones seen in the most repositories, so the model stays small.
  const words = kept.filter(([f]) => isWordFeature(f)).sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0])).slice(0, MAX_WORD_FEATURES);
  return [...kept.filter(([f]) => !isWordFeature(f)), ...words].map(([f]) => f).sort();
}

/** How many word features the shipped model keeps (the model file must stay under 300 KB). */
export const MAX_WORD_FEATURES = Number(process.env.STAKES_MAX_WORDS ?? 3000);

export function train(samples: Sample[], settings: TrainSettings): ModelView {
  const vocab = vocabulary(samples, settings.minRepos);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const rows = samples.map((s) => {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [f, v] of s.x) {
      const i = index.get(f);
      if (i !== undefined && v !== 0) {
        idx.push(i);
        val.push(v);
      }
    }
    return { idx, val, y: LABELS.indexOf(s.y), offset: s.offset };
  });
  const D = vocab.length;
  const n = rows.length;
  const biasIndex = index.get('bias');
  // File kinds (tests, generated code, migrations, documents) are the guide's own rules: barely regularised, so they can decide.
  const strength = Float64Array.from(vocab, (f) => (isWordFeature(f) ? settings.l2 : f.startsWith('kind:') ? settings.l2 * KIND_FACTOR : settings.l2 * settings.denseFactor));
  // Objective: mean cross-entropy + l2/2 · |W|² (bias unregularised); minimised by L-BFGS.
  const objective = (W: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    const z = new Float64Array(K);
    for (const r of rows) {
      for (let k = 0; k < K; k++) z[k] = r.offset[k];
      for (let j = 0; j < r.idx.length; j++) {
        const base = r.idx[j] * K;
        for (let k = 0; k < K; k++) z[k] += W[base + k] * r.val[j];
      }
      const p = softmax(z);
      loss -= Math.log(Math.max(p[r.y], 1e-300));
      for (let k = 0; k < K; k++) p[k] -= k === r.y ? 1 : 0;
      for (let j = 0; j < r.idx.length; j++) {
        const base = r.idx[j] * K;
        for (let k = 0; k < K; k++) g[base + k] += (p[k] * r.val[j]) / n;
      }
    }
    loss /= n;
    for (let i = 0; i < D; i++) {
      if (i === biasIndex) continue;
      const l2 = strength[i];
      for (let k = 0; k < K; k++) {
        const w = W[i * K + k];
        loss += 0.5 * l2 * w * w;
        g[i * K + k] += l2 * w;
      }
    }
    return loss;
  };
  const W = lbfgs(objective, D * K, settings.iterations);
  const weights = new Map<string, Float64Array>();
  for (let i = 0; i < D; i++) {
    const row = W.subarray(i * K, (i + 1) * K);
    if (row.some((w) => Math.abs(w) >= 5e-3)) weights.set(vocab[i], Float64Array.from(row));
  }
  return { labels: [...LABELS], weights, temperature: 1 };
}

export function probabilities(view: ModelView, s: Pick<Sample, 'x' | 'offset'>, temperature = view.temperature): Record<Label, number> {
  const { x } = s;
  const z = Float64Array.from(s.offset);
  for (const [f, v] of x) {
    const w = view.weights.get(f);
    if (w) for (let k = 0; k < K; k++) z[k] += w[k] * v;
  }
  const p = softmax(z, temperature);
  return Object.fromEntries(view.labels.map((l, k) => [l, p[k]])) as Record<Label, number>;
}

/** Repositories into `folds` groups, balanced by file count, deterministic. */
export function repoFolds(samples: Sample[], folds: number): string[][] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.repo, (counts.get(s.repo) ?? 0) + 1);
  const groups: Array<{ repos: string[]; n: number }> = Array.from({ length: folds }, () => ({ repos: [], n: 0 }));
  for (const [repo, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    const g = groups.reduce((a, b) => (b.n < a.n ? b : a));
    g.repos.push(repo);
    g.n += n;
  }
  return groups.map((g) => g.repos);
}

/** Out-of-fold probabilities for every sample: each fold's repositories predicted by a model that never saw them. */
export function crossValidate(samples: Sample[], settings: TrainSettings, folds = 5): Array<Record<Label, number>> {
  const out: Array<Record<Label, number>> = new Array(samples.length);
  for (const held of repoFolds(samples, folds)) {
    const heldSet = new Set(held);
    const trainIdx = samples.map((s, i) => (heldSet.has(s.repo) ? -1 : i)).filter((i) => i >= 0);
    const model = train(trainIdx.map((i) => samples[i]), settings);
    samples.forEach((s, i) => {
      if (heldSet.has(s.repo)) out[i] = probabilities(model, s, 1);
    });
  }
  return out;
}

/** Temperature minimising the log loss of out-of-fold predictions (logits recovered from probabilities). */
export function fitTemperature(probs: Array<Record<Label, number>>, truth: Label[]): number {
  let best = 1;
  let bestLoss = Infinity;
  for (let t = 0.5; t <= 3.001; t += 0.05) {
    let loss = 0;
    probs.forEach((p, i) => {
      const z = LABELS.map((l) => Math.log(Math.max(p[l], 1e-12)));
      const q = softmax(z, t);
      loss -= Math.log(Math.max(q[LABELS.indexOf(truth[i])], 1e-12));
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

export function logLoss(probs: Array<Record<Label, number>>, truth: Label[]): number {
  return probs.reduce((s, p, i) => s - Math.log(Math.max(p[truth[i]], 1e-12)), 0) / probs.length;
}

export function decide(probs: Array<Record<Label, number>>, missCost: number): Label[] {
  return probs.map((p) => decideByCost(p, missCost));
}

export interface Metrics {
  n: number;
  accuracy: number;
  /** Counting a file's second label as right when its labeller marked it ambiguous. */
  lenientAccuracy: number;
  perLabel: Record<Label, { precision: number; recall: number; support: number }>;
  confusion: Record<Label, Record<Label, number>>;
  perLang: Record<string, { n: number; accuracy: number }>;
}

export function metrics(samples: Pick<Sample, 'y' | 'lang' | 'ambiguous' | 'alt'>[], pred: Label[]): Metrics {
  const confusion = Object.fromEntries(LABELS.map((t) => [t, Object.fromEntries(LABELS.map((p) => [p, 0]))])) as Metrics['confusion'];
  let right = 0;
  let lenient = 0;
  const perLangRaw = new Map<string, { n: number; right: number }>();
  samples.forEach((s, i) => {
    confusion[s.y][pred[i]]++;
    const ok = s.y === pred[i];
    if (ok) right++;
    if (ok || (s.ambiguous && s.alt === pred[i])) lenient++;
    const l = perLangRaw.get(s.lang) ?? { n: 0, right: 0 };
    l.n++;
    if (ok) l.right++;
    perLangRaw.set(s.lang, l);
  });
  const perLabel = Object.fromEntries(LABELS.map((l) => {
    const tp = confusion[l][l];
    const support = LABELS.reduce((a, p) => a + confusion[l][p], 0);
    const predicted = LABELS.reduce((a, t) => a + confusion[t][l], 0);
    return [l, { precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support }];
  })) as Metrics['perLabel'];
  const perLang = Object.fromEntries([...perLangRaw].sort().map(([k, v]) => [k, { n: v.n, accuracy: v.right / v.n }]));
  const n = samples.length;
  return { n, accuracy: right / n, lenientAccuracy: lenient / n, perLabel, confusion, perLang };
}

export function toModelFile(view: ModelView, trained: Record<string, unknown>): LabelModel {
  const weights: Record<string, number[]> = {};
  for (const [f, w] of [...view.weights].sort((a, b) => a[0].localeCompare(b[0]))) weights[f] = Array.from(w, (x) => Math.round(x * 1000) / 1000);
  return { format: MODEL_FORMAT, labels: view.labels, weights, temperature: view.temperature, trained };
}

export function formatMetrics(title: string, m: Metrics, baseline?: Metrics, baselineName = 'naive baseline'): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  const lines = [
    `${title}: ${m.n} files — accuracy ${pct(m.accuracy)}%` + (baseline ? ` (${baselineName} ${pct(baseline.accuracy)}%)` : '') +
      `, counting labellers' second choice on ambiguous files ${pct(m.lenientAccuracy)}%`,
    '  label          precision  recall  support' + (baseline ? '   baseline P / R' : ''),
  ];
  for (const l of LABELS) {
    const r = m.perLabel[l];
    const b = baseline?.perLabel[l];
    lines.push(`  ${l.padEnd(14)} ${pct(r.precision)}%  ${pct(r.recall)}%  ${String(r.support).padStart(6)}` + (b ? `   ${pct(b.precision)}% / ${pct(b.recall)}%` : ''));
  }
  lines.push('  confusion (rows: labelled, columns: predicted)  ' + LABELS.map((l) => l.slice(0, 5).padStart(6)).join(''));
  for (const t of LABELS) lines.push(`    ${t.padEnd(14)}${' '.repeat(33)}` + LABELS.map((p) => String(m.confusion[t][p]).padStart(6)).join(''));
  lines.push('  per language: ' + Object.entries(m.perLang).map(([k, v]) => `${k} ${pct(v.accuracy).trim()}% (${v.n})` + (baseline?.perLang[k] ? ` [${pct(baseline.perLang[k].accuracy).trim()}%]` : '')).join(', '));
  return lines.join('\n');
}

/** Limited-memory BFGS with a backtracking (Armijo) line search. */
export function lbfgs(f: (x: Float64Array, g: Float64Array) => number, dim: number, maxIter: number, memory = 10): Float64Array {
  const x = new Float64Array(dim);
  const g = new Float64Array(dim);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  const xNew = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  for (let it = 0; it < maxIter; it++) {
    // Two-loop recursion: d = -H·g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let i = S.length - 1; i >= 0; i--) {
      const rho = 1 / dot(Y[i], S[i]);
      const a = rho * dot(S[i], q);
      alpha[i] = a;
      for (let j = 0; j < dim; j++) q[j] -= a * Y[i][j];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < dim; j++) q[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const rho = 1 / dot(Y[i], S[i]);
      const b = rho * dot(Y[i], q);
      for (let j = 0; j < dim; j++) q[j] += S[i][j] * (alpha[i] - b);
    }
    for (let j = 0; j < dim; j++) q[j] = -q[j];
    let slope = dot(g, q);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let j = 0; j < dim; j++) q[j] = -g[j];
      slope = dot(g, q);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < dim; j++) xNew[j] = x[j] + step * q[j];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(dim);
    const y = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const improvement = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (dot(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    if (improvement < 1e-7 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
