import { defineRule } from '../rule';

export default defineRule({
  id: 'open-redirect',
  title: 'Redirect to a client-supplied URL',
  severity: 'medium',
  category: 'validation',
  cwe: 'CWE-601',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/server-side-unvalidated-url-redirection, py/url-redirection, go/unvalidated-url-redirection; OWASP Benchmark "redirect"',
  description: "A redirect or Location header whose target the client chooses (not the request's own path) and that is not checked to be a local path or an allowed host.",
  messages: {
    target: 'The redirect target comes from {{source}}: a link to this endpoint can send users to any site (phishing with your domain in the URL, or leaking tokens in the redirect). {{advice}}',
  },
});
