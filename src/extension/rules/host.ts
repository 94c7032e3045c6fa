/**
 * Heavy half of the offline rules in VS Code (bundled as dist/rules.js): the rules engine with the
 * TypeScript compiler and the tree-sitter Python parser. Loaded on the first sensitive file.
 */
import { analyzeFile, type FileResult } from '../../core/rules';

export async function analyzeDocument(path: string, text: string): Promise<FileResult> {
  return analyzeFile(path, text);
}
