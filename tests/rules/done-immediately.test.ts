import rule from '../../rules/done-immediately.js';
import { invalidWithQueuePrelude, typedTester, untypedTester, validWithQueuePrelude } from './tester.js';

const valid = [
  // The try begins right after the shutdown check.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    log(item);
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // No try at all is require-done's business, not this rule's.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  log(item);
  q.done(item);
}`,
  // Several shutdown checks before the try are fine.
  `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  if (item === undefined) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  // Taking the item in steps is still taking it: the test of what the get gave, its destructuring into names, and
  // the shutdown check that leaves.
  `
async function worker() {
  const r = await q.get();
  if (!r) return;
  const [item, shutdown] = r;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
  `
async function worker() {
  const r = await q.get();
  if (r === undefined) return;
  const { 0: item, 1: shutdown } = r;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
];

const invalid = [
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const started = Date.now();
  try {
    await work([item, started]);
  } finally {
    q.done(item);
  }
}`,
    errors: [
      {
        messageId: 'doneNotImmediate' as const,
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 30,
        data: { release: 'q.done(item)', acquire: 'q.get()', acquireLine: 3, count: 1 },
        suggestions: [
          {
            messageId: 'moveIntoTry' as const,
            output: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  try {
    const started = Date.now();
    await work([item, started]);
  } finally {
    q.done(item);
  }
}`,
          },
        ],
      },
    ],
  },
  // After the steps of taking the item, a statement of work before the try is reported, alone.
  {
    code: `
async function worker() {
  const r = await q.get();
  if (!r) return;
  const [item, shutdown] = r;
  if (shutdown) return;
  const started = Date.now();
  try {
    await work([item, started]);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'doneNotImmediate' as const, line: 7, column: 3, endLine: 7, endColumn: 30, data: { release: 'q.done(item)', acquire: 'q.get()', acquireLine: 3, count: 1 }, suggestions: [{ messageId: 'moveIntoTry' as const, output: `
async function worker() {
  const r = await q.get();
  if (!r) return;
  const [item, shutdown] = r;
  if (shutdown) return;
  try {
    const started = Date.now();
    await work([item, started]);
  } finally {
    q.done(item);
  }
}` }] }],
  },
  // A destructuring default runs code of its own: it is work, not taking the item.
  {
    code: `
async function worker() {
  const r = await q.get();
  const [item = log('none'), shutdown] = r;
  if (shutdown) return;
  try {
    await work(item);
  } finally {
    q.done(item);
  }
}`,
    errors: [{ messageId: 'doneNotImmediate' as const, line: 4, column: 3, endLine: 5, endColumn: 24, data: { release: 'q.done(item)', acquire: 'q.get()', acquireLine: 3, count: 2 } }],
  },
  // A moved declaration used after the try: reported, but no suggestion.
  {
    code: `
async function worker() {
  const [item, shutdown] = await q.get();
  if (shutdown) return;
  const label = item.toUpperCase();
  try {
    await work(label);
  } finally {
    q.done(item);
  }
  log(label);
}`,
    errors: [{ messageId: 'doneNotImmediate' as const, line: 5, column: 3, suggestions: [] }],
  },
];

typedTester.run('done-immediately (typed)', rule, {
  valid: valid.map(validWithQueuePrelude),
  invalid: invalid.map(invalidWithQueuePrelude),
});

untypedTester.run('done-immediately (untyped)', rule, { valid, invalid });
