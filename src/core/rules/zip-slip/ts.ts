/** zip-slip for TypeScript/JavaScript: archive entry names (adm-zip, unzipper, yauzl, tar) in file paths. */
import { describeTaint } from '../taint';
import { fileSinkTarget } from '../path-traversal/ts';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => {
  if (!cx.file.isArchiveFile) return {};
  return {
    call(c) {
      const s = fileSinkTarget(c, cx);
      if (!s || s.taint.origin !== 'archive') return;
      cx.report(c.node, 'entry', { call: c.name, source: describeTaint(s.taint),
        advice: 'Resolve the full path and refuse it unless it starts with path.resolve(targetDir) + path.sep.' }, { confidence: 0.8, taint: s.taint });
    },
  };
});
