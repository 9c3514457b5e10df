// Small numeric helpers shared by the benchmarks.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ms(value) {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function ratio(a, b) {
  if (!b) return '—';
  const r = a / b;
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toFixed(3)}×`;
}

export function pct(part, whole) {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : '—';
}

/** Renders rows of cells as an aligned text table (first column left-aligned, the rest right-aligned). */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd(),
  );
}

/** Runs the garbage collector when node was started with --expose-gc, so one run's garbage is not billed to the next. */
export function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}
