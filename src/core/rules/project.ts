/**
 * What a rule may need to know about the project a file belongs to: the versions of its dependencies
 * (jsonwebtoken 9 refuses algorithm confusion on its own), from the nearest package.json, requirements
 * file, pyproject.toml or go.mod. Read once per directory and cached; bounded reads, never the network.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProjectFacts {
  /** The declared version range of a dependency ("^9.0.2"), if any manifest declares it. */
  version(pkg: string): string | undefined;
  /** The major version the range starts at (^9.0.2 → 9), if it can be read. */
  major(pkg: string): number | undefined;
  /** Which SQL databases the project's drivers talk to (empty: no driver declared, so unknown). */
  readonly databases?: ReadonlySet<'postgres' | 'mysql' | 'sqlite'>;
  /** The application embeds its migrations and applies them itself at startup (Go `//go:embed` of a migrations folder). */
  readonly migrationsAtStartup?: boolean;
}

const DRIVERS: [RegExp, 'postgres' | 'mysql' | 'sqlite'][] = [
  [/^(?:pg|postgres|pg-promise|@neondatabase\/serverless|@vercel\/postgres|slonik|psycopg2?(?:-binary)?|psycopg|asyncpg|github\.com\/lib\/pq|github\.com\/jackc\/pgx(?:\/v\d)?|gorm\.io\/driver\/postgres)$/, 'postgres'],
  [/^(?:mysql2?|mariadb|mysqlclient|pymysql|aiomysql|github\.com\/go-sql-driver\/mysql|gorm\.io\/driver\/mysql)$/, 'mysql'],
  [/^(?:sqlite3|better-sqlite3|@libsql\/client|aiosqlite|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|github\.com\/glebarez\/sqlite|gorm\.io\/driver\/sqlite)$/, 'sqlite'],
];

const MAX_MANIFEST_BYTES = 512 * 1024;

export function factsFromVersions(versions: Map<string, string>, migrationsAtStartup = false): ProjectFacts {
  const databases = new Set<'postgres' | 'mysql' | 'sqlite'>();
  for (const name of versions.keys()) for (const [re, db] of DRIVERS) if (re.test(name)) databases.add(db);
  return {
    databases,
    // Embedded migrations in an app that also runs on SQLite: a single self-hosted instance migrating before it serves.
    migrationsAtStartup: migrationsAtStartup && databases.has('sqlite'),
    version: (pkg) => versions.get(pkg.toLowerCase()),
    major: (pkg) => {
      const v = versions.get(pkg.toLowerCase());
      const m = v && /(\d+)(?:\.\d+)*/.exec(v.replace(/^[^\d]*/, ''));
      return m ? Number(m[1]) : undefined;
    },
  };
}

function readSmall(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Dependency versions declared in one directory's manifests. */
function manifestVersions(dir: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let found = false;
  const pkg = readSmall(path.join(dir, 'package.json'));
  if (pkg) {
    try {
      const j = JSON.parse(pkg) as Record<string, Record<string, string> | undefined>;
      for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [name, v] of Object.entries(j[k] ?? {})) if (typeof v === 'string') out.set(name.toLowerCase(), v);
      }
      found = true;
    } catch {
      // not JSON: ignore this manifest
    }
  }
  for (const req of ['requirements.txt', 'requirements/base.txt', 'requirements/prod.txt', 'pyproject.toml', 'Pipfile']) {
    const text = readSmall(path.join(dir, req));
    if (!text) continue;
    found = true;
    for (const m of text.matchAll(/^\s*["']?([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?:[=~<>!]=?|@|=)\s*["']?([\w.*]+)/gm)) out.set(m[1].toLowerCase(), m[2]);
  }
  const gomod = readSmall(path.join(dir, 'go.mod'));
  if (gomod) {
    found = true;
    // Indirect requirements are other modules' drivers (a tool's sqlite), not what this project talks to.
    for (const m of gomod.matchAll(/^\s*(?:require\s+)?([\w.-]+\.[\w./-]+)\s+v([\w.+-]+)(.*)$/gm)) if (!/\/\/\s*indirect/.test(m[3])) out.set(m[1].toLowerCase(), m[2]);
  }
  return found ? out : undefined;
}

/** Facts for files under `root`, resolved by directory (the nearest manifests win over the root's). */
export class ProjectResolver {
  private readonly byDir = new Map<string, Map<string, string>>();
  private startup: boolean | undefined;

  constructor(private readonly root: string) {}

  factsFor(absFile: string): ProjectFacts {
    return factsFromVersions(this.versionsFor(path.dirname(absFile)), this.migrationsAtStartup());
  }

  /** A Go source file embedding a migrations folder (//go:embed migrations/*.sql): the binary migrates at startup. */
  private migrationsAtStartup(): boolean {
    if (this.startup !== undefined) return this.startup;
    this.startup = false;
    let budget = 5000;
    const walk = (dir: string, depth: number): void => {
      if (this.startup || budget <= 0 || depth > 8) return;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (this.startup || budget <= 0) return;
        if (e.isDirectory()) {
          if (!/^(?:\.|node_modules$|vendor$|testdata$|dist$|build$)/.test(e.name)) walk(path.join(dir, e.name), depth + 1);
        } else if (e.name.endsWith('.go') && !e.name.endsWith('_test.go')) {
          budget--;
          const text = readSmall(path.join(dir, e.name));
          if (text && /^\/\/go:embed\s+[^\n]*migrat/m.test(text)) this.startup = true;
          else if (text && /^\/\/go:embed\s/m.test(text) && /migrat/i.test(dir.slice(this.root.length)) && /embed\.FS/.test(text)) this.startup = true;
        }
      }
    };
    walk(this.root, 0);
    return this.startup;
  }

  private versionsFor(dir: string): Map<string, string> {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const parent = path.dirname(dir);
    const inherited = dir !== this.root && parent !== dir && (dir + path.sep).startsWith(this.root + path.sep) ? this.versionsFor(parent) : new Map<string, string>();
    const own = manifestVersions(dir);
    const merged = own ? new Map([...inherited, ...own]) : inherited;
    this.byDir.set(dir, merged);
    return merged;
  }
}
