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
}

const MAX_MANIFEST_BYTES = 512 * 1024;

export function factsFromVersions(versions: Map<string, string>): ProjectFacts {
  return {
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
    for (const m of gomod.matchAll(/^\s*(?:require\s+)?([\w.-]+\.[\w./-]+)\s+v([\w.+-]+)/gm)) out.set(m[1].toLowerCase(), m[2]);
  }
  return found ? out : undefined;
}

/** Facts for files under `root`, resolved by directory (the nearest manifests win over the root's). */
export class ProjectResolver {
  private readonly byDir = new Map<string, Map<string, string>>();

  constructor(private readonly root: string) {}

  factsFor(absFile: string): ProjectFacts {
    return factsFromVersions(this.versionsFor(path.dirname(absFile)));
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
