/**
 * The last audit's report and where its findings are: kept in workspaceState across reloads,
 * published to the Problems panel (findings marked as false positives left out), and looked up by
 * id for quick fixes, reveal and copy.
 */
import * as vscode from 'vscode';
import { AuditReport as AuditReportSchema, type AuditReport, type Finding } from '../../core/audit/findings';
import { GroundingIndex } from '../../core/audit/grounding';
import type { AuditModel } from '../../core/audit/route';
import type { AuditRun } from '../../core/audit/types';
import type { ReportRun, ReportScope } from '../../protocol/auditReport';
import { AuditDiagnostics, type PlacedFinding } from './diagnostics';
import type { ScopeRequest } from './targets';

/** register.ts reads this key too (as a literal, to stay light): a stored run restores the report after a reload. */
const LAST_RUN_KEY = 'stakes.audit.lastRun';
const SUPPRESSED_KEY = 'stakes.audit.suppressed';
const HAS_REPORT = 'stakes.audit.hasReport';

/** What the report shows and what survives a reload (workspaceState). */
export interface StoredRun {
  report: AuditReport;
  scope: ReportScope;
  run: ReportRun;
  request: ScopeRequest;
  /** Target path → document Uri (string). */
  uris: Record<string, string>;
  choice: AuditModel;
}

export class ReportStore implements vscode.Disposable {
  readonly diagnostics = new AuditDiagnostics();
  private readonly placed = new Map<string, PlacedFinding>();
  private stored: StoredRun | undefined;
  private run: AuditRun | undefined;

  /** `changed` is told when what the report shows changed (restore, clear, suppression). */
  constructor(private readonly state: vscode.Memento, private readonly changed: () => void) {}

  get last(): StoredRun | undefined {
    return this.stored;
  }

  /** The core's run behind the last report (usage, prepared payload), for export; absent after a reload. */
  get lastRun(): AuditRun | undefined {
    return this.run;
  }

  placedFinding(id: string): PlacedFinding | undefined {
    return this.placed.get(id);
  }

  /** A finding of the current report by id, grounded or unverified. */
  find(id: string): Finding | undefined {
    return this.placed.get(id)?.finding ?? this.stored?.report.unverified.find((f) => f.id === id) ?? this.stored?.report.findings.find((f) => f.id === id);
  }

  /** The finding's line now (1-based): its diagnostic follows edits, the finding itself does not. */
  currentLine(p: PlacedFinding): number {
    return (this.diagnostics.rangeOf(p.id)?.range.start.line ?? p.finding.startLine - 1) + 1;
  }

  suppressed(): string[] {
    return this.state.get<string[]>(SUPPRESSED_KEY, []);
  }

  /** Keep a new run: it replaces the report and its files' diagnostics, and survives a reload. */
  async save(stored: StoredRun, run: AuditRun, files: vscode.Uri[]): Promise<void> {
    this.stored = stored;
    this.run = run;
    this.publish(stored, files);
    await this.state.update(LAST_RUN_KEY, stored);
    void vscode.commands.executeCommand('setContext', HAS_REPORT, true);
  }

  /** Mark (or unmark) a finding as a false positive in this workspace. */
  async setSuppressed(id: string, suppressed: boolean): Promise<void> {
    const set = new Set(this.suppressed());
    if (suppressed) set.add(id);
    else set.delete(id);
    await this.state.update(SUPPRESSED_KEY, [...set]);
    if (suppressed) this.diagnostics.remove(id);
    else if (this.stored) this.publish(this.stored, Object.values(this.stored.uris).map((u) => vscode.Uri.parse(u)));
    this.changed();
  }

  clear(): void {
    this.diagnostics.clear();
    this.placed.clear();
    this.stored = undefined;
    this.run = undefined;
    void this.state.update(LAST_RUN_KEY, undefined);
    void vscode.commands.executeCommand('setContext', HAS_REPORT, false);
    this.changed();
  }

  /** After a reload: the last report and, for findings whose quote is still in the file, their diagnostics. */
  async restore(): Promise<void> {
    const stored = this.state.get<StoredRun>(LAST_RUN_KEY);
    if (!stored || typeof stored.uris !== 'object' || !AuditReportSchema.safeParse(stored.report).success) {
      // Written by another version, or damaged: forget it rather than show something wrong.
      if (stored) await this.state.update(LAST_RUN_KEY, undefined);
      return;
    }
    const findings: Finding[] = [];
    for (const f of stored.report.findings) {
      const uri = stored.uris[f.file];
      if (!uri) continue;
      try {
        // Read, do not open: opening every reported file at startup would wake language servers for nothing.
        const u = vscode.Uri.parse(uri);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
        const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
        const anchor = new GroundingIndex(text).locate(f.evidence, f.startLine);
        if (anchor) findings.push({ ...f, ...anchor });
      } catch {
        // The file is gone: its findings are dropped from the Problems panel, the report keeps them.
      }
    }
    if (this.stored) return; // an audit finished while this was reading files: it is newer
    this.stored = stored;
    this.publish({ ...stored, report: { ...stored.report, findings } }, Object.values(stored.uris).map((u) => vscode.Uri.parse(u)));
    // Reveal and quick fixes still work for moved findings; the report shows the audit as it was.
    for (const f of stored.report.findings) {
      if (f.id && !this.placed.has(f.id) && stored.uris[f.file]) this.placed.set(f.id, { id: f.id, uri: vscode.Uri.parse(stored.uris[f.file]), finding: f });
    }
    void vscode.commands.executeCommand('setContext', HAS_REPORT, true);
    this.changed();
  }

  /** Diagnostics and the id → finding index for one stored run (suppressed findings excluded). */
  private publish(stored: StoredRun, files: vscode.Uri[]): void {
    const fileKeys = new Set(files.map((u) => u.toString()));
    for (const [id, p] of this.placed) if (fileKeys.has(p.uri.toString())) this.placed.delete(id);
    const suppressed = new Set(this.suppressed());
    const list: PlacedFinding[] = [];
    for (const f of stored.report.findings) {
      const uri = stored.uris[f.file];
      if (!uri || !f.id) continue;
      const p = { id: f.id, uri: vscode.Uri.parse(uri), finding: f };
      this.placed.set(f.id, p);
      if (!suppressed.has(f.id)) list.push(p);
    }
    this.diagnostics.replace(files, list);
  }

  dispose(): void {
    this.diagnostics.dispose();
  }
}
