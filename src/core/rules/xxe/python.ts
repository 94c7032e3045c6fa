/** xxe for Python: lxml with entity resolution or its default parser on request data; SAX/pulldom with external entities on. */
import { describeTaint } from '../taint';
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => {
  const imports = cx.file.imports;
  if ([...imports].some((m) => m.startsWith('defusedxml'))) return {};
  const lxml = [...imports].some((m) => m.startsWith('lxml'));
  /** Parsers with external entities turned on, and where: reported when they parse client data. */
  const enabled = new Map<string, import('../lang/syntax-tree').SyntaxNode>();
  return {
    call({ node, name, recv, fnText, args, kwarg }) {
      // xml.dom.minidom.parseString(data, parser) / xml.sax.parseString(data, handler) / parser.parse(source) with such a parser.
      const parserArg = [recv, ...args.slice(1)].find((a) => a?.type === 'identifier' && enabled.has(a.text));
      if (parserArg && /^(?:parse|parseString|feed)$/.test(name)) {
        const data = recv && enabled.has(recv.text) ? args[0] : args[0];
        const t = data ? cx.taintOf(data) : undefined;
        if (t?.origin === 'request') cx.report(enabled.get(parserArg.text)!, 'saxFeature', {}, { confidence: 0.9, taint: t });
        else cx.report(enabled.get(parserArg.text)!, 'saxFeature', {}, { confidence: 0.5 });
        enabled.delete(parserArg.text);
        return;
      }
      if (name === 'XMLParser' && kwarg('resolve_entities')?.text === 'True') {
        cx.report(node, 'resolveEntities', {}, { confidence: 0.9 });
      } else if (lxml && /^(?:etree|lxml\.etree|ET|objectify)\.(?:fromstring|parse|XML)$/.test(fnText)) {
        const t = cx.taintOf(args[0] ?? null);
        if (t?.origin === 'request' && !kwarg('parser') && args.length < 2) cx.report(node, 'lxmlDefault', { source: describeTaint(t) }, { confidence: 0.7, taint: t });
      } else if (name === 'setFeature' && args[0] && /feature_external_ges|feature_external_pes/.test(args[0].text) && args[1]?.text === 'True' && recv) {
        if (recv.type === 'identifier') enabled.set(recv.text, node);
        else cx.report(node, 'saxFeature', {}, { confidence: 0.7 });
      }
    },
    exitFunction() {
      // Turned on but never seen parsing here: the parser may be handed elsewhere.
      for (const node of enabled.values()) cx.report(node, 'saxFeature', {}, { confidence: 0.7 });
      enabled.clear();
    },
  };
});
