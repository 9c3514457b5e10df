import type { TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import { AST_NODE_TYPES, ASTUtils, type JSONSchema, TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { Obligation, ObligationKind } from '../src/analysis/events.js';
import { createObligationAnalysis } from '../src/analysis/obligations.js';
import { THROW_MODEL_SCHEMA, type ThrowModelOptions } from '../src/analysis/throw-model.js';
import { acquireText, type LeakMessageId, leakMessages, releaseText, reportLeaks, secondReleases } from '../src/analysis/report.js';
import { isFunctionNode, methodCall, receiverName } from '../src/analysis/syntax.js';
import {
  guarded,
  isOpaque,
  isThenable,
  matchesSpecifiers,
  typeOrValueSpecifiersSchema,
  type TypeServices,
  typeServices,
} from '../src/analysis/types.js';
import { createRule } from '../src/util/create-rule.js';

export const PRESET_NAMES = ['pg', 'async-mutex', 'generic-pool', 'web-streams', 'opentelemetry'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/**
 * The presets on by default. `web-streams` is opt-in: on real code a reader left locked is almost always harmless
 * (the stream was read to its end, cancelled, or dropped, and nothing reads it again): docs/precision.md.
 */
export const DEFAULT_PRESETS: readonly PresetName[] = ['pg', 'async-mutex', 'generic-pool', 'opentelemetry'];

export interface PairOption {
  /** Shown in messages: what is held (`client`, `lock`). */
  name: string;
  acquire: {
    method: string;
    /** Receiver types, in TypeOrValueSpecifier format. */
    types?: TypeOrValueSpecifier[];
    /** Regular expression for receiver names when there is no type information. */
    receiverNames?: string;
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

export type Options = [{ presets?: PresetName[]; pairs?: PairOption[]; explicitThrowsOnly?: boolean } & ThrowModelOptions];
export type MessageIds = LeakMessageId | 'discardedAcquire' | 'doubleRelease' | 'moveIntoTry' | 'wrapInTryFinally';

/** One acquire/release pair as the rule matches it. */
interface Pair {
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
}

function kind(
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

const PRESETS: Record<PresetName, readonly Pair[]> = {
  // node-postgres: a client checked out of a Pool must go back with client.release(); pool.query() needs nothing.
  pg: [
    {
      preset: 'pg',
      packages: ['pg', 'pg-pool'],
      resource: 'client',
      methods: new Set(['connect']),
      types: [{ from: 'package', package: 'pg', name: 'Pool' }, { from: 'package', package: 'pg-pool', name: 'Pool' }],
      typeNames: new Set(),
      receiverNames: /(?:^|[a-z])(?:pool|Pool)$/,
      kind: kind('pg', {
        handleReleases: new Set(['release']),
        // `client.query(text)` returns a promise and reports failures by rejecting, typed or not.
        nonThrowingHandleMethods: new Set(['query']),
        describeRelease: (_r, h) => h && `${h}.release()`,
      }),
      callbackMethods: new Set(),
    },
  ],
  // async-mutex: acquire() resolves to a releaser; mutex.release() also releases; runExclusive() is the safe form.
  'async-mutex': [
    {
      preset: 'async-mutex',
      packages: ['async-mutex'],
      resource: 'lock',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'async-mutex', name: ['Mutex', 'MutexInterface'] }],
      typeNames: new Set(),
      receiverNames: /(?:mutex|Mutex|lock|Lock)$/,
      kind: kind('async-mutex', {
        callReleases: true,
        receiverBareReleases: new Set(['release']),
        unboundHolds: true,
        describeRelease: (r, h) => (h ? `${h}()` : `${r}.release()`),
      }),
      callbackMethods: new Set(),
    },
    {
      preset: 'async-mutex',
      packages: ['async-mutex'],
      resource: 'permit',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'async-mutex', name: ['Semaphore', 'SemaphoreInterface'] }],
      typeNames: new Set(),
      receiverNames: /(?:semaphore|Semaphore|sem)$/,
      kind: kind('async-mutex-semaphore', {
        handle: { index: 1, key: 'release' },
        callReleases: true,
        receiverBareReleases: new Set(['release']),
        unboundHolds: true,
        describeRelease: (r, h) => (h ? `${h}()` : `${r}.release()`),
      }),
      callbackMethods: new Set(),
    },
  ],
  // generic-pool: a resource from pool.acquire() goes back with pool.release(resource) or pool.destroy(resource).
  'generic-pool': [
    {
      preset: 'generic-pool',
      packages: ['generic-pool'],
      resource: 'resource',
      methods: new Set(['acquire']),
      types: [{ from: 'package', package: 'generic-pool', name: 'Pool' }],
      typeNames: new Set(),
      receiverNames: /(?:^|[a-z])(?:pool|Pool)$/,
      kind: kind('generic-pool', {
        receiverReleases: new Set(['release', 'destroy']),
        describeRelease: (r, h) => h && `${r}.release(${h})`,
      }),
      callbackMethods: new Set(),
    },
  ],
  // Web Streams: getReader() locks the stream until reader.releaseLock().
  'web-streams': [
    {
      preset: 'web-streams',
      packages: [],
      resource: 'reader',
      methods: new Set(['getReader']),
      types: [{ from: 'lib', name: 'ReadableStream' }],
      typeNames: new Set(['ReadableStream']),
      receiverNames: /(?:stream|Stream|body|readable|Readable)$/,
      // A cancelled reader's stream is closed: nothing can read it again, so its lock no longer matters.
      kind: kind('web-streams', { handleReleases: new Set(['releaseLock', 'cancel']), describeRelease: (_r, h) => h && `${h}.releaseLock()` }),
      callbackMethods: new Set(),
    },
  ],
  // OpenTelemetry: a span from startSpan(), or the one startActiveSpan() hands its callback, must end on every path.
  opentelemetry: [
    {
      preset: 'opentelemetry',
      packages: ['@opentelemetry/api'],
      resource: 'span',
      methods: new Set(['startSpan']),
      types: [{ from: 'package', package: '@opentelemetry/api', name: 'Tracer' }],
      typeNames: new Set(),
      receiverNames: /(?:tracer|Tracer)$/,
      kind: kind('opentelemetry', {
        handleReleases: new Set(['end']),
        // The OpenTelemetry specification forbids the API to throw: a span's methods never leave it open by throwing.
        nonThrowingHandleMethods: new Set([
          'setAttribute',
          'setAttributes',
          'addEvent',
          'addLink',
          'addLinks',
          'setStatus',
          'updateName',
          'recordException',
          'isRecording',
          'spanContext',
        ]),
        describeRelease: (_r, h) => h && `${h}.end()`,
      }),
      callbackMethods: new Set(['startActiveSpan']),
    },
  ],
};

function compileRegExp(pattern: string, option: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new Error(`workqueue/require-release: ${option} is not a valid regular expression: ${(error as Error).message}`);
  }
}

function pairFromOption(option: PairOption, index: number): Pair {
  const { release } = option;
  const where = `option "pairs[${index}]" (${option.name})`;
  if (!release.receiverMethods?.length && !release.resourceMethods?.length && !release.callResource) {
    throw new Error(
      `workqueue/require-release: ${where} has no release: give release.receiverMethods, release.resourceMethods or release.callResource.`,
    );
  }
  return {
    preset: option.name,
    resource: option.name,
    methods: new Set([option.acquire.method]),
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

/** Every module the file imports, re-exports or requires, by specifier. */
function importedModules(sourceCode: Readonly<TSESLint.SourceCode>): Set<string> {
  const modules = new Set<string>();
  for (const statement of sourceCode.ast.body) {
    if (
      (statement.type === AST_NODE_TYPES.ImportDeclaration ||
        statement.type === AST_NODE_TYPES.ExportAllDeclaration ||
        statement.type === AST_NODE_TYPES.ExportNamedDeclaration) &&
      statement.source
    ) {
      modules.add(statement.source.value);
    } else if (
      statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration &&
      statement.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference
    ) {
      modules.add(statement.moduleReference.expression.value);
    }
  }
  for (const match of sourceCode.text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (match[1]) modules.add(match[1]);
  }
  return modules;
}

function typeName(services: TypeServices, node: TSESTree.Node): string | undefined {
  return guarded(() => {
    const type = services.checker.getNonNullableType(services.typeOf(node));
    return (type.aliasSymbol ?? type.getSymbol())?.getName();
  }, undefined);
}

const PAIR_SCHEMA: JSONSchema.JSONSchema4 = {
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

export default createRule<Options, MessageIds>({
  name: 'require-release',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every acquired resource (pg clients, mutex locks, pool resources, stream readers, spans) to be released on every path',
      recommended: 'recommended',
      // Uses type information when the file has it, and falls back to names without it.
      requiresTypeChecking: false,
      // Without types a preset matches generic receiver names (`pool`, `lock`, `stream`, `body`, `tracer`) that may
      // belong to any library: a guess, so only the type-checked configs turn the rule on.
      typeCheckedConfigsOnly: true,
    },
    // Suggestions and the leak message ids are reported by src/analysis/report.ts, which this plugin rule cannot see.
    // eslint-disable-next-line eslint-plugin/require-meta-has-suggestions
    hasSuggestions: true,
    messages: {
      ...leakMessages(
        'The {{resource}} from `{{acquire}}` (line {{acquireLine}}) is not released',
        'Call `{{release}}` in a `finally` right after {{anchor}}.',
      ),
      discardedAcquire: 'The {{resource}} acquired by `{{acquire}}` is never bound, so it can never be released.',
      doubleRelease:
        'The {{resource}} from `{{acquire}}` (line {{acquireLine}}) may be released twice. It was already released on a path to here: `{{release}}` runs once.',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      moveIntoTry: 'Move the statements before the `try` into it',
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by src/analysis/report.ts
      wrapInTryFinally: 'Wrap in `try { … } finally { {{release}}; }`',
    },
    defaultOptions: [{ presets: [...DEFAULT_PRESETS], pairs: [], explicitThrowsOnly: false, nonThrowing: [], promiseFunctionsMayThrow: false }],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          presets: {
            type: 'array',
            uniqueItems: true,
            items: { type: 'string', enum: [...PRESET_NAMES] },
            description: 'Built-in pairs to check. Default: all of them.',
          },
          pairs: { type: 'array', items: PAIR_SCHEMA, description: 'Your own acquire/release pairs.' },
          explicitThrowsOnly: {
            type: 'boolean',
            description: 'Treat only `throw` statements as throwing, not every call, `new`, `await` and `yield`.',
          },
          ...THROW_MODEL_SCHEMA,
        },
      },
    ],
  },
  create(context, [options]) {
    const pairs: Pair[] = [
      ...(options.presets ?? DEFAULT_PRESETS).flatMap((name) => PRESETS[name]),
      ...(options.pairs ?? []).map(pairFromOption),
    ];
    const sourceCode = context.sourceCode;
    const methodNames = [...new Set(pairs.flatMap((pair) => [...pair.methods, ...pair.callbackMethods]))];
    // Cheap filter before any listener or type query.
    if (!methodNames.some((name) => sourceCode.text.includes(`${name}(`))) return {};
    const services = typeServices(context);
    const pairByKind = new Map(pairs.map((pair) => [pair.kind, pair]));

    let modules: Set<string> | undefined;
    const importsPackageOf = (pair: Pair): boolean => {
      if (pair.packages.length === 0) return true;
      modules ??= importedModules(sourceCode);
      const imported = [...modules];
      return pair.packages.some((name) => imported.some((module) => module === name || module.startsWith(`${name}/`)));
    };

    const receiverMatches = (pair: Pair, receiver: TSESTree.Node): boolean => {
      if (services) {
        const type = guarded(() => services.typeOf(receiver), undefined);
        if (type && !isOpaque(type)) {
          if (matchesSpecifiers(services, type, pair.types)) return true;
          const name = pair.typeNames.size > 0 ? typeName(services, receiver) : undefined;
          return name !== undefined && pair.typeNames.has(name);
        }
      }
      const name = receiverName(receiver);
      return name !== undefined && pair.receiverNames.test(name) && importsPackageOf(pair);
    };

    const findPair = (call: TSESTree.CallExpression, methods: (pair: Pair) => ReadonlySet<string>): Pair | undefined => {
      const method = methodCall(call);
      if (!method) return undefined;
      return pairs.find((pair) => methods(pair).has(method.name) && receiverMatches(pair, method.object));
    };

    /** A function written in place, a function of this file by name, or (typed) any callable value. */
    const isFunctionArgument = (arg: TSESTree.Node): boolean => {
      if (isFunctionNode(arg)) return true;
      if (arg.type !== AST_NODE_TYPES.Identifier) return false;
      if (services) return guarded(() => services.typeOf(arg).getCallSignatures().length > 0, false);
      const def = ASTUtils.findVariable(sourceCode.getScope(arg), arg.name)?.defs[0];
      if (def?.type === TSESLint.Scope.DefinitionType.FunctionName) return true;
      const init = def?.type === TSESLint.Scope.DefinitionType.Variable ? def.node.init : null;
      return init !== null && isFunctionNode(init);
    };

    const describe = (ob: Obligation): { release: string; describedOnly: boolean; resource: string } => {
      const resource = pairByKind.get(ob.kind)?.resource ?? 'resource';
      const release = releaseText(sourceCode, ob, { receiver: 'pool', handle: resource });
      return { release: release.text, describedOnly: !release.code, resource };
    };

    return createObligationAnalysis({
      sourceCode,
      kinds: pairs.map((pair) => pair.kind),
      explicitThrowsOnly: options.explicitThrowsOnly ?? false,
      throwModel: options,
      matchAcquire: (call) => {
        // Callback-style APIs (`pool.connect((err, client, done) => …)`, `pool.connect(onConnect)`) hand the resource
        // elsewhere.
        if (call.arguments.some(isFunctionArgument)) return undefined;
        const pair = findPair(call, (candidate) => candidate.methods);
        const method = methodCall(call);
        return pair && method ? { kind: pair.kind, receiver: method.object } : undefined;
      },
      matchCallbackAcquire: (fn) => {
        const call = fn.parent;
        if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[call.arguments.length - 1] !== fn) return undefined;
        const pair = findPair(call, (candidate) => candidate.callbackMethods);
        return pair && { call, kind: pair.kind, param: 0 };
      },
      isUnawaitedPromise: services ? (call) => isThenable(services, call) : undefined,
      services,
      onDiscarded: (call, discardedKind) => {
        context.report({
          node: call,
          messageId: 'discardedAcquire',
          data: { acquire: acquireText(sourceCode, call), resource: pairByKind.get(discardedKind)?.resource ?? 'resource' },
        });
      },
      onResult: (result, _fn, queries) => {
        reportLeaks(context, result, queries, (ob) => ({ ...describe(ob), anchor: 'it is acquired' }));
        for (const { node, ob, acquire, acquireLine } of secondReleases(sourceCode, result)) {
          const { release, resource } = describe(ob);
          context.report({ node, messageId: 'doubleRelease', data: { release, resource, acquire, acquireLine } });
        }
      },
    });
  },
});
