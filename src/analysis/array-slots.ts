/**
 * Slots that hold arrays, by what this file writes into them: `obj[KEY]` where `KEY` is an imported binding or a
 * module-level `const` (a symbol or string key the module owns, as instrumentations key their bookkeeping on the
 * objects they patch: `channel[CHANNEL_SPANS_NOT_ENDED] = []`), and every write of a slot under that key anywhere
 * in the file — an assignment, a logical assignment, a computed property of an object literal — is an array literal.
 * Reading such a slot gives that array, so `channel[KEY].push(x)` is an array method call.
 *
 * The assumption, as for a class field initialised with `new Map()`: the slot is written before it is read (a slot
 * never written would be `undefined`, and `push` on it throws). A key with no write in this file, or with any write
 * that is not an array literal, says nothing.
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Variable } from './events.js';
import type { HandleIndex } from './handles.js';
import { unwrapValue } from './syntax.js';

const { DefinitionType } = TSESLint.Scope;

export class ArraySlots {
  private readonly byKey = new Map<Variable, boolean>();

  constructor(private readonly handles: HandleIndex) {}

  /** `member` reads a slot that, by this file's writes, holds an array. */
  holdsArray(member: TSESTree.MemberExpression): boolean {
    if (!member.computed || member.property.type !== AST_NODE_TYPES.Identifier) return false;
    const key = this.handles.resolve(member.property);
    if (!key || !isModuleKey(key)) return false;
    let answer = this.byKey.get(key);
    if (answer === undefined) {
      answer = onlyArraysWritten(key);
      this.byKey.set(key, answer);
    }
    return answer;
  }
}

/** An import binding, or a `const` declared at the top of the module. */
function isModuleKey(variable: Variable): boolean {
  const def = variable.defs[0];
  if (!def || variable.defs.length !== 1) return false;
  if (def.type === DefinitionType.ImportBinding) return true;
  return (
    def.type === DefinitionType.Variable &&
    def.parent.kind === 'const' &&
    (def.parent.parent.type === AST_NODE_TYPES.Program ||
      (def.parent.parent.type === AST_NODE_TYPES.ExportNamedDeclaration && def.parent.parent.parent.type === AST_NODE_TYPES.Program))
  );
}

/** At least one write of a slot under `key`, and every one an array literal. */
function onlyArraysWritten(key: Variable): boolean {
  let writes = 0;
  for (const reference of key.references) {
    const use = reference.identifier;
    const parent = use.parent;
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.computed && parent.property === use) {
      const assignment = parent.parent;
      if (assignment.type === AST_NODE_TYPES.AssignmentExpression && assignment.left === parent) {
        if (!isArrayWrite(assignment.operator, assignment.right)) return false;
        writes++;
      }
    } else if (parent.type === AST_NODE_TYPES.Property && parent.computed && parent.key === use) {
      // `const { [KEY]: spans } = channel` reads the slot.
      if (parent.parent.type !== AST_NODE_TYPES.ObjectExpression) continue;
      if (unwrapValue(parent.value).type !== AST_NODE_TYPES.ArrayExpression) return false;
      writes++;
    }
  }
  return writes > 0;
}

function isArrayWrite(operator: string, value: TSESTree.Node): boolean {
  return (operator === '=' || operator === '??=' || operator === '||=') && unwrapValue(value).type === AST_NODE_TYPES.ArrayExpression;
}
