/**
 * Migrations written in TypeScript/JavaScript, as operations for the migration walk (lang/sql/ops.ts):
 * raw SQL strings on the up side (queryRunner.query, knex.raw, pgm.sql, this.addSql…, parsed with the
 * PostgreSQL grammar), the knex schema builder, Sequelize queryInterface, TypeORM QueryRunner and
 * node-pg-migrate. Collected by the TypeScript walk's events; run after the walk.
 */
import type * as TS from 'typescript';
import { sqlOperations } from '../sql/pg';
import type { MigrationFramework, MigrationOp, MigrationUnit } from '../sql/ops';
import { calleeName, receiverOf, skipOuter, ts } from './taint';
import { inRollback } from './util';
import type { TsCall, TsFile, TsListeners } from './walk';

const DDL = /\b(?:ALTER|CREATE|DROP)\b/i;

export function detectFramework(source: string): { framework: MigrationFramework; transactional: boolean | undefined } {
  const text = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''); // what the code says, not its comments
  if (/MigrationInterface|QueryRunner/.test(text)) return { framework: 'typeorm', transactional: !/\btransaction\s*=\s*false\b/.test(text) };
  if (/queryInterface|QueryInterface/.test(text)) return { framework: 'sequelize', transactional: false };
  if (/\bpgm\s*[.:]|MigrationBuilder/.test(text)) return { framework: 'node-pg-migrate', transactional: !/\bpgm\.noTransaction\s*\(/.test(text) };
  if (/extends\s+Migration\b[\s\S]*this\.addSql\s*\(/.test(text)) return { framework: 'mikro-orm', transactional: true };
  if (/\bknex\b|Knex\b/.test(text)) return { framework: 'knex', transactional: !/config\s*=\s*\{[^}]*transaction\s*:\s*false/.test(text) };
  return { framework: 'sql', transactional: undefined };
}

/** The listeners that collect the file's migration operations, and the unit they build. */
export function migrationCollector(file: TsFile): { listeners: TsListeners; unit: () => MigrationUnit } {
  const t = ts();
  const { framework, transactional } = detectFramework(file.text);
  const ops: MigrationOp[] = [];
  const sf = file.sf;
  const str = (e: TS.Expression | undefined): string | undefined => {
    const x = e && skipOuter(e);
    return x && t.isStringLiteralLike(x) ? x.text : undefined;
  };
  const prop = (o: TS.Expression | undefined, name: string): TS.Expression | undefined => {
    const x = o && skipOuter(o);
    if (!x) return undefined;
    if (t.isNewExpression(x) && x.arguments?.[0]) return prop(x.arguments[0], name); // new TableColumn({ … })
    if (!t.isObjectLiteralExpression(x)) return undefined;
    for (const p of x.properties) if (t.isPropertyAssignment(p) && p.name.getText(sf).replace(/['"]/g, '') === name) return p.initializer;
    return undefined;
  };
  const isTrue = (e: TS.Expression | undefined): boolean => !!e && skipOuter(e).kind === t.SyntaxKind.TrueKeyword;
  const isFalse = (e: TS.Expression | undefined): boolean => !!e && skipOuter(e).kind === t.SyntaxKind.FalseKeyword;
  const push = (node: TS.Node, via: string, op: Omit<MigrationOp, 'start' | 'end' | 'via' | 'text'>): void => {
    ops.push({ ...op, start: node.getStart(sf), end: node.end, via, text: node.getText(sf) });
  };

  /** The table of the enclosing knex createTable/alterTable/table callback. */
  const knexTable = (n: TS.Node): { table: string; created: boolean } | undefined => {
    for (let p = n.parent; p; p = p.parent) {
      if (t.isCallExpression(p) && /^(?:alterTable|table|createTable|createTableIfNotExists)$/.test(calleeName(p)) && str(p.arguments[0]) !== undefined) {
        return { table: str(p.arguments[0])!.toLowerCase(), created: /^createTable/.test(calleeName(p)) };
      }
    }
    return undefined;
  };

  const knexCall = (c: TsCall): void => {
    const { node, name, recvText } = c;
    if (/^(?:createTable|createTableIfNotExists)$/.test(name) && /schema/.test(recvText) && str(c.args[0])) {
      push(node.expression, 'knex createTable', { kind: 'create-table', table: str(c.args[0])!.toLowerCase() });
      return;
    }
    const owner = knexTable(node);
    if (!owner || owner.created) return; // columns of a new table lock nothing
    const chainEnd = !t.isPropertyAccessExpression(node.parent);
    const chain = node.getText(sf);
    if (name === 'dropColumn' || name === 'dropColumns') {
      for (const a of c.args) push(node, 'knex dropColumn', { kind: 'drop-column', table: owner.table, column: str(a) });
      return;
    }
    if (!chainEnd) return;
    if (/\.alter\(\s*\)$/.test(chain)) {
      push(node, 'knex .alter()', { kind: 'alter-column-type', table: owner.table, column: firstStringArg(node) });
      return;
    }
    if ((name === 'index' || name === 'unique') && c.recv && /^\w+$/.test(recvText)) {
      push(node, name === 'unique' ? 'knex unique()' : 'knex index()', name === 'unique' ? { kind: 'add-unique', table: owner.table } : { kind: 'create-index', table: owner.table });
      return;
    }
    if (/\.(?:foreign|references)\(/.test(chain) && c.recv && /^\w+\.foreign\(/.test(chain)) {
      push(node, 'knex foreign()', { kind: 'add-foreign-key', table: owner.table });
      return;
    }
    // A column added to an existing table: table.string('x').notNullable()…
    const col = /^\w+\.(?:string|text|integer|bigInteger|boolean|date|datetime|timestamp|decimal|float|double|uuid|json|jsonb|enu|enum|specificType|binary|time|tinyint|smallint|mediumint|bigint|integer)\(\s*['"`]([\w$]+)/.exec(chain);
    if (col) {
      push(node, 'knex column', { kind: 'add-column', table: owner.table, column: col[1], notNull: /\.notNullable\(\)/.test(chain), hasDefault: /\.defaultTo\(/.test(chain), generated: /increments\(/.test(chain) });
      if (/\.references\(/.test(chain)) push(node, 'knex references()', { kind: 'add-foreign-key', table: owner.table, column: col[1], onNewColumn: true });
      if (/\.index\(\)|\.unique\(\)/.test(chain)) push(node, 'knex column index', { kind: 'create-index', table: owner.table, column: col[1] });
    }
  };

  const sequelizeCall = (c: TsCall): void => {
    const { node, name, args } = c;
    const table = str(args[0])?.toLowerCase() ?? tableFromObject(args[0]);
    switch (name) {
      case 'createTable':
        if (table) push(node, 'createTable', { kind: 'create-table', table });
        break;
      case 'addColumn': {
        const o = args[2];
        push(node, 'queryInterface.addColumn', { kind: 'add-column', table, column: str(args[1]), notNull: isFalse(prop(o, 'allowNull')), hasDefault: !!prop(o, 'defaultValue'), generated: isTrue(prop(o, 'autoIncrement')) });
        if (prop(o, 'references')) push(node, 'queryInterface.addColumn', { kind: 'add-foreign-key', table, column: str(args[1]), onNewColumn: true });
        break;
      }
      case 'removeColumn':
        push(node, 'queryInterface.removeColumn', { kind: 'drop-column', table, column: str(args[1]) });
        break;
      case 'changeColumn':
        push(node, 'queryInterface.changeColumn', { kind: 'alter-column-type', table, column: str(args[1]), type: typeText(prop(args[2], 'type')) });
        if (isFalse(prop(args[2], 'allowNull'))) push(node, 'queryInterface.changeColumn', { kind: 'set-not-null', table, column: str(args[1]) });
        break;
      case 'addIndex': {
        const o = args[2] && t.isObjectLiteralExpression(skipOuter(args[2])) ? args[2] : args[1];
        push(node, 'queryInterface.addIndex', { kind: 'create-index', table, concurrently: isTrue(prop(o, 'concurrently')), unique: isTrue(prop(o, 'unique')) });
        break;
      }
      case 'addConstraint': {
        const o = args[1] && t.isObjectLiteralExpression(skipOuter(args[1])) ? args[1] : args[2];
        const type = str(prop(o, 'type'))?.toLowerCase() ?? '';
        if (type === 'foreign key') push(node, 'queryInterface.addConstraint', { kind: 'add-foreign-key', table });
        else if (type === 'unique' || type === 'primary key') push(node, 'queryInterface.addConstraint', { kind: 'add-unique', table, primary: type === 'primary key' });
        else if (type === 'check') push(node, 'queryInterface.addConstraint', { kind: 'add-check', table });
        break;
      }
      case 'renameColumn':
        push(node, 'queryInterface.renameColumn', { kind: 'rename-column', table, column: str(args[1]), newName: str(args[2]) });
        break;
    }
  };

  const typeormCall = (c: TsCall): void => {
    const { node, name, args } = c;
    const table = str(args[0])?.toLowerCase() ?? tableFromObject(args[0]);
    switch (name) {
      case 'createTable':
        if (table) push(node, 'queryRunner.createTable', { kind: 'create-table', table });
        break;
      case 'addColumn':
      case 'addColumns':
        for (const colExpr of name === 'addColumns' && args[1] && t.isArrayLiteralExpression(skipOuter(args[1])) ? (skipOuter(args[1]) as TS.ArrayLiteralExpression).elements : [args[1]]) {
          push(node, 'queryRunner.addColumn', { kind: 'add-column', table, column: str(prop(colExpr, 'name')), notNull: !!colExpr && !isTrue(prop(colExpr, 'isNullable')), // TableColumn is NOT NULL unless isNullable: true
            hasDefault: !!prop(colExpr, 'default'), generated: !!prop(colExpr, 'isGenerated') || !!prop(colExpr, 'generationStrategy') });
        }
        break;
      case 'dropColumn':
      case 'dropColumns':
        push(node, 'queryRunner.dropColumn', { kind: 'drop-column', table, column: str(args[1]) ?? str(prop(args[1], 'name')) });
        break;
      case 'changeColumn':
        push(node, 'queryRunner.changeColumn', { kind: 'alter-column-type', table, column: str(args[1]) ?? str(prop(args[1], 'name')), type: str(prop(args[2], 'type')) });
        break;
      case 'createIndex':
        push(node, 'queryRunner.createIndex', { kind: 'create-index', table, unique: isTrue(prop(args[1], 'isUnique')) });
        break;
      case 'createForeignKey':
      case 'createForeignKeys':
        push(node, 'queryRunner.createForeignKey', { kind: 'add-foreign-key', table });
        break;
      case 'createUniqueConstraint':
        push(node, 'queryRunner.createUniqueConstraint', { kind: 'add-unique', table });
        break;
      case 'createCheckConstraint':
        push(node, 'queryRunner.createCheckConstraint', { kind: 'add-check', table });
        break;
    }
  };

  const pgmCall = (c: TsCall): void => {
    const { node, name, args } = c;
    const table = str(args[0])?.toLowerCase() ?? tableFromObject(args[0]);
    switch (name) {
      case 'createTable':
        if (table) push(node, 'pgm.createTable', { kind: 'create-table', table });
        break;
      case 'addColumns':
      case 'addColumn': {
        const cols = args[1] && skipOuter(args[1]);
        if (cols && t.isObjectLiteralExpression(cols)) {
          for (const p of cols.properties) {
            if (!t.isPropertyAssignment(p)) continue;
            const o = p.initializer;
            push(node, 'pgm.addColumns', { kind: 'add-column', table, column: p.name.getText(sf).replace(/['"]/g, ''), notNull: isTrue(prop(o, 'notNull')), hasDefault: prop(o, 'default') !== undefined,
              generated: /serial/i.test(str(prop(o, 'type')) ?? str(o) ?? '') });
            if (prop(o, 'references')) push(node, 'pgm.addColumns', { kind: 'add-foreign-key', table, onNewColumn: true });
          }
        }
        break;
      }
      case 'dropColumns':
      case 'dropColumn':
        push(node, 'pgm.dropColumns', { kind: 'drop-column', table, column: str(args[1]) });
        break;
      case 'alterColumn':
        if (prop(args[2], 'type')) push(node, 'pgm.alterColumn', { kind: 'alter-column-type', table, column: str(args[1]), type: str(prop(args[2], 'type')) });
        if (isTrue(prop(args[2], 'notNull'))) push(node, 'pgm.alterColumn', { kind: 'set-not-null', table, column: str(args[1]) });
        break;
      case 'createIndex':
      case 'addIndex':
        push(node, 'pgm.createIndex', { kind: 'create-index', table, concurrently: isTrue(prop(args[2], 'concurrently')), unique: isTrue(prop(args[2], 'unique')) });
        break;
      case 'dropIndex':
        push(node, 'pgm.dropIndex', { kind: 'drop-index', concurrently: isTrue(prop(args[2], 'concurrently')) });
        break;
      case 'addConstraint':
      case 'createConstraint':
        if (prop(args[2], 'foreignKeys') || prop(args[2], 'references')) push(node, 'pgm.addConstraint', { kind: 'add-foreign-key', table });
        else if (prop(args[2], 'unique') || prop(args[2], 'primaryKey')) push(node, 'pgm.addConstraint', { kind: 'add-unique', table });
        else if (prop(args[2], 'check')) push(node, 'pgm.addConstraint', { kind: 'add-check', table });
        break;
    }
  };

  const listeners: TsListeners = {
    string(node) {
      if (inRollback(node)) return;
      const start = node.getStart(sf) + 1;
      let raw = file.text.slice(start, node.end - 1);
      // ${…} spans become same-length identifiers, so the statement still parses and offsets stay exact.
      if (t.isTemplateExpression(node)) raw = raw.replace(/\$\{[^`]*?\}/g, (m) => 'x'.repeat(m.length));
      if (!raw || !DDL.test(raw)) return;
      for (const op of sqlOperations(raw, start, 'SQL')) ops.push(op);
    },
    call(c) {
      if (inRollback(c.node)) return;
      const recv = c.recvText;
      if (framework === 'sequelize' && /queryInterface|^qi$/i.test(recv)) sequelizeCall(c);
      else if (framework === 'typeorm' && /queryRunner/.test(recv)) typeormCall(c);
      else if (framework === 'node-pg-migrate' && /^pgm$/.test(recv)) pgmCall(c);
      else if (framework === 'knex') knexCall(c);
    },
  };
  return { listeners, unit: () => ({ framework, transactional, ops }) };

  function tableFromObject(e: TS.Expression | undefined): string | undefined {
    const n = prop(e, 'name') ?? prop(e, 'tableName');
    return str(n)?.toLowerCase();
  }
}

function typeText(e: TS.Expression | undefined): string | undefined {
  return e?.getText().replace(/^Sequelize\.|^DataTypes\./, '');
}

function firstStringArg(call: TS.CallExpression): string | undefined {
  const t = ts();
  for (let e: TS.Expression | undefined = call; e && t.isCallExpression(e); e = receiverOf(e)) {
    const a = e.arguments[0];
    if (a && t.isStringLiteralLike(a)) return a.text;
  }
  return undefined;
}
