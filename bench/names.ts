/** Benchmarks `npm run bench -- NAME` runs, in the order `all` runs them. */
export const BENCHMARK_NAMES = ['import-quota', 'fairness', 'two-workers', 'push-calls'] as const;
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

export type BenchmarkSelection = { ok: true; names: BenchmarkName[] } | { ok: false; message: string };

/** Reads the benchmark names from the command arguments: one name, several, or `all`. */
export function selectBenchmarks(args: readonly string[]): BenchmarkSelection {
  const usage = `Usage: npm run bench -- NAME [NAME ...], where NAME is one of ${BENCHMARK_NAMES.join(', ')}, or all.`;
  if (args.length === 0) return { ok: false, message: `No benchmark named. ${usage}` };
  if (args.includes('all')) {
    if (args.length > 1) return { ok: false, message: `"all" cannot be combined with other names. ${usage}` };
    return { ok: true, names: [...BENCHMARK_NAMES] };
  }
  const unknown = args.filter((arg) => !(BENCHMARK_NAMES as readonly string[]).includes(arg));
  if (unknown.length > 0) return { ok: false, message: `Unknown benchmark ${unknown.map((name) => `"${name}"`).join(', ')}. ${usage}` };
  return { ok: true, names: [...new Set(args)] as BenchmarkName[] };
}
