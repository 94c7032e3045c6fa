/** Language families the classifier knows, and how to read imports and comments in each. */

export type Family =
  | 'js' | 'python' | 'go' | 'jvm' | 'ruby' | 'csharp' | 'php' | 'rust' | 'elixir' | 'sql'
  | 'markdown' | 'spec' | 'config' | 'other';

const BY_EXTENSION: Record<string, Family> = {
  ts: 'js', tsx: 'js', mts: 'js', cts: 'js', js: 'js', jsx: 'js', mjs: 'js', cjs: 'js',
  py: 'python', pyi: 'python',
  go: 'go',
  java: 'jvm', kt: 'jvm', kts: 'jvm', scala: 'jvm', groovy: 'jvm',
  rb: 'ruby', rake: 'ruby', erb: 'ruby',
  cs: 'csharp',
  php: 'php',
  rs: 'rust',
  ex: 'elixir', exs: 'elixir',
  sql: 'sql', ddl: 'sql', psql: 'sql', pgsql: 'sql', mysql: 'sql',
  md: 'markdown', mdx: 'markdown', markdown: 'markdown', rst: 'markdown', adoc: 'markdown', txt: 'markdown',
  graphql: 'spec', gql: 'spec', graphqls: 'spec', proto: 'spec', avsc: 'spec', thrift: 'spec', raml: 'spec',
  json: 'config', jsonc: 'config', yaml: 'config', yml: 'config', toml: 'config', ini: 'config', env: 'config',
  xml: 'config', properties: 'config', cfg: 'config', conf: 'config', hcl: 'config', tf: 'config',
  prisma: 'config',
};

const BY_LANGUAGE_ID: Record<string, Family> = {
  typescript: 'js', typescriptreact: 'js', javascript: 'js', javascriptreact: 'js',
  python: 'python', go: 'go', java: 'jvm', kotlin: 'jvm', scala: 'jvm', groovy: 'jvm',
  ruby: 'ruby', csharp: 'csharp', php: 'php', rust: 'rust', elixir: 'elixir', sql: 'sql', markdown: 'markdown', plaintext: 'markdown',
  graphql: 'spec', proto: 'spec', proto3: 'spec', json: 'config', jsonc: 'config', yaml: 'config', toml: 'config',
  xml: 'config', ini: 'config', properties: 'config', dotenv: 'config', prisma: 'config', terraform: 'config',
};

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (base.startsWith('.env')) return 'env';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

export function familyOf(path: string, languageId?: string): Family {
  const byExt = BY_EXTENSION[extensionOf(path)];
  if (byExt) return byExt;
  if (languageId && BY_LANGUAGE_ID[languageId]) return BY_LANGUAGE_ID[languageId];
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^(Gemfile|Rakefile)$/.test(base)) return 'ruby';
  if (/^(Dockerfile|Makefile|Procfile)$/.test(base)) return 'config';
  return 'other';
}

/** Families whose files are program code (content and import signals apply). */
export function isCode(f: Family): boolean {
  return f === 'js' || f === 'python' || f === 'go' || f === 'jvm' || f === 'ruby' || f === 'csharp' || f === 'php' || f === 'rust' || f === 'elixir';
}

/** True when a line is a comment only (so a "TODO: check auth" is not evidence of auth code). */
export function isCommentLine(line: string, family: Family): boolean {
  const t = line.trimStart();
  if (t.length === 0) return false;
  switch (family) {
    case 'python': case 'ruby': case 'elixir':
      return t.startsWith('#');
    case 'sql':
      return t.startsWith('--') || t.startsWith('/*') || t.startsWith('*');
    case 'php':
      return t.startsWith('//') || t.startsWith('#') || t.startsWith('/*') || t.startsWith('*');
    case 'markdown':
      return false;
    case 'spec': case 'config': case 'other':
      return t.startsWith('#') || t.startsWith('//');
    default:
      return t.startsWith('//') || t.startsWith('/*') || t.startsWith('*');
  }
}

export interface ImportRef {
  module: string;
  line: number;
}

// One regex per family; each captures the module name in group 1 or 2.
const IMPORT_PATTERNS: Partial<Record<Family, RegExp>> = {
  python: /^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))/gm,
  jvm: /^\s*import\s+(?:static\s+)?([\w.]+)(?:\.\*)?\s*;?/gm,
  ruby: /^\s*(?:require|require_relative|gem|load)\s*\(?\s*['"]([^'"]+)['"]/gm,
  csharp: /^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;/gm,
  rust: /^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:use\s+([\w:]+)|extern\s+crate\s+(\w+))/gm,
  elixir: /^\s*(?:alias|import|use|require)\s+([A-Z][\w.]*)/gm,
  php: /^\s*(?:use\s+(?:function\s+|const\s+)?([\w\\]+)|(?:require|require_once|include|include_once)\s*\(?\s*['"]([^'"]+)['"])/gm,
};


/** Imports of a document, by language. Go blocks are handled separately (one import per line inside `import (…)`). */
export function extractImports(text: string, lineStarts: number[], family: Family, lineOf: (starts: number[], off: number) => number): ImportRef[] {
  const out: ImportRef[] = [];
  if (family === 'go') {
    const re = /^\s*import\s+(?:\(\s*\n([\s\S]*?)\n\s*\)|(?:[\w.]+\s+)?"([^"]+)")/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[2]) out.push({ module: m[2], line: lineOf(lineStarts, m.index) });
      else if (m[1]) {
        const blockStart = m.index + m[0].indexOf(m[1]);
        const inner = /(?:[\w.]+\s+)?"([^"]+)"/g;
        for (let i = inner.exec(m[1]); i; i = inner.exec(m[1])) out.push({ module: i[1], line: lineOf(lineStarts, blockStart + i.index) });
      }
    }
    return out;
  }
  if (family === 'js') return jsImports(text, lineStarts, lineOf);
  const pattern = IMPORT_PATTERNS[family];
  if (!pattern) return out;
  const re = new RegExp(pattern.source, pattern.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!raw) {
      if (m[0].length === 0) re.lastIndex++;
      continue;
    }
    const line = lineOf(lineStarts, m.index + (m[0].length - m[0].trimStart().length));
    if (family === 'python' && m[2]) {
      for (const part of m[2].split(',')) out.push({ module: part.trim(), line });
    } else out.push({ module: raw.replace(/\\/g, '.'), line });
  }
  return out;
}

// JS/TS: static imports start a line with `import` or `export … from`, so only those line starts are
// tried (one sticky match each); require()/import() calls may be anywhere and are found by one scan.
const JS_STATIC_AT = /(?:import\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|export\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"])/y;
const JS_CALLS = /\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function jsImports(text: string, lineStarts: number[], lineOf: (starts: number[], off: number) => number): ImportRef[] {
  const out: ImportRef[] = [];
  for (let i = 0; i < lineStarts.length; i++) {
    let p = lineStarts[i];
    let c = text.charCodeAt(p);
    while (c === 32 || c === 9) c = text.charCodeAt(++p);
    if (c !== 105 && c !== 101) continue; // 'i', 'e'
    JS_STATIC_AT.lastIndex = p;
    const m = JS_STATIC_AT.exec(text);
    if (m) out.push({ module: m[1] ?? m[2], line: i + 1 });
  }
  JS_CALLS.lastIndex = 0;
  for (let m = JS_CALLS.exec(text); m; m = JS_CALLS.exec(text)) out.push({ module: m[1], line: lineOf(lineStarts, m.index) });
  return out.sort((a, b) => a.line - b.line);
}
