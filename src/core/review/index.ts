/**
 * Review debt: which sensitive changes nobody has reviewed. Pure TypeScript over git and the
 * filesystem (no vscode); the `stakes gate` CLI, the editor's Source Control view and status bar,
 * and the MCP server's `stakes_review_status` tool all call this module.
 *
 * API:
 *   reviewStatus({ cwd, base?, staged?, paths?, config? })  → Promise<ReviewStatus>    (debt.ts)
 *       the debt now: each unreviewed change (file, region, label, why, what clears it, status),
 *       the cleared and exempt changes, the base it was measured against, record problems.
 *       Throws GitError (not a repository, unknown ref, shallow clone) and ConfigError (.stakes.json).
 *   ReviewSession.open(options) → session; session.updateFile(path, text?) / reloadRecords() / refresh()
 *       the same, kept up to date cheaply for an editor (one file per save).
 *   recordAudit({ files, report, changesBase?, tier?, scope, config }) → Promise<RecordOutcome>   (reviewed.ts)
 *       after any audit: writes .stakes/reviews/<id>.json covering what the audit judged.
 *   recordSignOff({ root, items, person, note, scope }) → WrittenRecord                  (reviewed.ts)
 *       a person's "Mark reviewed…" of exactly these debt items.
 *   regionsOf(path, text) / regionChanges({ path, base, current }) (regions.ts, changes.ts)
 *       the units and the change model: regions keyed by name, fingerprints of normalised tokens.
 *   readRecordsFromDisk(root) / parseRecord(text, file) / CoverageIndex (records.ts)
 *   decide(policy, path, name, label) / judge(config, requirement, covering) / describeRequirement (policy.ts)
 *   debtToSarif(status) / debtToMarkdown(status) / debtToText(status) (report.ts)
 * Policy: the `review` key of .stakes.json (src/core/routing/review.ts).
 */
export { reviewStatus, ReviewSession, warmUp, repositoryConfig, labelRegion, type ReviewStatus, type ReviewStatusOptions, type DebtItem, type ClearedItem, type ExemptItem, type RegionRef } from './debt';
export { recordAudit, recordSignOff, type AuditedFile, type AuditRecordInput, type RecordOutcome, type SignOffInput } from './reviewed';
export { GitError, resolveBase, repoRootOf, gitIdentity, branchNames, runGit, mainBranchHistory, type ResolvedBase } from './git';
export { statusJson, debtHeadline, debtToText, debtToMarkdown, debtToSarif } from './report';
export { regionsOf, FINGERPRINT_VERSION, type Region, type RegionKind } from './regions';
export { regionChanges, type RegionChange, type ChangeKind } from './changes';
export { REVIEWS_DIR, ReviewRecordError, readRecordsFromDisk, parseRecord, type ReviewRecord, type LoadedRecord, type WrittenRecord } from './records';
export { decide, judge, describeRequirement, acceptedModels, type Verdict, type VerdictStatus } from './policy';
