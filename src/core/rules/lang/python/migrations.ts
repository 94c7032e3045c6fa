/**
 * Migrations written in Python, as operations for the migration walk (lang/sql/ops.ts): Django
 * (operations in order; atomic unless `atomic = False`; RunSQL's forward SQL on the PostgreSQL grammar;
 * SeparateDatabaseAndState's database_operations only) and Alembic (upgrade() only; op.* calls,
 * op.execute SQL, batch_alter_table, autocommit_block).
 */
import type { SyntaxNode as Node } from '../syntax-tree';
import { sqlOperations } from '../sql/pg';
import type { MigrationFramework, MigrationOp, MigrationUnit } from '../sql/ops';
import { field, kwarg, literalOf, named, positionalArgs, stringValue, type PyFile, type PyListeners } from './walk';

const DDL = /\b(?:ALTER|CREATE|DROP)\b/i;
/** def upgrade(): [docstring/comments] if <condition>: return — the migration skips itself on some databases. */
const GUARDED_UPGRADE = /def\s+upgrade\s*\([^)]*\)\s*(?:->\s*\w+\s*)?:\s*(?:#[^\n]*\s*|(?:"{3}|'{3})[\s\S]*?(?:"{3}|'{3})\s*)*if\s[^\n]*:\s*(?:\n\s*)?return\b/;

export function detectFramework(text: string): MigrationFramework | undefined {
  if (/from\s+django\.db\s+import\s+[^\n]*migrations|class\s+Migration\s*\(\s*migrations\.Migration\s*\)/.test(text)) return 'django';
  if (/from\s+alembic\s+import\s+op|import\s+alembic|\bop\.(?:add_column|create_table|create_index|drop_column|execute|alter_column)\b/.test(text)) return 'alembic';
  return undefined;
}

export function migrationCollector(file: PyFile): { listeners: PyListeners; unit: () => MigrationUnit } | undefined {
  const framework = detectFramework(file.text);
  if (!framework) return undefined;
  const transactional = framework === 'django' ? !/^\s*atomic\s*=\s*False/m.test(file.text) : true;
  const ops: MigrationOp[] = [];
  const str = (n: Node | null | undefined): string | undefined => (n ? stringValue(n) ?? undefined : undefined);
  const push = (node: Node, via: string, op: Omit<MigrationOp, 'start' | 'end' | 'via' | 'text'>): void => {
    ops.push({ ...op, start: node.startIndex, end: node.endIndex, via, text: node.text, autocommit: op.autocommit ?? inAutocommitBlock(node) });
  };
  const skipped = (n: Node): boolean => inStateOnly(n) || (framework === 'alembic' && !inUpgrade(n));

  const django = (call: Node, name: string): void => {
    const a = positionalArgs(call);
    const model = (str(kwarg(call, 'model_name')) ?? str(kwarg(call, 'name')) ?? '').toLowerCase();
    switch (name) {
      case 'CreateModel':
        push(call, 'Django CreateModel', { kind: 'create-table', table: (str(kwarg(call, 'name')) ?? str(a[0]) ?? '').toLowerCase() });
        break;
      case 'DeleteModel':
        push(call, 'Django DeleteModel', { kind: 'drop-table', table: (str(kwarg(call, 'name')) ?? str(a[0]) ?? '').toLowerCase() });
        break;
      case 'RemoveField':
        push(call, 'Django RemoveField', { kind: 'drop-column', table: model, column: str(kwarg(call, 'name')) ?? str(a[1]) });
        break;
      case 'AddIndex':
        push(call, 'Django AddIndex', { kind: 'create-index', table: model, fix: call.text.replace(/^migrations\.AddIndex/, 'AddIndexConcurrently') });
        break;
      case 'AddIndexConcurrently':
        push(call, 'Django AddIndexConcurrently', { kind: 'create-index', table: model, concurrently: true });
        break;
      case 'RemoveIndexConcurrently':
        push(call, 'Django RemoveIndexConcurrently', { kind: 'drop-index', concurrently: true });
        break;
      case 'AddConstraint': {
        const c = kwarg(call, 'constraint')?.text ?? '';
        if (/UniqueConstraint/.test(c)) push(call, 'Django AddConstraint(UniqueConstraint)', { kind: 'add-unique', table: model });
        else if (/CheckConstraint/.test(c)) push(call, 'Django AddConstraint(CheckConstraint)', { kind: 'add-check', table: model });
        break;
      }
      case 'AddField': {
        const f = kwarg(call, 'field')?.text ?? a[2]?.text ?? '';
        push(call, 'Django AddField', { kind: 'add-column', table: model, column: str(kwarg(call, 'name')) ?? str(a[1]), hasDefault: true });
        // A ForeignKey (or db_index=True / unique=True) also builds an index on the existing table.
        if (/ForeignKey|OneToOneField/.test(f) && !/db_index\s*=\s*False/.test(f)) {
          push(call, 'Django AddField(ForeignKey)', { kind: 'add-foreign-key', table: model, onNewColumn: true });
          push(call, 'Django AddField(ForeignKey) index', { kind: 'create-index', table: model, onNewColumn: true });
        } else if (/db_index\s*=\s*True|unique\s*=\s*True/.test(f)) push(call, 'Django AddField(db_index=True)', { kind: 'create-index', table: model, onNewColumn: true });
        break;
      }
      case 'RenameField':
        push(call, 'Django RenameField', { kind: 'rename-column', table: model, column: str(kwarg(call, 'old_name')), newName: str(kwarg(call, 'new_name')) });
        break;
    }
  };

  const alembic = (call: Node, name: string, recvText: string): void => {
    const a = positionalArgs(call);
    const batchTable = recvText !== 'op' ? batchTableOf(call) : undefined;
    const t = (i: number): string => (batchTable ?? str(a[i]) ?? '').toLowerCase();
    const shift = batchTable ? -1 : 0; // batch_op.add_column(col) has no table argument
    switch (name) {
      case 'create_table':
        push(call, 'op.create_table', { kind: 'create-table', table: t(0) });
        break;
      case 'add_column': {
        const col = a[1 + shift]?.text ?? '';
        push(call, 'op.add_column', { kind: 'add-column', table: t(0), column: /Column\(\s*['"]([\w$]+)/.exec(col)?.[1],
          notNull: /nullable\s*=\s*False/.test(col) || /primary_key\s*=\s*True/.test(col), hasDefault: /server_default\s*=/.test(col), generated: /primary_key\s*=\s*True|Identity\(|autoincrement\s*=\s*True/.test(col) });
        if (/ForeignKey\(/.test(col)) push(call, 'op.add_column(ForeignKey)', { kind: 'add-foreign-key', table: t(0), onNewColumn: true });
        break;
      }
      case 'create_index': {
        const table = batchTable ?? str(a[1]) ?? str(kwarg(call, 'table_name')) ?? '';
        const cols = a[2 + (batchTable ? -1 : 0)];
        const column = cols?.type === 'list' ? str(named(cols)[0]) : undefined;
        const concurrently = kwarg(call, 'postgresql_concurrently')?.text === 'True';
        const argsNode = field(call, 'arguments');
        push(call, 'op.create_index', { kind: 'create-index', table: table.toLowerCase(), column, concurrently, unique: kwarg(call, 'unique')?.text === 'True',
          fix: concurrently || !argsNode ? undefined : `${field(call, 'function')!.text}(${[...named(argsNode).map((x) => x.text), 'postgresql_concurrently=True'].join(', ')})` });
        break;
      }
      case 'drop_index':
        push(call, 'op.drop_index', { kind: 'drop-index', concurrently: kwarg(call, 'postgresql_concurrently')?.text === 'True' });
        break;
      case 'alter_column':
        if (kwarg(call, 'type_')) push(call, 'op.alter_column(type_=…)', { kind: 'alter-column-type', table: t(0), column: str(a[1 + shift]), type: kwarg(call, 'type_')?.text });
        if (kwarg(call, 'nullable')?.text === 'False') push(call, 'op.alter_column(nullable=False)', { kind: 'set-not-null', table: t(0), column: str(a[1 + shift]) });
        break;
      case 'drop_column':
        push(call, 'op.drop_column', { kind: 'drop-column', table: t(0), column: str(a[1 + shift]) });
        break;
      case 'create_foreign_key': {
        const local = a[3 + shift];
        const column = local?.type === 'list' ? str(named(local)[0]) : str(local);
        push(call, 'op.create_foreign_key', { kind: 'add-foreign-key', table: (batchTable ?? str(a[1 + shift]) ?? '').toLowerCase(), column });
        break;
      }
        break;
      case 'create_unique_constraint':
        push(call, 'op.create_unique_constraint', { kind: 'add-unique', table: (batchTable ?? str(a[1 + shift]) ?? '').toLowerCase() });
        break;
      case 'create_check_constraint':
        push(call, 'op.create_check_constraint', { kind: 'add-check', table: (batchTable ?? str(a[1 + shift]) ?? '').toLowerCase() });
        break;
      case 'create_primary_key':
        push(call, 'op.create_primary_key', { kind: 'add-unique', table: (batchTable ?? str(a[1 + shift]) ?? '').toLowerCase(), primary: true });
        break;
    }
  };

  /** SQL written in a string literal: its operations, at the literal's place in the file. */
  const sqlOf = (n: Node, autocommit: boolean): void => {
    const content = named(n).filter((c) => c.type === 'string_content');
    if (content.length !== 1) return; // f-strings and escapes: not a statement we can quote exactly
    const c = content[0];
    if (!DDL.test(c.text)) return;
    for (const op of sqlOperations(c.text, c.startIndex, 'SQL')) ops.push({ ...op, autocommit });
  };
  /** RunSQL([CREATE_INDEX]) / op.execute(SQL): SQL held in module-level constants. */
  const namedSql = (call: Node): void => {
    const fn = field(call, 'function')?.text.replace(/\s+/g, '') ?? '';
    const sqlCall = /(?:^|\.)RunSQL$/.test(fn) || /^op\.execute$|(?:cursor|conn|connection|schema_editor|bind|session)(?:\(\))?\.(?:execute|executescript)$/.test(fn);
    if (!sqlCall) return;
    const arg = kwarg(call, 'sql') ?? positionalArgs(call)[0];
    const flat = (n: Node | null | undefined): Node[] => !n ? [] : /^(?:list|tuple|parenthesized_expression)$/.test(n.type) ? named(n).flatMap((c) => flat(c.type === 'tuple' ? named(c)[0] : c)) : [n];
    for (const n of flat(arg)) {
      if (n.type !== 'identifier') continue;
      const lit = literalOf(n);
      if (lit) sqlOf(lit, inAutocommitBlock(call));
    }
  };

  const listeners: PyListeners = {
    call({ node, name, recvText, fnText }) {
      if (skipped(node)) return;
      namedSql(node);
      if (framework === 'django' && /^migrations\.\w+$/.test(fnText)) django(node, name);
      else if (framework === 'django' && /^(?:AddIndexConcurrently|RemoveIndexConcurrently)$/.test(fnText)) django(node, name);
      else if (framework === 'alembic' && (recvText === 'op' || /batch_op|batch/.test(recvText))) alembic(node, name, recvText);
    },
    string(n) {
      if (!isForwardSql(n) || skipped(n)) return;
      sqlOf(n, inAutocommitBlock(n));
    },
  };
  // A squashed Django migration, or an Alembic upgrade() that starts with `if …: return`, runs on fresh databases only.
  const freshInstallOnly = /squashed/.test(file.path) || GUARDED_UPGRADE.test(file.text);
  return { listeners, unit: () => ({ framework, transactional, ops, freshInstallOnly }) };
}

/**
 * A string that is forward SQL: RunSQL's sql (a string, or a list of strings or (sql, params) pairs),
 * op.execute(…), cursor/connection/schema_editor.execute(…). The string event fires before its call's.
 */
function isForwardSql(n: Node): boolean {
  let p: Node | null = n.parent;
  while (p && /^(?:list|tuple|parenthesized_expression|concatenated_string)$/.test(p.type)) p = p.parent;
  if (p?.type === 'keyword_argument') {
    if (field(p, 'name')?.text !== 'sql') return false;
    p = p.parent;
  }
  if (p?.type !== 'argument_list') return false;
  const call = p.parent;
  if (!call || call.type !== 'call') return false;
  const fn = field(call, 'function')?.text.replace(/\s+/g, '') ?? '';
  if (/(?:^|\.)RunSQL$/.test(fn)) {
    const first = positionalArgs(call)[0];
    return !first || (n.startIndex >= first.startIndex && n.endIndex <= first.endIndex) || kwarg(call, 'sql') !== null;
  }
  return /^op\.execute$|(?:cursor|conn|connection|schema_editor|bind|session)(?:\(\))?\.(?:execute|executescript)$/.test(fn);
}

/** Inside SeparateDatabaseAndState(state_operations=[…]): changes Django's model state only, nothing in the database. */
function inStateOnly(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'keyword_argument' && field(p, 'name')?.text === 'state_operations') return true;
    if (p.type === 'keyword_argument' && /^(?:reverse_sql|reverse_code)$/.test(field(p, 'name')?.text ?? '')) return true;
    if (p.type === 'call' && /(?:^|\.)RunSQL$/.test(field(p, 'function')?.text ?? '')) {
      const a = positionalArgs(p);
      if (a[1] && n.startIndex >= a[1].startIndex && n.endIndex <= a[1].endIndex) return true; // RunSQL(sql, reverse_sql)
    }
  }
  return false;
}

function enclosingFunctionName(n: Node): string {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return field(p, 'name')?.text ?? '';
  return '';
}

function inUpgrade(n: Node): boolean {
  const f = enclosingFunctionName(n);
  return !/^(?:downgrade|down|backwards|reverse\w*)$/.test(f);
}

/** with op.get_context().autocommit_block(): runs outside the migration's transaction. */
function inAutocommitBlock(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'with_statement' && /autocommit_block\s*\(/.test(field(p, 'body') ? p.text.slice(0, p.text.indexOf(':')) : p.text)) return true;
  return false;
}

/** with op.batch_alter_table('t') as batch_op: the table of batch_op calls. */
function batchTableOf(call: Node): string | undefined {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'with_statement') {
      const m = /batch_alter_table\(\s*['"]([\w.]+)['"]/.exec(p.text.slice(0, 200));
      if (m) return m[1];
    }
  }
  return undefined;
}
