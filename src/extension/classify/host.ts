/**
 * The classifier as a feature bundle (dist/classify.js): the signal table, the learned model's
 * features and the lexicons are required on the first classification, so the activation bundle
 * stays light while the status bar still appears at once. The model data itself is read from
 * media/classifier-model.json on that first call (core/classify/model.ts).
 */
export { classify } from '../../core/classify';
