import { defineRule } from '../rule';

export default defineRule({
  id: 'nosql-injection',
  title: 'NoSQL operator injection',
  severity: 'high',
  category: 'injection',
  cwe: 'CWE-943',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'Semgrep javascript.express.security.audit.express-mongo-nosqli; CodeQL js/sql-injection (NoSQL)',
  description: 'A MongoDB filter taking request values that may be objects ({"$ne": ""}), a whole request object or client JSON as a filter, or $where with non-constant code.',
  messages: {
    rawValue: 'The {{method}}() filter takes "{{key}}" from {{source}}, which is parsed from JSON/query syntax and can be an object such as {"$ne": ""} or {"$gt": ""}: ' +
      'that turns an equality match into "any value" (e.g. logging in without the password). {{advice}}',
    wholeFilter: 'The whole filter passed to {{method}}() is {{source}}: a client can send operators ({"$ne": null}, {"$regex": ".*"}, {"$where": …}) and match any document. ' +
      'Build the filter from named, type-checked fields.',
    where: {
      title: '$where built from non-constant code',
      text: '$where runs JavaScript inside MongoDB for every document; here the code is built from {{source}}, so a quote in it injects code ("\' || \'1\'==\'1"). ' +
        'Replace $where with query operators ($eq, $gt, $expr).',
    },
  },
});
