/** What the agent tools may read in VS Code and the setting that turns them off (shared by register.ts and host.ts). */
import * as vscode from 'vscode';

export const AGENT_TOOLS_SETTING = 'stakes.agentTools.enabled';

export function agentToolsEnabled(): boolean {
  return vscode.workspace.getConfiguration().get<boolean>(AGENT_TOOLS_SETTING, true) !== false;
}

/** The folders an agent may read: the workspace's local folders, nothing else. */
export function agentRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
