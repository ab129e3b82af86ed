export function median(values: number[]): number {
  return percentile(values, 0.5);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = (sorted.length - 1) * p;
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}

export function printTable(title: string, rows: Array<{ name: string; median: number; p90: number }>): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows)
    console.log(
      `  ${row.name.padEnd(width)}  median ${row.median.toFixed(1).padStart(8)}  p90 ${row.p90.toFixed(1).padStart(8)}`,
    );
}
