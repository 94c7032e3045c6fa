/** A short, bounded memory of recent edits (which file, when, how much), for the `complex` signal. */
import * as vscode from 'vscode';
import type { EditEvent } from '../core/classify/types';

const MAX_EVENTS = 5_000;
/** Keep at most this long; the configured window is shorter. */
const MAX_AGE_MS = 24 * 60 * 60_000;

export class ActivityTracker implements vscode.Disposable {
  private events: EditEvent[] = [];
  private readonly sub: vscode.Disposable;

  constructor(private readonly relPath: (uri: vscode.Uri) => string | undefined) {
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== 'file' || e.contentChanges.length === 0) return;
      const path = this.relPath(e.document.uri);
      if (!path) return;
      let size = 0;
      for (const c of e.contentChanges) size += c.rangeLength + c.text.length;
      const now = Date.now();
      const last = this.events[this.events.length - 1];
      // Coalesce keystrokes in the same file within 2 s: one event per burst keeps the buffer small.
      if (last && last.path === path && now - last.at < 2_000) {
        last.size += size;
        last.at = now;
        return;
      }
      this.events.push({ path, at: now, size });
      if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    });
  }

  /** Forget the edits seen so far (extension-host tests start each case from a quiet session). */
  clear(): void {
    this.events = [];
  }

  recent(): EditEvent[] {
    const cutoff = Date.now() - MAX_AGE_MS;
    if (this.events.length && this.events[0].at < cutoff) this.events = this.events.filter((e) => e.at >= cutoff);
    return this.events;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
