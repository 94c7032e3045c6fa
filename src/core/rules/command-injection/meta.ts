import { defineRule } from '../rule';

export default defineRule({
  id: 'command-injection',
  title: 'Untrusted data in a shell command',
  severity: 'critical',
  category: 'injection',
  cwe: 'CWE-78',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/command-line-injection, py/command-line-injection, go/command-injection; OWASP Benchmark "cmdi"',
  description: 'Request data reaching child_process.exec, spawn with a shell, os.system, os.popen, subprocess with shell=True or exec.Command.',
  messages: {
    shell: '{{call}}() runs {{what}} built from {{source}}: characters such as ; | $( ) let a client run any command. {{advice}}',
  },
});
