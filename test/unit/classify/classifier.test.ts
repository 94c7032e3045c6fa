import * as assert from 'node:assert/strict';
import { classify as classifyWith } from '../../../src/core/classify';
import type { ClassifyInput } from '../../../src/core/classify';
import { applyLayer, defaultConfig, validateStakesFile } from '../../../src/core/routing/config';

/** These tests pin the signal table (rules, weights, evidence wording); the learned model has its own tests (learned.test.ts). */
const classify = (input: Parameters<typeof classifyWith>[0], options: Parameters<typeof classifyWith>[1] = {}) => classifyWith(input, { model: null, ...options });

const doc = (path: string, content: string, languageId?: string) => ({ path, content, languageId });
const one = (path: string, content: string, extra: Partial<ClassifyInput> = {}) => classify({ active: doc(path, content), ...extra });
const signals = (r: ReturnType<typeof classify>) => r.reasons.map((x) => x.signal);

describe('classifier: sensitive signals', () => {
  it('names the JWT import with its line', () => {
    const r = one('src/session.ts', "import express from 'express';\nimport { z } from 'zod';\nimport jwt from 'jsonwebtoken';\n\nexport const t = 1;\n");
    assert.equal(r.label, 'sensitive');
    const reason = r.reasons.find((x) => x.signal === 'import.jwt');
    assert.ok(reason, JSON.stringify(r.reasons));
    assert.equal(reason.line, 3);
    assert.equal(reason.detail, 'imports jsonwebtoken (line 3)');
  });

  it('finds bcrypt.compare calls by line, not in comments', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `const v${i} = ${i};`);
    lines.push('  const ok = await bcrypt.compare(password, user.passwordHash);');
    lines.splice(5, 0, '// TODO: bcrypt.compare here later');
    const r = one('src/users/service.ts', lines.join('\n'));
    const hits = r.reasons.filter((x) => x.signal === 'content.password-hashing');
    assert.deepEqual(hits.map((h) => h.line), [42]);
    assert.equal(hits[0].detail, 'calls bcrypt.compare (line 42)');
    assert.equal(r.label, 'sensitive');
  });

  it('treats migrations of every common tool as sensitive', () => {
    const cases: Array<[string, string]> = [
      ['db/migrations/0007_add_index.sql', 'CREATE INDEX idx ON orders(status);'],
      ['prisma/migrations/20240101_init/migration.sql', 'CREATE TABLE "User" (id serial);'],
      ['src/main/resources/db/migration/V3__add_orders.sql', 'ALTER TABLE orders ADD COLUMN note text;'],
      ['migrate/000012_users.up.sql', 'ALTER TABLE users ADD COLUMN age int;'],
      ['db/migrate/20240101000000_add_role.rb', 'class AddRole < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :role, :string\n  end\nend\n'],
      ['shop/orders/migrations/0002_auto.py', 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = []\n'],
      ['alembic/versions/abc123_add.py', 'from alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n    op.add_column("users", sa.Column("age", sa.Integer()))\n'],
      ['src/db/1700000000000-AddUser.ts', "import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class AddUser1700000000000 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query('ALTER TABLE x ADD y int'); }\n}\n"],
      ['database/20240101-add.js', "module.exports = { up: async (queryInterface, Sequelize) => { await queryInterface.addColumn('users', 'age', Sequelize.INTEGER); } };\n"],
      ['db/knex/20240101_users.js', "exports.up = function (knex) {\n  return knex.schema.createTable('users', (t) => { t.increments(); });\n};\n"],
      ['db/changelog/db.changelog-master.yaml', 'databaseChangeLog:\n  - changeSet:\n      id: 1\n'],
    ];
    for (const [path, text] of cases) {
      const r = one(path, text);
      assert.equal(r.label, 'sensitive', `${path}: ${JSON.stringify(r.reasons.map((x) => x.detail))}`);
    }
  });

  it('says "path matches **/migrations/**" for a migrations folder', () => {
    const r = one('db/migrations/0001_init.sql', 'CREATE TABLE users (id bigint primary key);');
    assert.ok(r.reasons.some((x) => x.detail === 'path matches **/migrations/**'), JSON.stringify(r.reasons));
  });

  it('recognises security work in Python, Go, Java, Ruby, C# and PHP', () => {
    const cases: Array<[string, string]> = [
      ['app/tokens.py', 'import jwt\n\ndef issue(user):\n    return jwt.encode({"sub": user.id}, KEY, algorithm="HS256")\n'],
      ['internal/token/token.go', 'package token\n\nimport (\n\t"fmt"\n\t"github.com/golang-jwt/jwt/v5"\n)\n\nfunc X() { fmt.Println(jwt.New) }\n'],
      ['src/main/java/com/acme/Pw.java', 'package com.acme;\nimport org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;\nclass Pw {}\n'],
      ['app/controllers/sessions_controller.rb', "require 'jwt'\nclass SessionsController < ApplicationController\n  before_action :authenticate_user!\nend\n"],
      ['Api/Billing/Charge.cs', 'using Stripe;\nnamespace Api.Billing { class Charge {} }\n'],
      ['app/Http/Pay.php', "<?php\nuse Stripe\\StripeClient;\nclass Pay {}\n"],
    ];
    for (const [path, text] of cases) {
      const r = one(path, text);
      assert.equal(r.label, 'sensitive', `${path}: ${JSON.stringify(r.reasons.map((x) => x.detail))}`);
    }
  });

  it('sees money arithmetic, transactions, webhook signatures and secrets', () => {
    const r = one('src/orders/total.ts', [
      'export async function place(db, items) {',
      '  const subtotalCents = items.reduce((s, i) => s + i.unitPriceCents * i.quantity, 0);',
      '  await db.query("BEGIN");',
      '  const event = stripe.webhooks.constructEvent(raw, sig, process.env.STRIPE_WEBHOOK_SECRET);',
      '}',
    ].join('\n'));
    assert.equal(r.label, 'sensitive');
    for (const s of ['content.money', 'content.transaction', 'content.webhook-signature', 'content.secret-access']) {
      assert.ok(signals(r).includes(s), `${s} missing: ${JSON.stringify(signals(r))}`);
    }
  });

  it('flags SQL built from request variables but not from constants', () => {
    const risky = one('src/search.ts', 'export const q = (name: string) => db.query(`SELECT * FROM users WHERE name = \'${name}\'`);');
    assert.ok(signals(risky).includes('content.sql-interpolated'));
    const safe = one('src/search.ts', 'const COLS = "id, name";\nexport const q = (id: number) => db.query(`SELECT ${COLS} FROM users WHERE id = $1`, [id]);');
    assert.ok(!signals(safe).includes('content.sql-interpolated'), JSON.stringify(safe.reasons));
  });
});

describe('classifier: boilerplate, context and complexity', () => {
  it('labels a DTO file of many small members boilerplate', () => {
    const fields = Array.from({ length: 20 }, (_, i) => `  field${i}: string;`).join('\n');
    const r = one('src/users/user.dto.ts', `export class CreateUserDto {\n${fields}\n}\n`);
    assert.equal(r.label, 'boilerplate');
    assert.ok(signals(r).includes('shape.many-small-members'));
  });

  it('labels simple tests and config files boilerplate', () => {
    assert.equal(one('test/products.test.ts', "import { it } from 'mocha';\nit('lists', () => {});\n").label, 'boilerplate');
    assert.equal(one('config/app.yaml', 'port: 8080\nlog_level: info\n').label, 'boilerplate');
  });

  it('labels an OpenAPI spec context-heavy (and not a config file)', () => {
    const r = one('api/openapi.yaml', 'openapi: 3.1.0\ninfo:\n  title: Shop\npaths: {}\n');
    assert.equal(r.label, 'context-heavy');
    assert.ok(r.reasons.some((x) => /openapi spec \(line 1\)/.test(x.detail)));
    assert.ok(!signals(r).includes('kind.config'));
  });

  it('labels proto and GraphQL contracts and design docs context-heavy', () => {
    assert.equal(one('proto/orders.proto', 'syntax = "proto3";\nmessage Order { string id = 1; }\n').label, 'context-heavy');
    assert.equal(one('schema/schema.graphql', 'type Query { orders: [Order!]! }\n').label, 'context-heavy');
    assert.equal(one('docs/adr/0003-payments.md', '# Payments\n\nWe chose Stripe because...\n').label, 'context-heavy');
  });

  it('says when an OpenAPI spec is open beside the code', () => {
    const r = classify({
      active: doc('src/products/list.ts', 'export const list = () => [];\n'),
      others: [doc('openapi.yaml', 'openapi: 3.1.0\ninfo: {}\n')],
    });
    assert.ok(r.reasons.some((x) => x.detail === 'OpenAPI 3.1.0 spec open beside the code (openapi.yaml)'), JSON.stringify(r.reasons));
  });

  it('becomes context-heavy when the open text exceeds the token limit', () => {
    const big = 'export const x = 1;\n'.repeat(9_000);
    const r = classify({ active: doc('src/a.ts', 'export const a = 1;\n'), others: [doc('src/b.ts', big)] });
    assert.equal(r.label, 'context-heavy');
    assert.ok(signals(r).includes('context.large'));
  });

  it('counts the full length of a document passed as a head', () => {
    const r = classify({ active: doc('src/a.ts', 'export const a = 1;\n'), others: [{ path: 'src/b.ts', content: 'export const x = 1;\n', length: 400_000 }] });
    assert.ok(signals(r).includes('context.large'), JSON.stringify(r.reasons));
  });

  it('labels many files edited across modules complex', () => {
    const now = Date.now();
    const files = ['src/orders/a.ts', 'src/orders/b.ts', 'src/users/c.ts', 'src/catalog/d.ts', 'src/shipping/e.ts', 'src/shipping/f.ts', 'src/users/g.ts'];
    const r = classify({
      active: doc('src/orders/a.ts', 'export function f() { return 1; }\n'),
      activity: files.map((path, i) => ({ path, at: now - i * 60_000, size: 300 })),
      now,
    });
    assert.equal(r.label, 'complex');
    assert.ok(r.reasons.some((x) => x.detail === '7 files edited across 4 modules in the last 20 minutes'), JSON.stringify(r.reasons));
  });

  it('ignores edits outside the activity window', () => {
    const now = Date.now();
    const files = ['src/orders/a.ts', 'src/orders/b.ts', 'src/users/c.ts', 'src/catalog/d.ts', 'src/shipping/e.ts'];
    const r = classify({
      active: doc('src/orders/a.ts', 'export function f() { return 1; }\n'),
      activity: files.map((path) => ({ path, at: now - 45 * 60_000, size: 300 })),
      now,
    });
    assert.notEqual(r.label, 'complex');
  });
});

describe('classifier: precedence, overrides and limits', () => {
  it('lets a strong sensitive signal win over more boilerplate evidence and shows the runner-up', () => {
    const routes = Array.from({ length: 10 }, (_, i) => `router.get('/r${i}', h${i});`).join('\n');
    const r = one('src/routes/index.ts', `import jwt from 'jsonwebtoken';\n${routes}\n`);
    assert.equal(r.label, 'sensitive');
    assert.equal(r.runnerUp?.label, 'boilerplate');
  });

  it('damps security imports in test files', () => {
    const r = one('test/auth.test.ts', "import jwt from 'jsonwebtoken';\nit('signs', () => {});\n");
    assert.equal(r.label, 'boilerplate', JSON.stringify(r.reasons));
    assert.equal(r.runnerUp?.label, 'sensitive');
  });

  it('applies .stakes.json globs and pins, keeping the evidence', () => {
    const config = applyLayer(defaultConfig(), validateStakesFile({ paths: { 'src/billing/**': 'sensitive' } }, '.stakes.json'), '.stakes.json');
    const r = classify({ active: doc('src/billing/format.ts', 'export const f = (n: number) => String(n);\n') }, { config });
    assert.equal(r.label, 'sensitive');
    assert.equal(r.override?.source, 'glob');
    assert.match(r.reasons[0].detail, /"src\/billing\/\*\*": "sensitive" in \.stakes\.json/);
    const pinned = classify({ active: doc('src/auth/jwt.ts', "import jwt from 'jsonwebtoken';\n") }, { pinned: 'boilerplate' });
    assert.equal(pinned.label, 'boilerplate');
    assert.equal(pinned.runnerUp?.label, 'sensitive');
  });

  it('runs team rules from .stakes.json', () => {
    const config = applyLayer(defaultConfig(), validateStakesFile({ rules: [{ id: 'ledger', label: 'sensitive', weight: 4, pattern: 'ledger\\.post\\(' }] }, '.stakes.json'), '.stakes.json');
    const r = classify({ active: doc('src/x.ts', 'const a = 1;\nledger.post(entry);\n') }, { config });
    assert.equal(r.label, 'sensitive');
    assert.deepEqual(r.reasons.find((x) => x.signal === 'custom.ledger')?.line, 2);
  });

  it('answers at once for empty, binary, non-UTF-8, minified and 10 MB inputs and says what it skipped', () => {
    const empty = one('src/empty.ts', '');
    assert.ok(empty.skipped.some((s) => s.includes('empty file')));
    const bin = classify({ active: { path: 'assets/logo.png', content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]) } });
    assert.ok(bin.skipped.some((s) => s.includes('binary')));
    const latin1 = classify({ active: { path: 'src/legacy.php', content: new Uint8Array([0x3c, 0x3f, 0x70, 0x68, 0x70, 0x20, 0xe9, 0xe8, 0x20, 0x41]) } });
    assert.ok(latin1.skipped.some((s) => s.includes('not valid UTF-8')));
    const minified = one('public/app.min.js', 'var a=1;'.repeat(20_000));
    assert.ok(minified.skipped.some((s) => s.includes('minified')));
    const huge = 'export const value = "0123456789";\n'.repeat(300_000);
    assert.ok(huge.length > 10_000_000);
    const r = one('src/huge.ts', huge);
    assert.ok(r.skipped.some((s) => s.includes('were scanned') || s.includes('not scanned')), JSON.stringify(r.skipped));
  });

  it('reads a migration whose one huge line is data (600 choices) instead of calling it minified', () => {
    const choices = Array.from({ length: 600 }, (_, i) => `('Zone/${i}', 'Zone/${i}')`).join(', ');
    const src = `# Generated by Django 3.2 on 2022-12-20\n\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n        ('app', '0176_previous'),\n    ]\n\n    operations = [\n        migrations.AlterField(\n            model_name='settings',\n            name='time_zone',\n            field=models.CharField(choices=[${choices}], default='UTC', max_length=50),\n        ),\n    ]\n`;
    const r = one('app/db_migrations/0177_alter_settings_time_zone.py', src);
    assert.ok(!r.skipped.some((s) => s.includes('minified')), JSON.stringify(r.skipped));
    assert.equal(r.label, 'sensitive');
    assert.ok(r.reasons.some((x) => x.signal === 'kind.migration.django' && x.line === 6), JSON.stringify(r.reasons.map((x) => x.signal)));
  });

  it('gives a low-confidence default with a reason when nothing fires', () => {
    const r = one('src/util/clamp.ts', 'export function clamp(n: number, lo: number, hi: number) {\n  return Math.min(hi, Math.max(lo, n));\n}\n');
    assert.equal(r.label, 'boilerplate');
    assert.ok(r.confidence <= 0.3);
    assert.ok(signals(r).includes('default.no-signal'));
  });

  it('restricts content signals to a selection when one is given', () => {
    const text = "import jwt from 'jsonwebtoken';\nexport const a = 1;\nexport const b = 2;\nconst tok = jwt.sign({}, k);\n";
    const r = classify({ active: { path: 'src/x.ts', content: text, selection: { startLine: 2, endLine: 3 } } });
    assert.ok(!signals(r).includes('content.jwt'));
  });
});
