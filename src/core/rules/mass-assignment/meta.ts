import { defineRule } from '../rule';

export default defineRule({
  id: 'mass-assignment',
  title: 'Whole request body written to a model',
  severity: 'high',
  category: 'authz',
  cwe: 'CWE-915',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'Semgrep express-mass-assignment / django mass-assignment; Brakeman mass assignment',
  description: 'A request body passed whole to an ORM create/update or model constructor, so clients can set fields such as role or isAdmin.',
  messages: {
    wholeBody: '{{call}}() receives the whole request body ({{source}}): a client can add fields the form never shows (role, isAdmin, ownerId, balance, verified). {{advice}}',
    setattr: 'setattr() with an attribute name from {{source}} lets a client set any attribute of the object (is_admin, role, password). Loop over an explicit allow-list of field names.',
  },
});
