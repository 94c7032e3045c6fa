/** What an agent is told when it connects (MCP `instructions`; the README's agent recipe says the same). */
export const AGENT_INSTRUCTIONS = [
  'Stakes tells you what is at stake in backend code before you change it. Read-only and local: nothing is sent anywhere.',
  '1. Before editing, call stakes_classify with the files you will touch.',
  '2. When the label is "sensitive" (auth, permissions, money, secrets, personal data, migrations), do the work with the recommended model, or tell the user it calls for it, and read the evidence lines first.',
  '3. Before you finish, call stakes_check with base "HEAD" (or your diff) and fix what it reports on the lines you changed; call stakes_classify on the diff to confirm what changed.',
  '4. For SQL you write or change, call stakes_explain_sql with the query\'s path and line and apply verified index suggestions through a migration, not by hand.',
  '5. When your changes are sensitive, call stakes_review_status and tell the user which changes still need a review and what clears them (you cannot clear them yourself).',
  'Errors come back with isError and a JSON body {"error": {code, message, action, retryable}}: follow action; retry only when retryable is true. Lists are paged: follow page.nextCursor with the same arguments.',
].join('\n');
