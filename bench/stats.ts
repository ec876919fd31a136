/** Percentiles and ratios for benchmark samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

interface Row {
  name: string;
  samples: number[];
}

export function printComparison(title: string, subject: Row, baselines: Row[]): void {
  console.log(`\n${title}`);
  const rows = [subject, ...baselines];
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(width)}  p50 ${percentile(row.samples, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(row.samples, 99).toFixed(2).padStart(7)} ms   (n=${row.samples.length})`,
    );
  }
  for (const baseline of baselines) {
    const p50 = percentile(subject.samples, 50) / percentile(baseline.samples, 50);
    const p99 = percentile(subject.samples, 99) / percentile(baseline.samples, 99);
    console.log(`  ratio to ${baseline.name}: p50 ${p50.toFixed(2)}, p99 ${p99.toFixed(2)}`);
  }
}

/** Rows side by side, each one's p50 and its ratio to the first row's p50. */
export function printBreakdown(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  const base = percentile(rows[0]!.samples, 50);
  for (const row of rows) {
    const p50 = percentile(row.samples, 50);
    console.log(
      `  ${row.name.padEnd(width)}  p50 ${p50.toFixed(2).padStart(7)} ms   ${(p50 / base).toFixed(2)}x`,
    );
  }
}

export async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}
