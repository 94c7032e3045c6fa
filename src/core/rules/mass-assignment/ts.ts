/** mass-assignment for TypeScript/JavaScript: Model.create(req.body), Object.assign(entity, req.body), new User(req.body), Prisma data: req.body. */
import type * as TS from 'typescript';
import type { Taint } from '../taint';
import { BUILTIN_PASCAL } from '../lang/ts/frameworks';
import { isRequestObject, skipOuter, ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const MASS_ASSIGN_METHODS: Record<string, number> = {
  create: 0, build: 0, insert: 0, insertOne: 0, insertMany: 0, bulkCreate: 0, save: 0, upsert: 0, createMany: 0,
  findByIdAndUpdate: 1, findOneAndUpdate: 1, updateOne: 1, updateMany: 1, replaceOne: 1, merge: 1, patchAndFetchById: 1,
  updateAndFetchById: 1, set: 0, setAttributes: 0, assign: 1, patch: 0,
};
const ADVICE = 'Copy only allowed fields (const { name, email } = req.body) or validate with a schema that strips unknown keys.';
const isWhole = (t: Taint | undefined): t is Taint => !!t && t.whole && t.origin === 'request';

export default tsMatcher(meta, (cx) => ({
  call({ node, name, recv, args }) {
    const t = ts();
    let target: TS.Expression | undefined;
    if (name === 'assign' && recv && recv.getText(cx.file.sf) === 'Object') {
      if (args[0] && t.isObjectLiteralExpression(skipOuter(args[0]))) return; // a copy, not a write
      target = args.slice(1).find((a) => isWhole(cx.taintOf(a)));
    } else if (recv && name in MASS_ASSIGN_METHODS && (cx.isDbReceiver(recv) || name === 'set' || name === 'setAttributes' || name === 'merge')) {
      if ((name === 'set' || name === 'setAttributes') && isRequestObject(recv, cx.scope)) return;
      if (name === 'set' && (!args[0] || args.length > 1)) return; // map.set(k, v) / res.set(header, v)
      const cand = args[MASS_ASSIGN_METHODS[name]];
      if (cand) {
        const c = skipOuter(cand);
        // Prisma: create({ data: req.body }), update({ where, data }); Mongo: { $set: req.body }.
        if (t.isObjectLiteralExpression(c)) {
          const p = c.properties.find((pp) => t.isPropertyAssignment(pp) && /^(?:data|create|update|\$set|values)$/.test(pp.name.getText(cx.file.sf).replace(/['"]/g, '')) &&
            isWhole(cx.taintOf(pp.initializer))) as TS.PropertyAssignment | undefined;
          if (p) target = p.initializer;
          else if (isWhole(cx.taintOf(c))) target = c;
        } else if (isWhole(cx.taintOf(cand))) target = cand;
      }
      if (!target && name === 'update' && args[0] && isWhole(cx.taintOf(args[0])) && cx.isDbReceiver(recv)) target = args[0]; // Sequelize Model.update(values, { where })
    }
    if (!target) return;
    const taint = cx.taintOf(target)!;
    cx.report(node, 'wholeBody', { call: node.expression.getText(cx.file.sf), source: taint.source, advice: ADVICE }, { confidence: 0.8, taint });
  },
  newExpression(node) {
    const t = ts();
    const callee = skipOuter(node.expression);
    const args = node.arguments ?? [];
    if (!t.isIdentifier(callee) || !/^[A-Z]/.test(callee.text) || BUILTIN_PASCAL.has(callee.text) || !args[0] || /Error$|Exception$|Dto$|DTO$|Schema$|Validator$/.test(callee.text)) return;
    const taint = cx.taintOf(args[0]);
    if (isWhole(taint) && cx.isDbReceiver(callee)) {
      cx.report(node, 'wholeBody', { call: `new ${callee.text}`, source: taint.source, advice: 'Copy only allowed fields.' }, { confidence: 0.7, taint });
    }
  },
}));
