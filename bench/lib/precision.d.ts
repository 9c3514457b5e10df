// Types of precision.js, for tests/bench/real-world-verdicts.test.ts (the benchmarks themselves are plain JS).

export interface Report {
  package: string;
  file: string;
  line: number;
  column?: number;
  rule: string;
  message?: string;
}

export interface Verdict {
  package: string;
  file: string;
  line: number;
  rule: string;
  verdict: boolean;
  why: string;
  cause?: string;
  modes?: string[];
}

export type Status = 'true' | 'false' | 'unread';

export interface Classified extends Report {
  key: string;
  preset: string | undefined;
  status: Status;
  cause: string | undefined;
}

export interface PrecisionRow {
  group: string;
  reports: number;
  true: number;
  false: number;
  unread: number;
  precision: number | undefined;
}

export const CAUSES: Record<string, string>;
export const MODES: readonly ['typed', 'untyped'];
export function presetOf(report: Report): string | undefined;
export function reportKey(entry: Pick<Report, 'package' | 'file' | 'line' | 'rule'>): string;
export function indexVerdicts(file: { verdicts: unknown[] } | unknown[]): { byKey: Map<string, Verdict>; problems: string[] };
export function classify(reports: Report[], byKey: Map<string, Verdict>): Classified[];
export function precisionRows(
  classified: Classified[],
  groupOf: (report: Classified) => string | undefined,
  always?: string[],
): PrecisionRow[];
export function precision(row: { true: number; false: number }): number | undefined;
export function formatPrecision(value: number | undefined): string;
export function lostTrue(byKey: Map<string, Verdict>, classified: Classified[], mode: string): Verdict[];
export function falseByCause(
  classifiedByMode: Record<string, Classified[]>,
): { cause: string; typed: number; untyped: number; distinct: number }[];
export function staleVerdicts(byKey: Map<string, Verdict>, classifiedByMode: Record<string, Classified[]>): Verdict[];
