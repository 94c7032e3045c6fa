import { defineRule } from '../rule';

export default defineRule({
  id: 'ssrf',
  title: 'Server-side request to a client-supplied URL',
  severity: 'high',
  category: 'validation',
  cwe: 'CWE-918',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/request-forgery, py/full-ssrf, go/request-forgery',
  description: 'An HTTP client called with a URL or host taken from the request without an allow-list check.',
  messages: {
    url: 'The server requests a URL taken from {{source}}: a client can make it call internal services, cloud metadata (http://169.254.169.254/) or localhost admin ports. ' +
      'Parse the URL, require https and check the hostname against an allow-list before the request (and do not follow redirects to other hosts).',
  },
});
