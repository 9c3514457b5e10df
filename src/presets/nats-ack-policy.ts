/**
 * What a file says of a NATS JetStream consumer's ack policy, so that only messages of an explicit-ack consumer are
 * owed one by one:
 *
 * - `none`: nothing is owed (the server counts a message delivered as done);
 * - `all`: the ack of a message acks every earlier one, so a message left unacked is settled by any later ack. Whether
 *   the last one is acked depends on which message is last, which the code does not say: the rule stays silent;
 * - `explicit`: each message is owed.
 *
 * A pull consumer's policy is where it is created: `jsm.consumers.add(stream, { durable_name: 'name', ack_policy })`
 * in this file, matched to `js.consumers.get(stream, 'name')` by the literal name. Without `ack_policy` the server
 * creates the consumer with ack policy `none` (NATS 2.9, checked against the server by tests/brokers). A consumer
 * this file does not create is taken as explicit, the policy every durable work consumer uses. A push subscription's
 * policy is its options' (`consumerOpts()` defaults to explicit; `ackNone()`, `ackAll()`, `orderedConsumer()`).
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { methodCall, someNode, unwrapValue } from '../analysis/syntax.js';
import type { ConstInit } from './options.js';

/** `explicit`: each message is owed. `silent`: none, all, or a policy the rule cannot read. */
export type AckJudgement = 'explicit' | 'silent';

interface FilePolicies {
  /** By consumer name, for every `consumers.add` whose name is a literal. */
  readonly byName: Map<string, AckJudgement>;
  /** Some `consumers.add` with a name the rule cannot read creates a consumer that is not explicit. */
  readonly unnamedSilent: boolean;
}

const cache = new WeakMap<TSESTree.Program, FilePolicies>();

/** The judgement for the consumer `js.consumers.get(stream, name)` names, by what this file creates. */
export function consumerPolicy(sourceCode: Readonly<TSESLint.SourceCode>, origin: ConstInit, name: TSESTree.Node): AckJudgement {
  const policies = filePolicies(sourceCode, origin);
  const literal = stringValue(name, origin);
  const known = literal === undefined ? undefined : policies.byName.get(literal);
  if (known) return known;
  if (policies.unnamedSilent) return 'silent';
  // A name the rule cannot read may be any consumer this file creates.
  if (literal === undefined && [...policies.byName.values()].includes('silent')) return 'silent';
  return 'explicit';
}

function filePolicies(sourceCode: Readonly<TSESLint.SourceCode>, origin: ConstInit): FilePolicies {
  const program = sourceCode.ast;
  let found = cache.get(program);
  if (found) return found;
  const byName = new Map<string, AckJudgement>();
  let unnamedSilent = false;
  if (sourceCode.text.includes('consumers.add(')) {
    someNode(sourceCode, program, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression) return false;
      const method = methodCall(node);
      const owner = method?.object && unwrapValue(method.object);
      if (method?.name !== 'add' || owner?.type !== AST_NODE_TYPES.MemberExpression || owner.computed || owner.property.name !== 'consumers') {
        return false;
      }
      const config = node.arguments[1] && objectOf(node.arguments[1], origin);
      const judgement = config ? policyOf(config, origin) : 'silent';
      const name = config && (property(config, 'durable_name') ?? property(config, 'name'));
      const literal = name && stringValue(name, origin);
      if (literal === undefined) {
        unnamedSilent ||= judgement === 'silent';
      } else {
        // The same name created twice with different policies: not explicit for sure.
        byName.set(literal, byName.get(literal) === 'silent' ? 'silent' : judgement);
      }
      return false;
    });
  }
  found = { byName, unnamedSilent };
  cache.set(program, found);
  return found;
}

/** `ack_policy` of a consumer config written as an object literal: absent is `none` (the server's default). */
function policyOf(config: TSESTree.ObjectExpression, origin: ConstInit): AckJudgement {
  if (config.properties.some((prop) => prop.type === AST_NODE_TYPES.SpreadElement || prop.computed)) return 'silent';
  const value = property(config, 'ack_policy');
  if (!value) return 'silent';
  return policyName(value, origin) === 'explicit' ? 'explicit' : 'silent';
}

/** `AckPolicy.Explicit`, `'explicit'` (or a `const` bound to one): the policy's value; `undefined` when unreadable. */
function policyName(node: TSESTree.Node, origin: ConstInit): string | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.MemberExpression && !value.computed && value.property.type === AST_NODE_TYPES.Identifier) {
    const names: Record<string, string> = { None: 'none', All: 'all', Explicit: 'explicit', NotSet: '' };
    return names[value.property.name];
  }
  return stringValue(value, origin);
}

function objectOf(node: TSESTree.Node, origin: ConstInit): TSESTree.ObjectExpression | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.ObjectExpression) return value;
  const init = origin(value);
  return init?.type === AST_NODE_TYPES.ObjectExpression ? init : undefined;
}

function property(object: TSESTree.ObjectExpression, key: string): TSESTree.Node | undefined {
  for (const prop of object.properties) {
    if (prop.type !== AST_NODE_TYPES.Property || prop.computed) continue;
    const name = prop.key.type === AST_NODE_TYPES.Identifier ? prop.key.name : String(prop.key.value);
    if (name === key) return prop.value;
  }
  return undefined;
}

/** A string written in place (a literal, a template without expressions) or through a `const` bound to one. */
function stringValue(node: TSESTree.Node, origin: ConstInit): string | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'string' ? value.value : undefined;
  if (value.type === AST_NODE_TYPES.TemplateLiteral) return value.expressions.length === 0 ? value.quasis[0]?.value.cooked ?? undefined : undefined;
  const init = value.type === AST_NODE_TYPES.Identifier ? origin(value) : undefined;
  return init && init !== value ? stringValue(init, origin) : undefined;
}
