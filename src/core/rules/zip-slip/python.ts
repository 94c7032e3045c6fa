/** zip-slip for Python: zipfile/tarfile member names in paths, tarfile.extractall without a filter. */
import { describeTaint } from '../taint';
import { fileSinkTarget } from '../path-traversal/python';
import { field, named, pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => ({
  call(c) {
    const { node, name, recv, recvText, args, kwarg } = c;
    if (cx.file.isArchive) {
      const s = fileSinkTarget(c, cx);
      if (s && s.taint.origin === 'archive') {
        cx.report(node, 'entry', { call: c.fnText, source: describeTaint(s.taint),
          advice: 'Resolve the path and refuse it unless it is inside the target (os.path.commonpath / Path.is_relative_to).' }, { confidence: 0.8, taint: s.taint });
        return;
      }
    }
    // tarfile.extractall without a filter (CVE-2007-4559)
    if ((name === 'extractall' || name === 'extract') && recv && cx.file.imports.has('tarfile') && (!cx.file.imports.has('zipfile') || /tar|^tf$/i.test(recvText)) && !kwarg('filter')) {
      const kws = named(field(node, 'arguments')!).filter((x) => x.type === 'keyword_argument').map((x) => x.text);
      cx.report(node, 'tarNoFilter', { call: `${recvText}.${name}` }, {
        severity: 'medium', confidence: 0.75, fix: `${field(node, 'function')!.text}(${[...args.map((x) => x.text), ...kws, 'filter="data"'].join(', ')})`,
      });
    }
  },
}));
