// Types of known-leaks.js, for tests/bench/known-leaks.test.ts (the benchmarks themselves are plain JS).
import type { Classified, Report, Verdict } from './precision.js';

export interface KnownLeak {
  id: string;
  package: string;
  version: string;
  file: string;
  acquire: number | number[];
  exits?: number | number[];
  rule: string;
  fixedIn: { version: string; url: string };
  what: string;
  path: string;
  why: string;
}

export interface KnownClassified extends Classified {
  leak?: string;
}

export function packageId(name: string, version: string): string;
export function leakLines(leak: Pick<KnownLeak, 'acquire' | 'exits'>): number[];
export function checkKnownLeaks(file: unknown): string[];
export function reportHitsLeak(report: Report, leak: KnownLeak): boolean;
export function matchKnownLeaks(leaks: KnownLeak[], reports: Report[]): { leak: KnownLeak; found: boolean; hits: Report[] }[];
export function classifyKnown(reports: Report[], leaks: KnownLeak[], byKey: Map<string, Verdict>): KnownClassified[];
export function recall(matches: { found: boolean }[]): { found: number; total: number; recall: number | undefined };
export function splitVerdicts(byKey: Map<string, Verdict>, ids: Set<string>): { inside: Map<string, Verdict>; outside: Map<string, Verdict> };
