/**
 * Worker thread (bundled as dist/rules-worker.js) that runs the offline rules, so loading the
 * TypeScript compiler and parsing a large file never block the extension host's event loop.
 * Protocol: { id, path, text, onMainBranch } in; { id, result } or { id, error } out.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile } from '../../core/rules';

export interface RulesRequest {
  id: number;
  path: string;
  text: string;
  /** The file is on the main branch, unchanged: migration findings are hints (it has run). */
  onMainBranch?: boolean;
}

export type RulesResponse =
  | { id: number; result: Awaited<ReturnType<typeof analyzeFile>> }
  | { id: number; error: string };

parentPort?.on('message', (req: RulesRequest) => {
  analyzeFile(req.path, req.text, { onMainBranch: req.onMainBranch ?? false }).then(
    (result) => parentPort?.postMessage({ id: req.id, result } satisfies RulesResponse),
    (err: unknown) => parentPort?.postMessage({ id: req.id, error: (err as Error)?.message ?? String(err) } satisfies RulesResponse),
  );
});
