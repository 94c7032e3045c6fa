/**
 * The invariants of src/README.md as assertions, independent of ESLint: which folder may import
 * what, no two modules importing each other, each decision made once in core, and one shape for
 * every editor feature's commands. Sources are read from src/ as written.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../../support/activation';

interface SourceFile {
  /** Repository-relative, forward slashes: "src/core/labels.ts". */
  file: string;
  text: string;
}

/** An import as written: a package name ("vscode") or a resolved repository path ("src/extension/lazy.ts"). */
interface Import { from: string; to: string; spec: string }

function sources(dir = 'src'): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    // Rule fixtures are sample code under test (any imports), not Stakes source: tsconfig and lint skip them too.
    if (entry.isDirectory() && entry.name === 'fixtures' && rel.startsWith('src/core/rules/')) continue;
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push({ file: rel, text: fs.readFileSync(path.join(ROOT, rel), 'utf8') });
  }
  return out;
}

/** Every import of a file: static, type-only, `import()` (also in types) and `require()`. */
function importsOf(src: SourceFile, known: ReadonlySet<string>): Import[] {
  return ts.preProcessFile(src.text, true, true).importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith('.')) return { from: src.file, to: spec, spec };
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(src.file), spec));
    const to = [`${base}.ts`, `${base}/index.ts`, base].find((c) => known.has(c)) ?? base;
    return { from: src.file, to, spec };
  });
}

/** What each folder must never import (src/README.md, "What each folder may import"). */
const NEVER: Array<{ folder: string; never: string[] }> = [
  { folder: 'src/core/', never: ['vscode', 'src/extension/', 'src/webview/', 'src/protocol/', 'src/cli/'] },
  { folder: 'src/webview/', never: ['vscode', 'src/extension/', 'src/cli/'] },
  { folder: 'src/protocol/', never: ['vscode', 'src/extension/', 'src/webview/', 'src/cli/'] },
  { folder: 'src/cli/', never: ['vscode', 'src/extension/', 'src/webview/', 'src/protocol/'] },
  { folder: 'src/extension/', never: ['src/cli/', 'src/webview/'] },
];

/** Boundary violations: "src/core/x.ts imports vscode (forbidden for src/core/)". */
export function boundaryViolations(files: SourceFile[]): string[] {
  const known = new Set(files.map((f) => f.file));
  const out: string[] = [];
  for (const f of files) {
    const rule = NEVER.find((r) => f.file.startsWith(r.folder));
    if (!rule) continue;
    for (const imp of importsOf(f, known)) {
      const bad = rule.never.find((n) => (n.endsWith('/') ? imp.to.startsWith(n) : imp.to === n || imp.to.startsWith(`${n}/`)));
      if (bad) out.push(`${f.file} imports ${imp.spec} (${rule.folder} never imports ${bad})`);
    }
  }
  return out;
}

/** Pairs of modules that import each other, type-only imports included. */
export function mutualImports(files: SourceFile[]): string[] {
  const known = new Set(files.map((f) => f.file));
  const edges = new Map<string, Set<string>>();
  for (const f of files) edges.set(f.file, new Set(importsOf(f, known).map((i) => i.to).filter((t) => known.has(t))));
  const out: string[] = [];
  for (const [a, tos] of edges) for (const b of tos) if (a < b && edges.get(b)?.has(a)) out.push(`${a} ↔ ${b}`);
  return out;
}

describe('architecture: import boundaries', () => {
  const files = sources();

  it('finds the imports it checks (the scanner is not blind)', () => {
    const known = new Set(files.map((f) => f.file));
    const ext = importsOf(files.find((f) => f.file === 'src/extension/extension.ts')!, known).map((i) => i.to);
    assert.ok(ext.includes('vscode') && ext.includes('src/extension/lazy.ts') === false && ext.includes('src/extension/audit/register.ts'), ext.join(', '));
    const register = importsOf(files.find((f) => f.file === 'src/extension/audit/register.ts')!, known).map((i) => i.to);
    assert.ok(register.includes('src/extension/audit/host.ts'), 'type-only and import() imports count');
    assert.ok(files.length > 100, `${files.length} source files`);
  });

  it('reports each kind of violation on planted code', () => {
    const planted: SourceFile[] = [
      { file: 'src/core/a.ts', text: "import * as vscode from 'vscode';\nimport type { Services } from '../extension/services';\nimport { main } from '../cli/main';" },
      { file: 'src/webview/b.ts', text: "const x = require('../extension/lazy');\nimport type * as V from 'vscode';" },
      { file: 'src/extension/services.ts', text: '' }, { file: 'src/extension/lazy.ts', text: '' }, { file: 'src/cli/main.ts', text: '' },
      { file: 'src/core/c.ts', text: "import type { D } from './d';" }, { file: 'src/core/d.ts', text: "import { c } from './c';" },
    ];
    assert.deepEqual(boundaryViolations(planted), [
      'src/core/a.ts imports vscode (src/core/ never imports vscode)',
      'src/core/a.ts imports ../extension/services (src/core/ never imports src/extension/)',
      'src/core/a.ts imports ../cli/main (src/core/ never imports src/cli/)',
      'src/webview/b.ts imports ../extension/lazy (src/webview/ never imports src/extension/)',
      'src/webview/b.ts imports vscode (src/webview/ never imports vscode)',
    ]);
    assert.deepEqual(mutualImports(planted), ['src/core/c.ts ↔ src/core/d.ts']);
  });

  it('src/core never imports vscode, src/extension, src/webview, src/protocol or src/cli; src/webview never imports vscode or src/extension', () => {
    assert.deepEqual(boundaryViolations(files), []);
  });

  it('no two modules import each other (not even for types)', () => {
    assert.deepEqual(mutualImports(files), []);
  });
});

describe('architecture: each decision once, in core', () => {
  const adapters = sources().filter((f) => f.file.startsWith('src/cli/') || f.file.startsWith('src/extension/'));

  it('only core/audit/route.ts picks an audit model from the routing table', () => {
    const callers = sources().filter((f) => /\brunnableModel\(/.test(f.text) && f.file !== 'src/core/routing/config.ts').map((f) => f.file);
    assert.deepEqual(callers, ['src/core/audit/route.ts']);
    assert.deepEqual(adapters.filter((f) => /\bauditLabel\(/.test(f.text) || /\bchooseAuditModel\(/.test(f.text)).map((f) => f.file).sort(),
      ['src/cli/commands/audit-model.ts', 'src/extension/audit/modelPicker.ts']);
  });

  it('only core/cacheDir.ts reads STAKES_CACHE_DIR or XDG_CACHE_HOME', () => {
    const readers = sources().filter((f) => /STAKES_CACHE_DIR|XDG_CACHE_HOME/.test(f.text.replace(/^\s*(\*|\/\/).*$/gm, ''))).map((f) => f.file);
    assert.deepEqual(readers, ['src/core/cacheDir.ts']);
  });
});

describe('architecture: one shape for every editor feature', () => {
  const files = sources('src/extension');

  it('commands are registered only through extension/commands.ts, from each feature\'s table', () => {
    assert.deepEqual(files.filter((f) => /commands\.registerCommand\(/.test(f.text)).map((f) => f.file), ['src/extension/commands.ts']);
    const registers = files.filter((f) => /\/register\.ts$/.test(f.file));
    assert.ok(registers.length >= 3);
    for (const r of registers) assert.match(r.text, /registerCommands\(\[/, `${r.file} declares its commands in one table`);
  });

  it('every command package.json contributes is in a command table', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
    const tables = files.map((f) => f.text).join('\n');
    const missing = pkg.contributes.commands.map((c) => c.command).filter((id) => !tables.includes(`id: '${id}'`));
    assert.deepEqual(missing, []);
  });
});

/** Every module `from` reaches through imports (type-only and lazy ones included), and the packages they name. */
function closure(files: SourceFile[], from: string): Set<string> {
  const known = new Set(files.map((f) => f.file));
  const byFile = new Map(files.map((f) => [f.file, f]));
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = byFile.get(file);
    if (src) for (const imp of importsOf(src, known)) todo.push(imp.to);
  }
  return seen;
}

describe('architecture: the agent tools are safe by construction', () => {
  const files = sources();

  it('core/agent reaches no provider, SDK or audit pipeline, so no tool can send code or spend money', () => {
    const reached = [...closure(files, 'src/core/agent/tools.ts')];
    assert.ok(reached.includes('src/core/rules/index.ts') && reached.includes('src/core/sql/api.ts'), 'the closure is not blind');
    const forbidden = reached.filter((f) => /^src\/core\/providers\/(?!types\.ts$)|^src\/core\/audit\/(pipeline|prompt|redaction|cache|budget)\.ts$|^(openai|@anthropic-ai\/sdk|@google\/genai)(\/|$)/.test(f));
    assert.deepEqual(forbidden, []);
  });

  it('only src/cli/commands/mcp.ts imports the MCP SDK', () => {
    const known = new Set(files.map((f) => f.file));
    const importers = files.filter((f) => importsOf(f, known).some((i) => i.to.startsWith('@modelcontextprotocol/'))).map((f) => f.file);
    assert.deepEqual(importers, ['src/cli/commands/mcp.ts']);
  });
});
