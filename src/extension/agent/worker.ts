/**
 * Worker thread (bundled as dist/agent-worker.js) that runs the agent tools (src/core/agent), so a
 * walk or the TypeScript compiler never block the extension host. One AgentSession lives here and
 * is rebuilt when the folders or settings it was made from change. EXPLAIN is asked of the
 * extension host, whose SQL feature keeps the editor's one embedded PostgreSQL.
 * Protocol: call / cancel / explained in; result / explain out.
 */
import { parentPort } from 'node:worker_threads';
import { AgentSession, type AgentSessionOptions } from '../../core/agent/session';
import { callTool, type ToolOutcome } from '../../core/agent/tools';
import { SqlExplainError, type ExplainRequest, type ExplainResult, type SqlErrorKind } from '../../core/sql/api';

/** Session options as they cross the thread boundary (no functions; EXPLAIN goes through the host). */
export type WorkerSessionOptions = Omit<AgentSessionOptions, 'explainer' | 'explainWith' | 'now'>;

/** A failed EXPLAIN as it crosses back: enough to rebuild the SqlExplainError the tool maps to a code. */
export interface ExplainFailure {
  kind?: SqlErrorKind;
  message: string;
  code?: string;
  hint?: string;
  position?: SqlExplainError['position'];
}

export type AgentWorkerRequest =
  | { kind: 'call'; id: number; tool: string; args: unknown; session: WorkerSessionOptions; sessionKey: string }
  | { kind: 'cancel'; id: number }
  | { kind: 'explained'; id: number; result?: ExplainResult; error?: ExplainFailure };

export type AgentWorkerResponse =
  | { kind: 'result'; id: number; outcome: ToolOutcome }
  | { kind: 'explain'; id: number; req: ExplainRequest };

let nextExplain = 1;
const explaining = new Map<number, { resolve: (r: ExplainResult) => void; reject: (e: Error) => void }>();

/** EXPLAIN in the extension host (its SQL feature's engines). */
function explainInHost(req: ExplainRequest): Promise<ExplainResult> {
  const id = nextExplain++;
  return new Promise((resolve, reject) => {
    explaining.set(id, { resolve, reject });
    post({ kind: 'explain', id, req });
  });
}

let session: AgentSession | undefined;
let sessionKey = '';
const running = new Map<number, AbortController>();

function post(msg: AgentWorkerResponse): void {
  parentPort?.postMessage(msg);
}

async function sessionFor(req: Extract<AgentWorkerRequest, { kind: 'call' }>): Promise<AgentSession> {
  if (!session || sessionKey !== req.sessionKey) {
    const old = session;
    session = undefined;
    await old?.dispose().catch(() => undefined);
    session = new AgentSession({ ...req.session, explainWith: explainInHost });
    sessionKey = req.sessionKey;
  }
  return session;
}

parentPort?.on('message', (req: AgentWorkerRequest) => {
  if (req.kind === 'cancel') {
    running.get(req.id)?.abort();
    return;
  }
  if (req.kind === 'explained') {
    const waiting = explaining.get(req.id);
    explaining.delete(req.id);
    if (!waiting) return;
    if (req.result) waiting.resolve(req.result);
    else {
      const f = req.error ?? { message: 'EXPLAIN failed' };
      const e = f.kind ? new SqlExplainError(f.kind, f.message, f.position, f.code) : new Error(f.message);
      if (f.hint && e instanceof SqlExplainError) e.hint = f.hint;
      waiting.reject(e);
    }
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  const run = async (): Promise<ToolOutcome> => {
    let s: AgentSession;
    try {
      s = await sessionFor(req);
    } catch (e) {
      return { ok: false, error: { code: 'INVALID_PATH', message: `the workspace cannot be read: ${(e as Error).message}`, action: 'Open a local folder in VS Code.', retryable: false } };
    }
    return callTool(req.tool, req.args, s.context(controller.signal));
  };
  void run().then((outcome) => {
    running.delete(req.id);
    post({ kind: 'result', id: req.id, outcome });
  });
});
