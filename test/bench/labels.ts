/**
 * Label accuracy on the hand-labelled corpus (test/corpus/labels.jsonl), measured the way the
 * label is used: on repositories the model never saw. Prints, for the frozen test split and for
 * leave-repositories-out cross-validation on the training split: accuracy, per-label precision and
 * recall, the confusion matrix and per-language accuracy, each beside the naive path-and-keyword
 * baseline and the hand-weighted signal table on the same files. Needs the corpus repositories
 * mirrored locally ($STAKES_CORPUS_MIRROR, default /work/.mirror); says so and stops otherwise.
 */
import { classify } from '../../src/core/classify/classifier';
import { loadModel } from '../../src/core/classify/model';
import { defaultConfig } from '../../src/core/routing/config';
import { LABELS } from '../../src/core/labels';
import { loadCorpus, mirrorDir, naiveLabel, readLabels } from '../corpus/corpus';
import { crossValidate, decide, DEFAULT_SETTINGS, fitTemperature, formatMetrics, metrics, probabilities, type TrainSettings } from '../corpus/learn';
import { toSamples } from '../corpus/train';

export async function run(): Promise<void> {
  const records = readLabels();
  const { files, missingRepos } = loadCorpus(records);
  const repos = new Set(records.map((r) => r.repo));
  const langs = new Set(records.map((r) => r.lang));
  console.log(`corpus: ${records.length} files from ${repos.size} repositories, ${langs.size} languages and kinds; ` +
    LABELS.map((l) => `${l} ${records.filter((r) => r.label === l).length}`).join(', ') +
    `; ${records.filter((r) => r.ambiguous).length} marked ambiguous by their labeller`);
  if (files.length === 0) {
    console.log(`skipped: none of the corpus repositories is mirrored under ${mirrorDir()} (set STAKES_CORPUS_MIRROR to a folder of <owner>+<name>/repo git directories).`);
    return;
  }
  if (missingRepos.length) console.log(`not mirrored, left out: ${missingRepos.length} repositories (${missingRepos.slice(0, 5).join(', ')}${missingRepos.length > 5 ? ', …' : ''})`);
  const { view } = loadModel();
  if (!view) {
    console.log('skipped: media/classifier-model.json is missing; run `npm run train`.');
    return;
  }
  const trained = (view.trained ?? {}) as { settings?: TrainSettings; missCost?: number };
  const settings = trained.settings ?? DEFAULT_SETTINGS;
  const missCost = trained.missCost ?? 1.5;
  const config = { ...defaultConfig(), sensitiveMissCost: missCost };

  // STAKES_BENCH_SPLITS=train leaves the test split unread (while developing: its errors are not to be studied).
  const splits = (process.env.STAKES_BENCH_SPLITS ?? 'train,test').split(',');
  for (const split of (['train', 'test'] as const).filter((s) => splits.includes(s))) {
    const part = files.filter((f) => f.split === split);
    if (part.length === 0) continue;
    const samples = toSamples(part);
    const naive = metrics(samples, part.map((f) => naiveLabel(f.path, f.content.toString('utf8'))));
    const table = metrics(samples, part.map((f) => classify({ active: { path: f.path, content: f.content } }, { model: null, config }).label));
    let m;
    let title: string;
    if (split === 'train') {
      const probs = crossValidate(samples, settings);
      const t = fitTemperature(probs, samples.map((s) => s.y));
      const calibrated = probs.map((p) => {
        const z = LABELS.map((l) => Math.log(Math.max(p[l], 1e-12)) / t);
        const mx = Math.max(...z);
        const e = z.map((v) => Math.exp(v - mx));
        const s = e.reduce((a, b) => a + b, 0);
        return Object.fromEntries(LABELS.map((l, k) => [l, e[k] / s])) as (typeof probs)[number];
      });
      m = metrics(samples, decide(calibrated, missCost));
      title = `cross-validation, training split (${new Set(part.map((f) => f.repo)).size} repositories, 5 folds by repository)`;
    } else {
      m = metrics(samples, decide(samples.map((s) => probabilities(view, s)), missCost));
      title = `frozen test split (${new Set(part.map((f) => f.repo)).size} repositories the model never saw)`;
    }
    console.log('\n' + formatMetrics(title, m, naive));
    console.log(`  hand-weighted signal table on the same files: accuracy ${(100 * table.accuracy).toFixed(1)}%, sensitive recall ${(100 * table.perLabel.sensitive.recall).toFixed(1)}%`);
  }
}
