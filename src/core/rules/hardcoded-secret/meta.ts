import { defineRule } from '../rule';

export default defineRule({
  id: 'hardcoded-secret',
  title: 'Hard-coded secret',
  severity: 'high',
  category: 'secrets',
  cwe: 'CWE-798',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'gitleaks / detect-secrets token formats; Semgrep generic.secrets',
  description: 'A password, API key, token, signing secret or private key written in the source (including fallbacks used when an environment variable is missing).',
  messages: {
    named: '"{{name}}" is set to a literal secret in the source: anyone with the repository (or the bundle) has it, and it cannot be rotated without a deploy. ' +
      'Read it from the environment or a secret manager.',
    fallback: {
      title: 'Hard-coded fallback secret',
      text: '"{{name}}" falls back to a literal secret in the source when the environment does not set it: anyone with the repository has it, and it is what signs or encrypts in any deployment that forgot the variable. ' +
        'Read it from the environment or a secret manager and refuse to start when it is missing.',
    },
    token: {
      title: 'Hard-coded secret: {{kind}}',
      text: 'This string contains {{kindArticle}}. Secrets in source control leak with every clone, fork and build log; revoke this one and load it from the environment or a secret manager.',
    },
    key: {
      title: 'Hard-coded cryptographic key',
      text: '{{call}}() uses a key written in the source: anyone with the code can forge tokens or decrypt what it protects, and rotating it needs a deploy. ' +
        'Load the key from the environment or a key manager (and generate it randomly).',
    },
  },
});
