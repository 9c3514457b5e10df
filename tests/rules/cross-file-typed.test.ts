/**
 * Summaries of helpers: a same-file helper handed a span may end it (the OpenTelemetry API forbids `end()` to throw),
 * and, typed, a helper of another source file (fixture/helpers.ts) may call string methods on a `string` parameter.
 */
import rule from '../../rules/require-release.js';
import { typedTester, untypedTester } from './tester.js';

const SET_PARENT = `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('svc');
export function handle(root: any, onStop: (fn: () => void) => void) {
  function setParent(span: any) {
    if (span.ended) return;
    if (root.ended) return void span.end();
    trace.setSpan(context.active(), span);
  }
  const span = tracer.startSpan('Handle');
  setParent(span);
  onStop(() => span.end());
}`;

untypedTester.run('require-release (untyped, a helper that may end the span)', rule, { valid: [{ code: SET_PARENT }], invalid: [] });
typedTester.run('require-release (typed, a helper that may end the span)', rule, { valid: [{ code: SET_PARENT }], invalid: [] });

typedTester.run('require-release (typed, string methods in another file)', rule, {
  valid: [
    {
      code: `import { trace } from '@opentelemetry/api';
import { routeOf } from './helpers.js';
const tracer = trace.getTracer('svc');
export function call(path: string) {
  const span = tracer.startSpan('call');
  const route = routeOf(path);
  span.setAttribute('service', route.service ?? '');
  span.end();
}`,
    },
  ],
  invalid: [],
});
