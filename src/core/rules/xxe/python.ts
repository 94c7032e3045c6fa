/** xxe for Python: lxml with entity resolution or its default parser on request data; SAX/pulldom with external entities on. */
import { describeTaint } from '../taint';
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => {
  const imports = cx.file.imports;
  if ([...imports].some((m) => m.startsWith('defusedxml'))) return {};
  const lxml = [...imports].some((m) => m.startsWith('lxml'));
  return {
    call({ node, name, fnText, args, kwarg }) {
      if (name === 'XMLParser' && kwarg('resolve_entities')?.text === 'True') {
        cx.report(node, 'resolveEntities', {}, { confidence: 0.9 });
      } else if (lxml && /^(?:etree|lxml\.etree|ET|objectify)\.(?:fromstring|parse|XML)$/.test(fnText)) {
        const t = cx.taintOf(args[0] ?? null);
        if (t?.origin === 'request' && !kwarg('parser') && args.length < 2) cx.report(node, 'lxmlDefault', { source: describeTaint(t) }, { confidence: 0.7, taint: t });
      } else if (name === 'setFeature' && args[0] && /feature_external_ges|feature_external_pes/.test(args[0].text) && args[1]?.text === 'True') {
        cx.report(node, 'saxFeature', {}, { confidence: 0.9 });
      }
    },
  };
});
