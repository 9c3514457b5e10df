import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, type JSONSchema, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { ObligationKind } from '../analysis/events.js';
import { unwrapValue } from '../analysis/syntax.js';
import { typeOrValueSpecifiersSchema } from '../analysis/types.js';
import type { ConstInit } from './options.js';

/**
 * An acquire/release pair: what `require-release` matches (acquiring calls, by receiver type or, without types, by
 * receiver name with import evidence) and the obligation kind the shared analysis checks for it. Presets are lists
 * of pairs; a user's `pairs` option compiles to the same shape.
 */
export interface Pair {
  readonly preset: string;
  readonly resource: string;
  readonly methods: ReadonlySet<string>;
  readonly types: readonly TypeOrValueSpecifier[];
  /** Type names that match whatever declares them (web streams are declared by the DOM lib and by @types/node). */
  readonly typeNames: ReadonlySet<string>;
  readonly receiverNames: RegExp;
  /**
   * Untyped: a receiver that is the result of calling one of these methods is one by construction
   * (`trace.getTracer('x').startSpan(…)`, compiled `api_1.trace.getTracer(…).startActiveSpan(…)`), and so is the
   * result of a function of that name (`getTracer().startSpan(…)`), with the same import evidence as a name.
   */
  readonly receiverFactories?: ReadonlySet<string>;
  /**
   * Untyped: receiver names that name the package themselves (`pgPool`, `rootPgPool`): evidence without an import, for
   * code that is handed its pool (compiled JavaScript, a library's options object).
   */
  readonly selfEvidentNames?: { readonly names: RegExp; /** Finds such a name in a file's text (the cheap filter). */ readonly text: RegExp };
  readonly kind: ObligationKind;
  /** Methods whose callback receives the resource as its first parameter (`startActiveSpan`). */
  readonly callbackMethods: ReadonlySet<string>;
  /**
   * Without types, a receiver name is evidence only in a file that imports (or requires) one of these packages: a
   * `pool` is as often another library's object. Empty: names are enough (web streams are globals; your own pairs).
   */
  readonly packages: readonly string[];
  /**
   * Calls whose callback receives the resource at a given parameter: `channel.consume(queue, (msg) => …)` (argument
   * 1, parameter 0), `subscription.on('message', (message) => …)`, `receiver.subscribe({ processMessage })`.
   */
  readonly callbacks?: readonly CallbackShape[];
  /** Methods whose result (an iterable or array, or a promise of one) owes each of its elements. */
  readonly elementMethods?: ReadonlySet<string>;
  /**
   * Whether this acquiring call owes anything, from its options (`{ noAck: true }` owes nothing). A call the rule
   * cannot read (options held in a variable) owes nothing it can judge: return false. `sourceCode` is the file's, for
   * what the file says elsewhere (a NATS consumer's ack policy where it is created).
   */
  owes?(call: TSESTree.CallExpression, origin: ConstInit, sourceCode: Readonly<TSESLint.SourceCode>): boolean;
  /** How messages speak of the release: `acked or nacked`, `settled`. Without it, `released`. */
  readonly wording?: { readonly pending: string; readonly settled: string };
  /**
   * The settle a suggestion inserts before a `return` that leaves the resource held (`channel.nack(msg, false,
   * false)`), from the receiver's and the resource's text. `undefined`: none is safe.
   */
  errorSettle?(receiver: string, handle: string, acquire: TSESTree.CallExpression): string | undefined;
  /** What a user's pair can say beyond a preset (the `pairs` option). */
  readonly extensions?: PairExtensions;
}

/** A callback handed the resource: which argument it is (or the object holding it) and which parameter. */
export interface CallbackShape {
  readonly method: string;
  /** The callback argument's index, or the index of the object literal whose property it is. */
  readonly argument: number;
  /** The callback is this property (or method) of the object argument. */
  readonly property?: string;
  readonly parameter: number;
  /** The call's first argument must be this string (`on('message', handler)`). */
  readonly event?: string;
}

/** A release helper: a call of one of these functions releases the resource passed at `param`. */
export interface ReleaseHelper {
  /** Callee paths: `closeFile`, `db.release`, `this.giveBack` (a leading `this.` is ignored). */
  readonly names: ReadonlySet<string>;
  /** Typed: the callee's value matches one of these TypeOrValueSpecifiers. */
  readonly types: readonly TypeOrValueSpecifier[];
  readonly param: number;
}

export interface PairExtensions {
  /** The acquire method acquires on any receiver, `this` included (`this.acquireNonceLock()`). */
  readonly anyReceiver: boolean;
  /** Typed: `receiverNames` also applies to a receiver whose type matches none of `types`. */
  readonly namesWhenTyped: boolean;
  /** Functions that acquire, by callee path (`open`, `fs.open`): the call's value is the resource. */
  readonly functions: ReadonlySet<string>;
  /** Typed: functions that acquire, by TypeOrValueSpecifier of the callee (`open` from `node:fs/promises`). */
  readonly functionTypes: readonly TypeOrValueSpecifier[];
  readonly releaseHelpers: readonly ReleaseHelper[];
}

/** A callee as a path of names: `open`, `fs.open`, `db.release`; `this.` dropped. `undefined` for anything else. */
export function calleePath(node: TSESTree.Node): string | undefined {
  const value = unwrapValue(node);
  if (value.type === AST_NODE_TYPES.Identifier) return value.name;
  if (value.type !== AST_NODE_TYPES.MemberExpression || value.computed) return undefined;
  if (value.object.type === AST_NODE_TYPES.ThisExpression) return value.property.name;
  const object = calleePath(value.object);
  return object === undefined ? undefined : `${object}.${value.property.name}`;
}


/** The user's description of a pair (the `pairs` option). */
export interface PairOption {
  /** Shown in messages: what is held (`client`, `lock`). */
  name: string;
  acquire: {
    /** The acquiring method (`getConnection`). */
    method?: string;
    /** Receiver types, in TypeOrValueSpecifier format. */
    types?: TypeOrValueSpecifier[];
    /** Regular expression for receiver names when there is no type information (typed: when the type matches none of `types`). */
    receiverNames?: string;
    /** The resource is handed to a callback argument of the call: `channel.consume(queue, (msg) => …)`. */
    callback?: { argument: number; parameter: number; property?: string; event?: string };
    /** Each element of the call's result (an iterable or array, awaited or not) is owed. */
    elements?: boolean;
    /** `method` acquires on any receiver, `this` included. */
    anyReceiver?: boolean;
    /** Functions that acquire, by callee path: `open`, `fs.open`. */
    functions?: string[];
    /** Typed: functions that acquire, by TypeOrValueSpecifier (`{ from: 'package', package: 'fs/promises', name: 'open' }`). */
    functionTypes?: TypeOrValueSpecifier[];
  };
  /** Where the resource sits when the acquire resolves to a tuple (`[value, release]` → 1). */
  resourceIndex?: number;
  release: {
    /** `receiver.method(resource)` releases (`pool.release(conn)`). */
    receiverMethods?: string[];
    /** `resource.method()` releases (`client.release()`, `span.end()`). */
    resourceMethods?: string[];
    /** The acquire resolves to a function that releases (`const release = await mutex.acquire()`). */
    callResource?: boolean;
    /** Functions that release the resource passed at `param` (default 0): by callee path and/or TypeOrValueSpecifier. */
    helpers?: { names?: string[]; types?: TypeOrValueSpecifier[]; param?: number }[];
  };
}

/** An obligation kind with the defaults every pair shares. */
export function kind(
  id: string,
  shape: Partial<Omit<ObligationKind, 'id' | 'describeRelease'>> & Pick<ObligationKind, 'describeRelease'>,
): ObligationKind {
  return {
    id,
    handle: 'self',
    // A resource passed to a function the rule cannot follow is that function's to release.
    handsOnWhenPassed: true,
    receiverReleases: new Set(),
    receiverBareReleases: new Set(),
    unboundHolds: false,
    handleReleases: new Set(),
    callReleases: false,
    checkpoints: new Set(),
    ...shape,
  };
}

function compileRegExp(pattern: string, option: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new Error(`workqueue/require-release: ${option} is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function pairFromOption(option: PairOption, index: number): Pair {
  const { release } = option;
  const where = `option "pairs[${index}]" (${option.name})`;
  const { acquire } = option;
  const helpers = release.helpers ?? [];
  if (!release.receiverMethods?.length && !release.resourceMethods?.length && !release.callResource && helpers.length === 0) {
    throw new Error(
      `workqueue/require-release: ${where} has no release: give release.receiverMethods, release.resourceMethods, release.callResource or release.helpers.`,
    );
  }
  const functions = acquire.functions ?? [];
  const functionTypes = acquire.functionTypes ?? [];
  if (acquire.method === undefined && functions.length === 0 && functionTypes.length === 0) {
    throw new Error(`workqueue/require-release: ${where} has no acquire: give acquire.method, acquire.functions or acquire.functionTypes.`);
  }
  if (acquire.anyReceiver && acquire.method === undefined) {
    throw new Error(`workqueue/require-release: ${where} sets acquire.anyReceiver without acquire.method: name the method that acquires.`);
  }
  if ((functions.length > 0 || functionTypes.length > 0) && !release.resourceMethods?.length && !release.callResource && helpers.length === 0) {
    throw new Error(
      `workqueue/require-release: ${where} acquires by function (acquire.functions or acquire.functionTypes), which has no receiver: release it with release.resourceMethods, release.callResource or release.helpers.`,
    );
  }
  helpers.forEach((helper, at) => {
    if (!helper.names?.length && !helper.types?.length) {
      throw new Error(`workqueue/require-release: ${where} release.helpers[${at}] names no function: give names or types.`);
    }
  });
  const { callback, elements } = acquire;
  const cannot = (what: string): Error => new Error(`workqueue/require-release: ${where} cannot be honoured: ${what}.`);
  for (const key of ['argument', 'parameter'] as const) {
    if (callback && callback[key] < 0) throw cannot(`acquire.callback.${key} is ${callback[key]}: an index is 0 or more`);
  }
  if (callback && elements) throw cannot('acquire.callback and acquire.elements are two different acquires; give one');
  if (option.resourceIndex !== undefined && (callback || elements)) {
    throw cannot(`resourceIndex names a tuple element, but acquire.${callback ? 'callback' : 'elements'} hands over the resource itself`);
  }
  if (callback?.event !== undefined && callback.argument === 0) {
    throw cannot('acquire.callback.event is the call\'s first argument, so the callback cannot be argument 0');
  }
  if (release.callResource && (callback || elements)) {
    throw cannot(`release.callResource: a resource handed to a callback or taken from a list is not a releasing function`);
  }
  if ((callback || elements) && acquire.method === undefined) {
    throw cannot(`acquire.${callback ? 'callback' : 'elements'} needs acquire.method: the call whose callback or result holds the resource`);
  }
  const method = acquire.method === undefined ? [] : [acquire.method];
  return {
    preset: option.name,
    resource: option.name,
    methods: new Set(callback || elements ? [] : method),
    callbacks: callback && acquire.method !== undefined ? [{ method: acquire.method, ...callback }] : [],
    elementMethods: new Set(elements ? method : []),
    types: option.acquire.types ?? [],
    typeNames: new Set(),
    receiverNames: compileRegExp(option.acquire.receiverNames ?? '(?!)', `${where} acquire.receiverNames`),
    kind: kind(`pair:${option.name}`, {
      handle: option.resourceIndex === undefined ? 'self' : { index: option.resourceIndex, key: String(option.resourceIndex) },
      receiverReleases: new Set(release.receiverMethods ?? []),
      handleReleases: new Set(release.resourceMethods ?? []),
      callReleases: release.callResource ?? false,
      // Every shape names the resource: without a variable for it there is no release to write.
      describeRelease: (r, h) =>
        h === undefined
          ? undefined
          : release.resourceMethods?.[0]
            ? `${h}.${release.resourceMethods[0]}()`
            : release.receiverMethods?.[0]
              ? `${r}.${release.receiverMethods[0]}(${h})`
              : release.callResource
                ? `${h}()`
                : helperCall(helpers, h),
    }),
    callbackMethods: new Set(),
    packages: [],
    extensions: {
      anyReceiver: acquire.anyReceiver ?? false,
      namesWhenTyped: acquire.receiverNames !== undefined,
      functions: new Set(functions.map((name) => name.replace(/^this\./, ''))),
      functionTypes,
      releaseHelpers: helpers.map((helper) => ({
        names: new Set((helper.names ?? []).map((name) => name.replace(/^this\./, ''))),
        types: helper.types ?? [],
        param: helper.param ?? 0,
      })),
    },
  };
}

/** How a release helper is written in a message: `closeFd(fd)`, `pool.giveBack(…, conn)`. */
function helperCall(helpers: NonNullable<PairOption['release']['helpers']>, handle: string): string | undefined {
  const helper = helpers.find((candidate) => candidate.names?.length);
  const name = helper?.names?.[0];
  if (!helper || name === undefined) return undefined;
  const param = helper.param ?? 0;
  return param === 0 ? `${name}(${handle})` : `${name}(…, ${handle})`;
}

export const PAIR_SCHEMA: JSONSchema.JSONSchema4 = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'acquire', 'release'],
  properties: {
    name: { type: 'string', description: 'What is held, as messages name it (e.g. `connection`).' },
    acquire: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { type: 'string', description: 'The acquiring method (e.g. `getConnection`).' },
        types: { ...typeOrValueSpecifiersSchema, description: 'Receiver types whose method acquires (TypeOrValueSpecifier format).' },
        receiverNames: {
          type: 'string',
          description:
            'Regular expression for receiver names that acquire when there is no type information, or (typed) when the receiver type matches none of `types`.',
        },
        anyReceiver: { type: 'boolean', description: '`method` acquires on any receiver, `this` included.' },
        functions: {
          type: 'array',
          items: { type: 'string' },
          description: 'Functions that acquire, by callee path (`open`, `fs.open`): the call resolves to the resource.',
        },
        functionTypes: {
          ...typeOrValueSpecifiersSchema,
          description: 'Typed: functions that acquire, by TypeOrValueSpecifier of the callee.',
        },
        callback: {
          type: 'object',
          additionalProperties: false,
          required: ['argument', 'parameter'],
          description: 'The resource is handed to a callback of the call (`channel.consume(queue, (msg) => …)`).',
          properties: {
            // No `minimum` here: the schema's message would not name the option; pairFromOption's does.
            argument: { type: 'integer', description: 'Index (0 or more) of the callback argument (or of the object holding it).' },
            parameter: { type: 'integer', description: "Index (0 or more) of the callback's parameter that receives the resource." },
            property: { type: 'string', description: 'The callback is this property of an object argument (`{ processMessage }`).' },
            event: { type: 'string', description: "The call's first argument must be this string (`on('message', …)`)." },
          },
        },
        elements: {
          type: 'boolean',
          description: 'Each element of the call\'s result (an iterable or array, awaited or not) is owed: `for (const m of …)`.',
        },
      },
    },
    resourceIndex: {
      type: 'integer',
      minimum: 0,
      description: 'When the acquire resolves to a tuple, the index of the resource in it.',
    },
    release: {
      type: 'object',
      additionalProperties: false,
      properties: {
        receiverMethods: {
          type: 'array',
          items: { type: 'string' },
          description: 'Methods of the acquiring receiver that take the resource and release it (`pool.release(conn)`).',
        },
        resourceMethods: {
          type: 'array',
          items: { type: 'string' },
          description: 'Methods of the resource that release it (`conn.release()`).',
        },
        callResource: { type: 'boolean', description: 'The resource is a function that releases when called.' },
        helpers: {
          type: 'array',
          description: 'Functions that release the resource passed to them (`closeFile(fd)`), for packages that ship no sources.',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              names: { type: 'array', items: { type: 'string' }, description: 'Callee paths: `closeFile`, `db.giveBack`.' },
              types: { ...typeOrValueSpecifiersSchema, description: 'Typed: the callee, by TypeOrValueSpecifier.' },
              param: { type: 'integer', minimum: 0, description: 'The index of the parameter that takes the resource. Default 0.' },
            },
          },
        },
      },
    },
  },
};

