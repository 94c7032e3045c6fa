/** xxe for TypeScript/JavaScript: libxmljs parseXml(..., { noent: true }). */
import { describeTaint } from '../taint';
import { ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ name, args }) {
    const t = ts();
    if (!/^(?:parseXml|parseXmlString|parseXmlAsync|parseHtml)$/.test(name) || !args[1] || !t.isObjectLiteralExpression(args[1])) return;
    for (const p of args[1].properties) {
      if (t.isPropertyAssignment(p) && p.name.getText(cx.file.sf) === 'noent' && p.initializer.kind === t.SyntaxKind.TrueKeyword) {
        const taint = args[0] ? cx.taintOf(args[0]) : undefined;
        cx.report(p, 'noent', { call: name, from: taint ? `; the XML comes from ${describeTaint(taint)}` : '' },
          { severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: 0.9, fix: 'noent: false', taint });
      }
    }
  },
}));
