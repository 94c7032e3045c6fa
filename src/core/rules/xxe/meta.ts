import { defineRule } from '../rule';

export default defineRule({
  id: 'xxe',
  title: 'XML parsed with external entities enabled',
  severity: 'high',
  category: 'injection',
  cwe: 'CWE-611',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'CodeQL js/xxe, py/xxe; Bandit B313–B320; OWASP Benchmark "xxe"',
  description: 'libxmljs noent:true, lxml with resolve_entities or on untrusted input without defusedxml, SAX/pulldom with external general entities.',
  messages: {
    noent: '{{call}}() with noent: true substitutes external entities, so a document can read local files (file:///etc/passwd) or make the server fetch URLs{{from}}. Remove noent (it defaults to false).',
    resolveEntities: 'XMLParser(resolve_entities=True) expands external entities: a document can read local files or make the server fetch URLs. Use resolve_entities=False, no_network=True, or defusedxml.',
    lxmlDefault: 'lxml parses {{source}} with its default parser, which resolves entities in lxml before 5.0 (and DTDs in every version): external entities read local files. Parse untrusted XML with defusedxml.lxml or an XMLParser(resolve_entities=False, no_network=True).',
    saxFeature: 'Enabling external general/parameter entities on a SAX parser lets documents read local files and fetch URLs. Leave the feature off, or use defusedxml.sax.',
  },
});
