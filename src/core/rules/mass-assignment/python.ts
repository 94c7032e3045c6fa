/** mass-assignment for Python: Model(**request.data), objects.create(**…), setattr with a client-chosen name, __dict__.update(request body). */
import { describeTaint } from '../taint';
import { DB_RECEIVER } from '../lang/python/frameworks';
import { field, named, pyMatcher } from '../lang/python/walk';
import meta from './meta';

const NOT_A_MODEL = /^(?:Response|JsonResponse|HttpResponse|dict|Exception|\w+Error|\w+Schema|\w+Form|\w+Serializer|\w+In|\w+Create|\w+Update|BaseModel|Path|Request|\w+Defaults|\w+Params|\w+Options|\w+Config|\w+Event|\w+Message|\w+Context)$/;

export default pyMatcher(meta, (cx) => ({
  call({ node, name, recv, fnText, args }) {
    const argList = field(node, 'arguments');
    if (!argList) return;
    const modelish = /^[A-Z]\w*$/.test(fnText) && !NOT_A_MODEL.test(fnText);
    const ormMethod = /^(?:create|update|get_or_create|update_or_create|insert|insert_one|bulk_create)$/.test(name) && !!recv && DB_RECEIVER.test(fnText + '(');
    for (const c of named(argList)) {
      if (c.type !== 'dictionary_splat') continue;
      const t = cx.taintOf(named(c)[0] ?? null);
      if (t?.origin === 'request' && t.whole && !t.schema && (modelish || ormMethod)) {
        cx.report(node, 'wholeBody', { call: fnText, source: describeTaint(t),
          advice: 'Pass only allowed fields, or validate with a form/serializer/pydantic model that lists them.' }, { confidence: 0.8, taint: t });
        return;
      }
    }
    if (name === 'setattr' && args.length === 3) {
      const k = args[1];
      const kt = cx.taintOf(k);
      // Field names from a validated schema (pydantic .dict()/.model_dump() of a typed body) are the schema's, not the client's.
      if (kt?.origin === 'request' && !kt.schema) cx.report(node, 'setattr', { source: describeTaint(kt) }, { confidence: 0.75, taint: kt });
    }
    if (name === 'update' && recv && /__dict__$/.test(recv.text) && args[0] && cx.taintOf(args[0])?.whole) {
      cx.report(node, 'wholeBody', { call: '__dict__.update', source: 'the request body', advice: 'Copy only allowed fields.' }, { confidence: 0.8 });
    }
  },
}));
