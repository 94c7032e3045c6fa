/**
 * The learned label model: a multinomial logistic regression over the features of features.ts and
 * the signal table's rules, trained offline on the hand-labelled corpus (test/corpus/train.ts) and
 * shipped as data (`media/classifier-model.json`). It is read from disk on the first classification,
 * so it is never part of the activation bundle; when it cannot be read the classifier falls back to
 * the signal table's own weights and says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LABELS, type Label } from '../labels';

export const MODEL_FILE = 'classifier-model.json';
export const MODEL_FORMAT = 1;

export interface LabelModel {
  format: typeof MODEL_FORMAT;
  /** Label order of every weight row. */
  labels: Label[];
  /** Feature name → one weight per label. */
  weights: Record<string, number[]>;
  /** Softmax temperature fitted on cross-validated predictions (calibration). */
  temperature: number;
  /** How the model was trained: corpus size, settings, cross-validated figures (shown by the bench). */
  trained: Record<string, unknown>;
}

export interface ModelView {
  labels: Label[];
  weights: Map<string, Float64Array>;
  temperature: number;
  /** How it was trained (settings, corpus size, cross-validated figures). */
  trained?: Record<string, unknown>;
}

let cached: { view: ModelView | null; error?: string } | undefined;

/** Where the model file is: beside the bundle (dist/ → media/), or up the tree from the compiled sources. */
function candidates(): string[] {
  const out: string[] = [];
  if (process.env.STAKES_CLASSIFIER_MODEL) out.push(process.env.STAKES_CLASSIFIER_MODEL);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    out.push(path.join(dir, 'media', MODEL_FILE));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

export function toView(model: LabelModel): ModelView {
  if (model.format !== MODEL_FORMAT) throw new Error(`model format ${String(model.format)}, expected ${MODEL_FORMAT}`);
  if (model.labels.length !== LABELS.length || !model.labels.every((l) => (LABELS as readonly string[]).includes(l))) throw new Error('model labels do not match');
  const weights = new Map<string, Float64Array>();
  for (const [name, row] of Object.entries(model.weights)) {
    if (!Array.isArray(row) || row.length !== model.labels.length) throw new Error(`weights of ${name} are malformed`);
    weights.set(name, Float64Array.from(row));
  }
  return { labels: model.labels, weights, temperature: model.temperature > 0 ? model.temperature : 1, trained: model.trained };
}

/** The shipped model, read once. `null` with a reason when it is missing or unreadable. */
export function loadModel(): { view: ModelView | null; error?: string } {
  if (cached) return cached;
  for (const file of candidates()) {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      cached = { view: toView(JSON.parse(raw) as LabelModel) };
    } catch (e) {
      cached = { view: null, error: `${file}: ${(e as Error).message}` };
    }
    return cached;
  }
  cached = { view: null, error: `${MODEL_FILE} not found beside the extension` };
  return cached;
}

/** Tests and the trainer swap models in and out. */
export function setModel(view: ModelView | null): void {
  cached = view ? { view } : undefined;
}

/** Logits per label (model order) for a feature vector; unknown features count nothing. */
export function logits(view: ModelView, x: Map<string, number>): Float64Array {
  const z = new Float64Array(view.labels.length);
  for (const [name, v] of x) {
    const w = view.weights.get(name);
    if (!w) continue;
    for (let k = 0; k < z.length; k++) z[k] += w[k] * v;
  }
  return z;
}

export function softmax(z: ArrayLike<number>, temperature = 1): number[] {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k] / temperature);
  const e = Array.from(z, (v) => Math.exp(v / temperature - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * The label with the lowest expected cost. Missing sensitive work costs `missCost` times a false
 * alarm (every other mistake costs 1), so sensitive wins once p(sensitive) × missCost exceeds the
 * probability of the most likely other label.
 */
export function decideByCost(p: Record<Label, number>, missCost: number): Label {
  let best: Label = 'boilerplate';
  let bestCost = Infinity;
  for (const pred of LABELS) {
    let cost = 0;
    for (const truth of LABELS) {
      if (truth === pred) continue;
      cost += p[truth] * (truth === 'sensitive' ? missCost : 1);
    }
    if (cost < bestCost - 1e-12) {
      bestCost = cost;
      best = pred;
    }
  }
  return best;
}
