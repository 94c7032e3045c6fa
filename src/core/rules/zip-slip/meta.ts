import { defineRule } from '../rule';

export default defineRule({
  id: 'zip-slip',
  title: 'Archive entry name used as a path without a check',
  severity: 'high',
  category: 'validation',
  cwe: 'CWE-22',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'CodeQL js/zipslip, py/tarslip; Snyk Zip Slip',
  description: 'Files extracted to paths built from archive entry names (../ entries escape the target), or tarfile.extractall without a filter.',
  messages: {
    entry: '{{call}}() writes to a path built from {{source}}. Entries named "../../x" escape the target directory and overwrite any file the process can write. {{advice}}',
    tarNoFilter: {
      title: 'tarfile extracted without a filter',
      text: '{{call}}() trusts member names and links in the archive: "../" names, absolute paths and symlinks write outside the target directory (CVE-2007-4559). Pass filter="data" (Python 3.12+, backported to 3.8–3.11 security releases).',
    },
  },
});
