/** One measured number. `baseline` is measured in the same run, on the same machine. */
export interface BenchRow {
  suite: string
  name: string
  value: number
  unit: string
  baseline?: { name: string; value: number }
  /** The goal in words ("≥ 50% of bare"), and whether this run met it. Informational: never asserted in tests. */
  goal?: string
  goalMet?: boolean
  note?: string
}

/** A `bench/<suite>.bench.ts` module's default export. */
export type BenchSuite = () => Promise<BenchRow[]>
