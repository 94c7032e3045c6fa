/** Blank SQL comments, string literals and dollar-quoted bodies, keeping offsets (for splitting statements). */

/** Blank comments, string literals and dollar-quoted bodies (same length, newlines kept). */
export function maskSql(sql: string): string {
  const out = sql.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      blank(i + 1, j); // keep the quotes: DEFAULT '' stays a default
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64));
      if (!m) {
        i++;
        continue;
      }
      const end = sql.indexOf(m[0], i + m[0].length);
      const stop = end < 0 ? sql.length : end + m[0].length;
      blank(i, stop);
      i = stop;
    } else i++;
  }
  return out.join('');
}
