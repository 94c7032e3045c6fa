import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Classification } from '../../../src/core/classify';
import { auditLabel, chooseAuditModel, labelReason, labelTargets, UNLABELLED_AUDIT_LABEL, type LabelledCode } from '../../../src/core/audit/route';
import { ConfigError, defaultConfig } from '../../../src/core/routing/config';
import { DEFAULT_AUDIT_PROVIDER } from '../../../src/core/routing/defaults';
import type { Label } from '../../../src/core/labels';

function labelled(where: string, label: Label, detail = `${label} signal`, override?: Classification['override']): LabelledCode {
  return {
    where,
    classification: {
      file: where, label, confidence: 0.9, scores: { sensitive: 0, complex: 0, 'context-heavy': 0, boilerplate: 0 },
      reasons: [{ signal: 's', label, weight: 2, detail }, { signal: 'weak', label, weight: 1, detail: 'weaker' }], runnerUp: null, skipped: [], override,
    },
  };
}

const cli = { provider: '--provider', model: '--model' };

describe('audit routing (core/audit/route.ts: one decision for the CLI and the extension)', () => {
  it('labels an audit with the most demanding label among its code, citing the strongest reason', () => {
    const r = auditLabel([labelled('a.ts', 'boilerplate'), labelled('auth.ts', 'sensitive', 'imports jsonwebtoken (line 3)'), labelled('b.ts', 'complex')]);
    assert.deepEqual(r, { label: 'sensitive', why: 'auth.ts: imports jsonwebtoken (line 3)' });
    assert.equal(auditLabel([labelled('a.ts', 'boilerplate'), labelled('b.ts', 'context-heavy')]).label, 'context-heavy');
    assert.equal(labelReason(labelled('x.ts', 'complex', 'x', { source: 'pin', detail: 'pinned by you' }).classification), 'pinned by you');
  });

  it('audits code that could not be labelled as sensitive: the one documented default', () => {
    assert.equal(UNLABELLED_AUDIT_LABEL, 'sensitive');
    const r = auditLabel([]);
    assert.equal(r.label, 'sensitive');
    assert.match(r.why, /could not be labelled/);
  });

  it('labels CLI targets with the core classifier (a selection is labelled on its lines)', () => {
    const config = defaultConfig();
    const jwt = "import jwt from 'jsonwebtoken';\nexport function verify(t: string) { return jwt.verify(t, process.env.JWT_SECRET!); }\n";
    const [auth] = labelTargets([{ path: 'src/auth.ts', content: jwt, scope: { kind: 'file' } }], config);
    assert.equal(auth.classification.label, 'sensitive');
    assert.equal(auditLabel(labelTargets([
      { path: 'src/dto.ts', content: 'export interface UserDto { id: string; name: string }\n', scope: { kind: 'file' } },
      { path: 'src/auth.ts', content: jwt, scope: { kind: 'file' } },
    ], config)).label, 'sensitive');
  });

  it('routes to the label\'s runnable model on the chosen provider', () => {
    const config = defaultConfig();
    const m = chooseAuditModel({ config, label: 'boilerplate', provider: 'anthropic', knobs: cli });
    assert.deepEqual(m, { provider: 'anthropic', model: 'claude-haiku-4-5', why: 'the code is labelled boilerplate (--provider anthropic)', routed: true });
    assert.equal(chooseAuditModel({ config, label: 'sensitive', provider: 'google', knobs: cli }).model, 'gemini-3.1-pro');
  });

  it('a pinned model wins, and the reason names the knob that pinned it', () => {
    const m = chooseAuditModel({ config: defaultConfig(), label: 'sensitive', provider: 'openai', model: 'gpt-x', knobs: { provider: 'stakes.audit.provider', model: 'stakes.audit.model' } });
    assert.deepEqual(m, { provider: 'openai', model: 'gpt-x', why: 'stakes.audit.model is set to gpt-x', routed: false });
  });

  it('without a provider, takes the recommended one, else the first fallback that has a key, else the default provider', () => {
    const config = defaultConfig();
    const base = { config, label: 'sensitive' as const, knobs: cli, fallbacks: ['openai', 'anthropic', 'google'] };
    assert.equal(chooseAuditModel({ ...base, hasKey: () => true }).provider, 'openai');
    const fallback = chooseAuditModel({ ...base, hasKey: (p) => p === 'anthropic' });
    assert.equal(fallback.provider, 'anthropic');
    assert.equal(fallback.model, 'claude-opus-4-6');
    assert.equal(fallback.routed, false);
    assert.match(fallback.why, /recommends openai, which has no key set; using anthropic/);
    // Boilerplate's recommendation (Composer 2, Cursor) is not callable: first keyed fallback.
    assert.match(chooseAuditModel({ ...base, label: 'boilerplate', hasKey: (p) => p === 'google' }).why, /Composer 2 is not callable from here; using google/);
    assert.equal(chooseAuditModel({ ...base, label: 'boilerplate', hasKey: () => false }).provider, DEFAULT_AUDIT_PROVIDER);
  });

  it('refuses a routed model that excludeModels forbids', () => {
    const config = { ...defaultConfig(), excludeModels: ['gpt-5.4'] };
    assert.throws(() => chooseAuditModel({ config, label: 'sensitive', provider: 'openai', knobs: cli }), ConfigError);
  });

  it('matches the label\'s recommended model among the models a provider offers at run time', () => {
    const offered = [
      { id: 'copilot-fast', name: 'Fast', family: 'fast-1', vendor: 'copilot' },
      { id: 'gpt-5.4-copilot', name: 'GPT-5.4', family: 'gpt-5.4', vendor: 'copilot' },
    ];
    const knobs = { provider: 'stakes.audit.provider', model: 'stakes.audit.model' };
    const hit = chooseAuditModel({ config: defaultConfig(), label: 'sensitive', provider: 'vscode-lm', knobs, offered });
    assert.equal(hit.model, 'gpt-5.4-copilot');
    assert.equal(hit.routed, true);
    const miss = chooseAuditModel({ config: defaultConfig(), label: 'complex', provider: 'vscode-lm', knobs, offered });
    assert.equal(miss.model, 'copilot-fast');
    assert.match(miss.why, /not offered here: using Fast \(set stakes\.audit\.model to pick another\)/);
    assert.throws(() => chooseAuditModel({ config: defaultConfig(), label: 'complex', provider: 'vscode-lm', knobs, offered: [] }), /offers no model/);
  });

  it('the extension\'s stakes.audit.provider default is the core\'s default provider', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'));
    assert.equal(pkg.contributes.configuration.properties['stakes.audit.provider'].default, DEFAULT_AUDIT_PROVIDER);
  });
});
