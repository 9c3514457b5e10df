/**
 * How every obligation rule words and places a leak: one message per kind of exit, the report on the exit through
 * which the handle escapes, and the try/finally suggestion when one is safe.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isAwaiterBody } from './down-level.js';
import type { AnalysisResult, Exit, ListenerPairing, Obligation } from './events.js';
import { type FixQueries, tryFinallyFix } from './fixes.js';
import { receiverText } from './syntax.js';

export type LeakMessageId =
  | 'leakOnReturn'
  | 'leakOnThrow'
  | 'leakOnMayThrow'
  | 'leakOnMayThrowInFinally'
  | 'leakOnYield'
  | 'leakOnBreak'
  | 'leakOnContinue'
  | 'leakAtIterationEnd'
  | 'leakAtFunctionEnd'
  | 'leakOnRejection'
  | 'leakOnRejectionHandler'
  | 'leakUnlessFinished'
  | 'leakOnRemovedListener'
  | 'leakReleaseInIteration'
  | 'leakOnCallbackReturn'
  | 'leakAtCallbackEnd'
  | 'leakOnCallbackThrow'
  | 'leakOnCallbackMayThrow';

/**
 * The leak messages of a rule. `subject` says what is held and by which call, with `{{acquire}}` and
 * `{{acquireLine}}` placeholders; `advice` says what to do, with `{{release}}` and `{{anchor}}`.
 */
export function leakMessages(subject: string, advice: string): Record<LeakMessageId, string> {
  // The first sentence says what escapes where, and fits a 120-column terminal (tests/rules/messages.test.ts); the
  // detail and the advice follow in sentences of their own.
  return {
    leakOnReturn: `${subject} at the \`return\` on line {{line}}. ${advice}`,
    leakOnThrow: `${subject} at the \`throw\` on line {{line}}. ${advice}`,
    leakOnMayThrow: `${subject} if the call on line {{line}} throws. \`{{expression}}\` may throw. ${advice}`,
    leakOnMayThrowInFinally: `${subject} if the call on line {{line}} throws. It runs before the release in its \`finally\`, and \`{{expression}}\` may throw: release first, or give the call a \`try\` of its own.`,
    leakOnYield: `${subject} if closed at the \`yield\` on line {{line}}. ${advice}`,
    leakOnBreak: `${subject} at the \`break\` on line {{line}}. ${advice}`,
    leakOnContinue: `${subject} at the \`continue\` on line {{line}}. The next iteration orphans it. ${advice}`,
    leakAtIterationEnd: `${subject} when the iteration ends on line {{line}}. The next one orphans it. ${advice}`,
    leakAtFunctionEnd: `${subject} when the function ends on line {{line}}. ${advice}`,
    leakReleaseInIteration: `${subject} when the function ends on line {{line}}. The \`{{method}}\` callback on line {{callbackLine}} runs once per element, maybe never. ${advice}`,
    leakOnRejection: `${subject} if the promise on line {{line}} rejects. \`.then\` runs only on success: release in \`.finally\` or in both handlers.`,
    leakOnRejectionHandler: `${subject} if the promise on line {{line}} rejects. Its rejection handler (line {{handlerLine}}) may throw before it releases: release in \`.finally\`, or in a \`finally\` inside the handler.`,
    leakOnRemovedListener: `${subject} if \`'{{event}}'\` comes first. The listener on line {{line}} releases it, but the \`'{{event}}'\` listener (line {{handlerLine}}) removes it first: release there as well.`,
    leakUnlessFinished: `${subject} if the stream (line {{line}}) is destroyed. \`'finish'\` runs only if it finishes; a destroyed stream (an aborted response) emits \`'close'\`: release on \`'close'\` as well.`,
    // A callback run once (a completion callback, a timer, an executor) that leaves it held on one of its paths.
    leakOnCallbackReturn: `${subject} when its callback returns on line {{line}}. The callback (line {{callbackLine}}) runs once, and returns here without \`{{release}}\`: call it before this \`return\`.`,
    leakAtCallbackEnd: `${subject} when its callback ends on line {{line}}. The callback (line {{callbackLine}}) runs once, and this path of it does not call \`{{release}}\`.`,
    leakOnCallbackThrow: `${subject} at the \`throw\` on line {{line}}. The callback (line {{callbackLine}}) runs once, and throws here without \`{{release}}\`.`,
    leakOnCallbackMayThrow: `${subject} if the call on line {{line}} throws. \`{{expression}}\` may throw in the callback (line {{callbackLine}}), which runs once: call \`{{release}}\` in a \`finally\` there.`,
  };
}

const EXIT_MESSAGE: Record<Exit['type'], LeakMessageId> = {
  return: 'leakOnReturn',
  throw: 'leakOnThrow',
  yield: 'leakOnYield',
  break: 'leakOnBreak',
  continue: 'leakOnContinue',
  'iteration-end': 'leakAtIterationEnd',
  'function-end': 'leakAtFunctionEnd',
  rejection: 'leakOnRejection',
  unfinished: 'leakUnlessFinished',
  callback: 'leakAtCallbackEnd',
};

/** The message of an exit inside a callback run once; other exits there (a `yield`, a rejection) keep their own. */
const CALLBACK_MESSAGE: Partial<Record<Exit['type'], LeakMessageId>> = {
  return: 'leakOnCallbackReturn',
  throw: 'leakOnCallbackThrow',
  'function-end': 'leakAtCallbackEnd',
};

/** Source text on one line, shortened for a message. */
export function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where the report goes: on the exit that escapes, or on the closing brace a path falls through. */
export function exitLocation(sourceCode: Readonly<TSESLint.SourceCode>, exit: Exit): TSESTree.SourceLocation {
  if (exit.type === 'callback') return exitLocation(sourceCode, exit.inner);
  if (exit.type !== 'function-end' && exit.type !== 'iteration-end') return exit.node.loc;
  const owner = exit.node;
  let body: TSESTree.Node = owner;
  if (owner.type !== AST_NODE_TYPES.Program && owner.type !== AST_NODE_TYPES.BlockStatement && 'body' in owner) {
    const inner = owner.body;
    if (inner && !Array.isArray(inner)) body = inner;
  }
  return sourceCode.getLastToken(body)?.loc ?? owner.loc;
}

/** How long code quoted in a message may be, so that its first sentence fits a 120-column terminal. */
const MESSAGE_TEXT = 30;

/** An acquiring call as messages show it; a call that takes a callback is shown without its arguments. */
export function acquireText(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): string {
  const hasCallback = call.arguments.some(
    (arg) => arg.type === AST_NODE_TYPES.ArrowFunctionExpression || arg.type === AST_NODE_TYPES.FunctionExpression,
  );
  return hasCallback ? `${oneLine(sourceCode.getText(call.callee), MESSAGE_TEXT)}(…)` : oneLine(sourceCode.getText(call), MESSAGE_TEXT);
}

/**
 * Every second release the analysis found, with how messages name its acquire; `pairing` where it is the second
 * listener of a pair (the analysis's `listenerPairs`).
 */
export function secondReleases(
  sourceCode: Readonly<TSESLint.SourceCode>,
  result: AnalysisResult,
): { node: TSESTree.Node; ob: Obligation; acquire: string; acquireLine: number; pairing?: ListenerPairing }[] {
  const found = [];
  for (const [ob, nodes] of result.doubles) {
    if (!ob.acquire) continue;
    const acquire = acquireText(sourceCode, ob.acquire);
    for (const node of nodes) found.push({ node, ob, acquire, acquireLine: ob.acquire.loc.start.line, pairing: result.listenerPairs?.get(node) });
  }
  return found;
}

/**
 * How a message says why a listener pair releases twice, as a sentence of its own: `` `res.on('close', …)` on line 12
 * also marks it done, and 'close' fires after 'end' ``, or for a registration run again, that each pass adds a listener. `verb`: the
 * release as a verb phrase (`marks it done`).
 */
export function pairingText(sourceCode: Readonly<TSESLint.SourceCode>, pairing: ListenerPairing, verb: string): string {
  const [own, partner] = pairing.events;
  const partnerLine = pairing.partner.loc.start.line;
  const event = pairing.partner.arguments[0];
  const registration = `${oneLine(sourceCode.getText(pairing.partner.callee), MESSAGE_TEXT)}(${event ? oneLine(sourceCode.getText(event), MESSAGE_TEXT) : ''}, …)`;
  const relation =
    own === partner ? `${pairing.loop ? 'all of them' : 'both'} run when '${own}' comes` : `'${own === 'close' ? own : partner}' fires after '${own === 'close' ? partner : own}'`;
  const who = pairing.loop
    ? `Each pass of the loop adds another \`${registration}\` listener that ${verb}`
    : `\`${registration}\` on line ${partnerLine} also ${verb}`;
  return `${who}, and ${relation}`;
}

/**
 * How code in the obligation's function names its handle: the variable bound to it (`item`, `client`), or the element
 * of the variable bound to the whole acquired value (`r[0]`, `conn[1]`). `undefined` when nothing in scope names it.
 */
export function handleText(ob: Obligation): string | undefined {
  const [handle] = ob.handleVars;
  if (handle) return handle.name;
  const [result] = ob.resultVars;
  if (!result) return undefined;
  return ob.kind.handle === 'self' ? result.name : `${result.name}[${ob.kind.handle.index}]`;
}

export interface ReleaseText {
  /** The release as the user would write it, for messages. */
  readonly text: string;
  /** `text` is code that names the real receiver and resource, safe to insert; otherwise it is only a description. */
  readonly code: boolean;
}

/**
 * The one text every message and fix uses for an obligation's release: the receiver printed from its own node with
 * the parentheses its precedence needs, the handle by the variable that holds it. When either is missing, `names`
 * stand in for them and the text is a description only (no fix may insert it).
 */
export function releaseText(
  sourceCode: Readonly<TSESLint.SourceCode>,
  ob: Obligation,
  names: { readonly receiver: string; readonly handle: string },
): ReleaseText {
  const receiver = ob.receiverNode ? receiverText(sourceCode, ob.receiverNode) : undefined;
  const handle = handleText(ob);
  const code = receiver === undefined ? undefined : ob.kind.describeRelease(receiver, handle);
  if (code) return { text: code, code: true };
  const text = ob.kind.describeRelease(receiver ?? names.receiver, handle ?? names.handle) ?? `${names.receiver}(${names.handle})`;
  return { text, code: false };
}

export interface LeakDescription {
  /** The release as the user would write it: `q.done(item)`, `client.release()`. */
  readonly release: string;
  /** `release` is only a description (no variable names the resource): offer no fix that would insert it. */
  readonly describedOnly?: boolean;
  /** Where the `try` should begin: `the shutdown check`. */
  readonly anchor: string;
  /** What is held, for messages that name it: `client`. */
  readonly resource?: string;
  /** Appended to every leak message id: the rule's second family of wordings (a broker's `acked or nacked`). */
  readonly family?: string;
  /** More message data for that family's placeholders. */
  readonly data?: Readonly<Record<string, string>>;
  /**
   * The suggestion for one exit, instead of the try/finally fix (which would settle a broker message as done even
   * when its work failed).
   */
  readonly suggestAt?: (exit: Exit) => { readonly messageId: string; readonly data?: Record<string, string>; readonly fix: TSESLint.ReportFixFunction } | undefined;
}

type SuggestionId = 'moveIntoTry' | 'wrapInTryFinally';

/**
 * One report per exit through which an obligation with an acquiring call escapes, with the try/finally suggestion
 * when safe on the first of them (applying it closes every exit of that acquire).
 */
export function reportLeaks<MessageId extends string>(
  context: Readonly<TSESLint.RuleContext<MessageId | LeakMessageId | SuggestionId, readonly unknown[]>>,
  result: AnalysisResult,
  queries: FixQueries,
  describe: (ob: Obligation) => LeakDescription,
): void {
  const { sourceCode } = context;
  for (const [ob, exits] of result.leaks) {
    if (!ob.acquire) continue;
    const description = describe(ob);
    // A conditional acquire (`existing ?? pool.connect()`) must not release what it did not acquire, and a wrapper must
    // not release what it returns: no fix writes either.
    const fix =
      description.describedOnly || description.suggestAt || ob.conditional || queries.returnsIt?.(ob)
        ? undefined
        : tryFinallyFix(queries, ob, description.release);
    // The try/finally fix is about the acquiring function's own paths: never on an exit inside a callback.
    const fixAt = exits.findIndex((exit) => exit.type !== 'callback');
    for (const [index, exit] of exits.entries()) {
    const location = exitLocation(sourceCode, exit);
    // An exit inside a callback run once: worded as that callback's exit, at its place.
    // tsc's down-levelled async body (`__awaiter(…, function* () { … })`) is its function's own body, not a callback.
    const callback = exit.type === 'callback' && !isAwaiterBody(exit.callback) ? exit : undefined;
    const shown = exit.type === 'callback' ? exit.inner : exit;
    const iteration = exit.type === 'function-end' ? queries.iterationRelease(ob) : undefined;
    const own = callback ? undefined : description.suggestAt?.(exit);
    const handler = shown.type === 'rejection' ? queries.partialRejectionHandler?.(shown.node) : undefined;
    const removed = shown.type === 'unfinished' ? queries.removedListener?.(shown.node) : undefined;
    const inFinally = !callback && queries.skippedFinally?.(exit, ob) !== undefined;
    const implicit = shown.type === 'throw' && !shown.explicit;
    const base: LeakMessageId = iteration
      ? 'leakReleaseInIteration'
      : inFinally
        ? 'leakOnMayThrowInFinally'
        : handler
        ? 'leakOnRejectionHandler'
        : removed
        ? 'leakOnRemovedListener'
        : callback && implicit
          ? 'leakOnCallbackMayThrow'
          : callback
            ? (CALLBACK_MESSAGE[shown.type] ?? EXIT_MESSAGE[shown.type])
            : implicit
              ? 'leakOnMayThrow'
              : EXIT_MESSAGE[shown.type];
    context.report({
      loc: location,
      messageId: `${base}${description.family ?? ''}` as LeakMessageId,
      data: {
        ...description.data,
        method: iteration?.method ?? '',
        callbackLine: (iteration?.node ?? callback?.callback)?.loc.start.line ?? 0,
        handlerLine: (handler ?? removed?.remover)?.loc.start.line ?? 0,
        event: removed?.event ?? '',
        acquire: acquireText(sourceCode, ob.acquire),
        acquireLine: ob.acquire.loc.start.line,
        line: location.start.line,
        expression: oneLine(sourceCode.getText(exit.node), MESSAGE_TEXT),
        release: description.release,
        anchor: description.anchor,
        resource: description.resource ?? 'resource',
      },
      // The fix closes every exit of the acquire, and building it costs the size of the function: offer it once,
      // on the first exit, rather than once per exit.
      // A release already in a \`finally\` needs no try/finally around the work: that fix would change nothing.
      suggest: own
        ? [{ messageId: own.messageId as SuggestionId, data: own.data ?? {}, fix: own.fix }]
        : fix && index === fixAt && !inFinally
          ? [{ messageId: fix.messageId, data: { release: description.release }, fix: fix.fix }]
          : [],
    });
    }
  }
}
