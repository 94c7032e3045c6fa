/**
 * Worker thread (bundled as dist/agent-worker.js) that runs the agent tools (src/core/agent), so a
 * walk, the TypeScript compiler or an EXPLAIN never block the extension host. One AgentSession
 * lives here and is rebuilt when the folders or settings it was made from change.
 * Protocol: call / cancel in; result or log out.
 */
import { parentPort } from 'node:worker_threads';
import { AgentSession, type AgentSessionOptions } from '../../core/agent/session';
import { callTool, type ToolOutcome } from '../../core/agent/tools';

/** Session options as they cross the thread boundary (no functions). */
export type WorkerSessionOptions = Omit<AgentSessionOptions, 'explainer' | 'now'> & { explainer: Omit<AgentSessionOptions['explainer'], 'log'> };

export type AgentWorkerRequest =
  | { kind: 'call'; id: number; tool: string; args: unknown; session: WorkerSessionOptions; sessionKey: string }
  | { kind: 'cancel'; id: number };

export type AgentWorkerResponse =
  | { kind: 'result'; id: number; outcome: ToolOutcome }
  | { kind: 'log'; line: string };

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
    session = new AgentSession({ ...req.session, explainer: { ...req.session.explainer, log: (line) => post({ kind: 'log', line }) } });
    sessionKey = req.sessionKey;
  }
  return session;
}

parentPort?.on('message', (req: AgentWorkerRequest) => {
  if (req.kind === 'cancel') {
    running.get(req.id)?.abort();
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
