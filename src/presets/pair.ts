import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import type { JSONSchema, TSESTree } from '@typescript-eslint/utils';

import type { ObligationKind } from '../analysis/events.js';
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
   * cannot read (options held in a variable) owes nothing it can judge: return false.
   */
  owes?(call: TSESTree.CallExpression, origin: ConstInit): boolean;
  /** How messages speak of the release: `acked or nacked`, `settled`. Without it, `released`. */
  readonly wording?: { readonly pending: string; readonly settled: string };
  /**
   * The settle a suggestion inserts before a `return` that leaves the resource held (`channel.nack(msg, false,
   * false)`), from the receiver's and the resource's text. `undefined`: none is safe.
   */
  errorSettle?(receiver: string, handle: string, acquire: TSESTree.CallExpression): string | undefined;
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


/** The user's description of a pair (the `pairs` option). */
export interface PairOption {
  /** Shown in messages: what is held (`client`, `lock`). */
  name: string;
  acquire: {
    method: string;
    /** Receiver types, in TypeOrValueSpecifier format. */
    types?: TypeOrValueSpecifier[];
    /** Regular expression for receiver names when there is no type information. */
    receiverNames?: string;
    /** The resource is handed to a callback argument of the call: `channel.consume(queue, (msg) => …)`. */
    callback?: { argument: number; parameter: number; property?: string; event?: string };
    /** Each element of the call's result (an iterable or array, awaited or not) is owed. */
    elements?: boolean;
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
  if (!release.receiverMethods?.length && !release.resourceMethods?.length && !release.callResource) {
    throw new Error(
      `workqueue/require-release: ${where} has no release: give release.receiverMethods, release.resourceMethods or release.callResource.`,
    );
  }
  const { callback, elements } = option.acquire;
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
  return {
    preset: option.name,
    resource: option.name,
    methods: new Set(callback || elements ? [] : [option.acquire.method]),
    callbacks: callback ? [{ method: option.acquire.method, ...callback }] : [],
    elementMethods: new Set(elements ? [option.acquire.method] : []),
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
              : `${h}()`,
    }),
    callbackMethods: new Set(),
    packages: [],
  };
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
      required: ['method'],
      properties: {
        method: { type: 'string', description: 'The acquiring method (e.g. `getConnection`).' },
        types: { ...typeOrValueSpecifiersSchema, description: 'Receiver types whose method acquires (TypeOrValueSpecifier format).' },
        receiverNames: {
          type: 'string',
          description: 'Regular expression for receiver names that acquire when there is no type information.',
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
      },
    },
  },
};

