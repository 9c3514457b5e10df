import { kind, type Pair } from './pair.js';

/** OpenTelemetry: a span from startSpan(), or the one startActiveSpan() hands its callback, must end on every path. */
export const opentelemetry: readonly Pair[] = [
    {
      preset: 'opentelemetry',
      packages: ['@opentelemetry/api'],
      resource: 'span',
      methods: new Set(['startSpan']),
      types: [{ from: 'package', package: '@opentelemetry/api', name: 'Tracer' }],
      typeNames: new Set(),
      receiverNames: /(?:tracer|Tracer)$/,
      receiverFactories: new Set(['getTracer']),
      kind: kind('opentelemetry', {
        acquireNeverThrows: true,
        handleReleases: new Set(['end']),
        // The OpenTelemetry specification forbids the API to throw: a span's methods never leave it open by throwing.
        nonThrowingHandleMethods: new Set([
          'end',
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
        // A span that is not recording is a NonRecordingSpan (or already ended): its end() does nothing.
        nothingOwedWhenFalse: new Set(['isRecording']),
        describeRelease: (_r, h) => h && `${h}.end()`,
      }),
      callbackMethods: new Set(['startActiveSpan']),
    },
  ];
