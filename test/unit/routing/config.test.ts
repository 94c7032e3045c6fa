import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyLayer, ConfigError, defaultConfig, parseStakesFile, recommend, runnableModel, validateStakesFile } from '../../../src/core/routing/config';
import { loadConfig } from '../../../src/core/routing/load';
import { stakesJsonSchema } from '../../../src/core/routing/schema';
import { REVIEW_SEVERITIES } from '../../../src/core/routing/review';
import { SEVERITIES } from '../../../src/core/audit/findings';

describe('routing table', () => {
  it('has the documented defaults', () => {
    const c = defaultConfig();
    assert.equal(recommend(c, 'sensitive')?.name, 'GPT-5.4');
    assert.equal(recommend(c, 'complex')?.name, 'Claude Opus 4.6');
    assert.equal(recommend(c, 'context-heavy')?.name, 'Gemini 3.1 Pro');
    const boiler = recommend(c, 'boilerplate')!;
    assert.equal(boiler.name, 'Composer 2');
    assert.match(boiler.why, /Cursor/);
    assert.equal(runnableModel(c, 'anthropic', 'boilerplate'), 'claude-haiku-4-5');
  });

  it('layers settings then .stakes.json, the file winning', () => {
    let c = applyLayer(defaultConfig(), validateStakesFile({ recommendations: { sensitive: { name: 'Mine' } } }, 'settings'), 'settings');
    c = applyLayer(c, validateStakesFile({ recommendations: { sensitive: { name: 'Team', model: 'team-1' } } }, '.stakes.json'), '.stakes.json');
    assert.equal(recommend(c, 'sensitive')?.name, 'Team');
    assert.equal(recommend(c, 'sensitive')?.provider, 'openai');
  });

  it('falls back when a model is excluded, and says so', () => {
    const c = applyLayer(defaultConfig(), validateStakesFile({ excludeModels: ['gpt-5.4'] }, '.stakes.json'), '.stakes.json');
    const rec = recommend(c, 'sensitive')!;
    assert.equal(rec.name, 'Claude Opus 4.6');
    assert.match(rec.replaced!, /GPT-5\.4 is excluded/);
    assert.throws(() => runnableModel(c, 'openai', 'sensitive'), ConfigError);
  });

  it('names the file, the key and what was expected', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ paths: { 'src/**': 'risky' } }, /paths\["src\/\*\*"\]: expected one of "sensitive", "complex", "context-heavy", "boilerplate"/],
      [{ recommendations: { sensitive: { nmae: 'x' } } }, /recommendations\.sensitive: unknown key "nmae"/],
      [{ excludeModels: 'gpt-5.4' }, /excludeModels: expected an array/],
      [{ contextTokenLimit: 10 }, /contextTokenLimit: expected a number ≥ 1000/],
      [{ rules: [{ id: 'x', label: 'sensitive', weight: 1 }] }, /rules\[0\]: a rule needs "pattern"/],
      [{ rules: [{ id: 'x', label: 'sensitive', weight: 1, pattern: '(' }] }, /rules\[0\]\.pattern: not a valid regular expression/],
    ];
    for (const [raw, re] of cases) {
      assert.throws(() => validateStakesFile(raw, '/repo/.stakes.json'), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^\/repo\/\.stakes\.json is not valid:/);
        assert.match(e.message, re);
        return true;
      });
    }
    assert.throws(() => parseStakesFile('{ "paths": ', '.stakes.json'), /not valid JSON/);
  });

  it('loads .stakes.json from a workspace and reports a broken one without losing settings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cfg-'));
    fs.writeFileSync(path.join(dir, '.stakes.json'), '{"paths": {"lib/**": "nope"}}');
    const { config, errors } = loadConfig(dir, { excludeModels: ['composer-2'] });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /\.stakes\.json is not valid/);
    assert.deepEqual(config.excludeModels, ['composer-2']);
    fs.rmSync(dir, { recursive: true });
  });

  it('ships a JSON schema in sync with the zod schema', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../media/stakes.schema.json'), 'utf8'));
    assert.deepEqual(shipped, stakesJsonSchema(), 'media/stakes.schema.json is stale: regenerate it from src/core/routing/schema.ts');
  });
});

describe('review policy (.stakes.json "review")', () => {
  it('defaults: sensitive changes need a sensitive-tier audit with nothing high open, or a sign-off; the rest nothing', () => {
    const r = defaultConfig().review;
    assert.deepEqual(r.require.sensitive, { audit: 'sensitive', failOn: 'high', signOff: true, models: [] });
    assert.equal(r.require.complex, null);
    assert.equal(r.require.boilerplate, null);
    assert.deepEqual(r.alwaysReview, []);
  });

  it('layers per label, adds paths and exemptions, and names where each came from', () => {
    let c = applyLayer(defaultConfig(), validateStakesFile({ review: { require: { complex: { audit: 'any' } }, alwaysReview: ['db/**'] } }, 'settings'), 'settings');
    c = applyLayer(c, validateStakesFile({
      review: {
        base: 'origin/main',
        require: { sensitive: { failOn: 'medium', signOff: false, models: ['o3'] }, boilerplate: 'nothing' },
        alwaysReview: ['src/billing/**'],
        exempt: [{ path: 'src/generated/**', reason: 'generated from openapi.yaml' }],
      },
    }, '.stakes.json'), '.stakes.json');
    assert.equal(c.review.base, 'origin/main');
    assert.deepEqual(c.review.require.sensitive, { audit: 'sensitive', failOn: 'medium', signOff: false, models: ['o3'] });
    assert.deepEqual(c.review.require.complex, { audit: 'any', failOn: 'high', signOff: true, models: [] });
    assert.deepEqual(c.review.alwaysReview.map((a) => `${a.glob}@${a.origin}`), ['db/**@settings', 'src/billing/**@.stakes.json']);
    assert.deepEqual(c.review.exempt, [{ glob: 'src/generated/**', reason: 'generated from openapi.yaml', origin: '.stakes.json' }]);
    assert.equal(c.review.requireOrigin.sensitive, '.stakes.json');
  });

  it('names the key and what was expected', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ review: { require: { sensitive: { audit: 'gpt' } } } }, /review\.require\.sensitive\.audit: expected one of "sensitive", "complex", "context-heavy", "boilerplate", "any", "none"/],
      [{ review: { require: { sensitive: { audti: 'any' } } } }, /review\.require\.sensitive: unknown key "audti"/],
      [{ review: { require: { sensitive: 'never' } } }, /review\.require\.sensitive/],
      [{ review: { require: { risky: 'nothing' } } }, /review\.require: unknown key "risky"/],
      [{ review: { exempt: [{ path: 'x/**' }] } }, /review\.exempt\[0\]\.reason: expected a string/],
      [{ review: { exempt: [{ path: 'x/**', reason: '' }] } }, /review\.exempt\[0\]\.reason/],
      [{ review: { require: { sensitive: { failOn: 'severe' } } } }, /review\.require\.sensitive\.failOn: expected one of "critical", "high"/],
      [{ review: { require: { sensitive: { audit: 'none', signOff: false } } } }, /review\.require\.sensitive: nothing could clear such a change/],
      [{ review: { alwaysReview: 'src/**' } }, /review\.alwaysReview: expected an array/],
    ];
    for (const [raw, re] of cases) {
      assert.throws(() => validateStakesFile(raw, '/repo/.stakes.json'), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, re);
        return true;
      }, JSON.stringify(raw));
    }
  });

  it('uses the severities of the findings contract', () => {
    assert.deepEqual([...REVIEW_SEVERITIES], [...SEVERITIES]);
  });
});
