export { classify, normalizePath, SENSITIVE_PRECEDENCE, type ClassifierOptions } from './classifier';
export type { Classification, ClassifyInput, DocumentInput, EditEvent, Reason } from './types';
export { DEFAULT_RULES, type SignalRule } from './rules';
export { moduleOf } from './activity';
