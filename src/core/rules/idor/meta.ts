import { defineRule } from '../rule';

export default defineRule({
  id: 'idor',
  title: 'Record accessed by client-supplied id without an ownership check',
  severity: 'high',
  category: 'authz',
  cwe: 'CWE-639',
  languages: ['typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 2 true of 16 on production code (13%): ownership usually lives in query scoping, base models, permission classes or middleware the rule cannot see.',
  anchor: 'Semgrep python.django.security.audit.idor (heuristic); no CodeQL equivalent',
  description: 'A handler reads or changes a record by an id taken from the request and nothing in the handler, its route or its query scopes it to the signed-in user.',
  messages: {
    byId: '{{call}}() looks the record up by {{source}}, which the client chooses, and nothing in this {{where}} checks that the signed-in user owns it or may access it: ' +
      'any user can read or change another user\'s record by changing the id. {{advice}}',
  },
});
