/** Code the agent tool tests share: a handler that builds SQL from request data (sensitive; sql-injection on line 3). */
export const INJECTABLE_HANDLER = [
  "import { db } from './db';",
  'export async function getUser(req, res) {',
  '  const rows = await db.query("SELECT * FROM users WHERE id = " + req.params.id);',
  '  res.json(rows);',
  '}',
  '',
].join('\n');
