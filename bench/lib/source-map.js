// Maps a position in the built plugin (dist/**/*.js) back to its TypeScript source through tsc's .js.map files, so
// profiles name src/analysis/handles.ts:23 rather than dist/src/analysis/handles.js:19.
import fs from 'node:fs';
import path from 'node:path';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, i) => [char, i]));

/** Decodes one segment's base64 VLQ fields. */
function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Per generated line: [generatedColumn, sourceIndex, sourceLine, sourceColumn][] (all 0-based). */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments = [];
    let column = 0;
    if (lineText) {
      for (const segmentText of lineText.split(',')) {
        const fields = decodeSegment(segmentText);
        column += fields[0];
        if (fields.length >= 4) {
          source += fields[1];
          sourceLine += fields[2];
          sourceColumn += fields[3];
          segments.push([column, source, sourceLine, sourceColumn]);
        }
      }
    }
    lines.push(segments);
  }
  return lines;
}

const cache = new Map();

function load(file) {
  if (cache.has(file)) return cache.get(file);
  let map;
  try {
    const raw = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8'));
    const root = path.resolve(path.dirname(file), raw.sourceRoot ?? '');
    map = { sources: raw.sources.map((source) => path.resolve(root, source)), lines: decodeMappings(raw.mappings) };
  } catch {
    map = undefined;
  }
  cache.set(file, map);
  return map;
}

/** The source file and 1-based line of a 0-based position in a built file, or undefined without a map. */
export function originalPosition(file, line, column) {
  const map = load(file);
  const segments = map?.lines[line];
  if (!segments || segments.length === 0) return undefined;
  let best = segments[0];
  for (const segment of segments) {
    if (segment[0] <= column) best = segment;
    else break;
  }
  return { source: map.sources[best[1]], line: best[2] + 1 };
}
