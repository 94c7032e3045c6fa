/** ssrf for Python: requests, httpx, aiohttp, urllib with a request-chosen URL. */
import { describeTaint } from '../taint';
import { HTTP_CLIENTS } from '../lang/python/frameworks';
import { headText, pyMatcher } from '../lang/python/walk';
import meta from './meta';

const FIXED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#{]+[/?#]/i;

export default pyMatcher(meta, (cx) => {
  const imports = cx.file.imports;
  const clientImported = imports.has('requests') || imports.has('httpx') || imports.has('aiohttp') || imports.has('urllib3') || [...imports].some((m) => m.startsWith('urllib'));
  return {
    call({ node, name, recv, recvText, args }) {
      const a0 = args[0];
      if (!a0 || !/^(?:get|post|put|patch|delete|head|options|request|urlopen|Request|stream|fetch)$/.test(name)) return;
      const http = (recv && HTTP_CLIENTS.test(recvText.split('.')[0]) && (clientImported || /urllib/.test(recvText))) || (!recv && /^(?:urlopen|Request)$/.test(name) && clientImported);
      if (!http) return;
      const urlArg = name === 'request' && args[1] ? args[1] : a0;
      const t = cx.taintOf(urlArg);
      if (!t || t.lead === false || FIXED_ORIGIN.test(headText(urlArg)) || cx.isChecked(urlArg, t, ['allow'])) return;
      cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : { ...span(node), messageId: 'url', data: { source: describeTaint(tt) }, confidence: 0.8 });
    },
  };
});
