/**
 * `npm run bench [-- <suite> ...]`: runs every `bench/*.bench.ts` (or the named suites), prints one
 * table and writes bench/results.json. Each suite measures its baseline in the same run
 * (bare node, bare http server, ...) so numbers compare on this machine, today.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { cpus } from 'node:os'
import type { BenchRow, BenchSuite } from './bench-row'

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort()

const rows: BenchRow[] = []
const failures: Array<{ suite: string; error: string }> = []
/** Suites that ran only some of their parts (e.g. CONSOLE_UI_BENCH_ONLY): printed, not recorded. */
const partial = new Set<string>()
let partialFailed = false
for (const file of files) {
  const suite = file.replace(/\.bench\.ts$/, '')
  process.stderr.write(`bench: ${suite} …\n`)
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as {
      default: BenchSuite
      isPartialRun?: () => boolean
    }
    if (mod.isPartialRun?.()) partial.add(suite)
    rows.push(...(await mod.default()))
  } catch (error) {
    // A partial run's failure is printed, not recorded: the file holds full runs only.
    if (partial.has(suite)) partialFailed = true
    else failures.push({ suite, error: (error as Error).stack ?? String(error) })
    process.stderr.write(`bench: ${suite} failed: ${(error as Error).message}\n`)
  }
}

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3)
const table = rows.map((r) => ({
  suite: r.suite,
  measure: r.name,
  value: `${fmt(r.value)} ${r.unit}`,
  baseline: r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
  goal: r.goal ? `${r.goal} ${r.goalMet === undefined ? '' : r.goalMet ? '✓' : '✗'}` : '',
}))
const cols = ['suite', 'measure', 'value', 'baseline', 'goal'] as const
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))]))
const line = (t: Record<string, string>) => cols.map((c) => t[c]!.padEnd(width[c]!)).join(' | ')
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))))
console.log(cols.map((c) => '-'.repeat(width[c]!)).join('-|-'))
for (const t of table) console.log(line(t))

// `npm run bench -- <suite>` replaces that suite's rows only: the other suites' last rows stay,
// each with the time it was measured (`suitesMeasuredAt`). A suite that failed keeps its last rows
// and their time (its failure is recorded beside them), so a broken run never wipes measurements.
const measuredAt = new Date().toISOString()
// A partial run's rows would replace the suite's full set: the file keeps that suite as it was.
const failed = new Set(failures.map((f) => f.suite))
const ran = new Set(
  files.map((f) => f.replace(/\.bench\.ts$/, '')).filter((s) => !failed.has(s) && !partial.has(s)),
)
let previous: {
  measuredAt?: string
  suitesMeasuredAt?: Record<string, string>
  rows?: BenchRow[]
  failures?: typeof failures
} = {}
try {
  previous = JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) as typeof previous
} catch {
  // no earlier results
}
const keptRows = (previous.rows ?? []).filter((r) => !ran.has(r.suite))
const suitesMeasuredAt: Record<string, string> = {}
for (const r of keptRows)
  suitesMeasuredAt[r.suite] ??= previous.suitesMeasuredAt?.[r.suite] ?? previous.measuredAt ?? 'unknown'
for (const suite of ran) suitesMeasuredAt[suite] = measuredAt
// Nothing recorded when every suite run was partial (and none failed): the file stays as it was.
if (ran.size > 0 || failures.length > 0) {
  writeFileSync(
    join(here, 'results.json'),
    JSON.stringify(
      {
        measuredAt,
        suitesMeasuredAt,
        machine: { cpus: cpus().length, node: process.version },
        rows: [...keptRows, ...rows.filter((r) => !partial.has(r.suite))],
        failures: [
          ...(previous.failures ?? []).filter((f) => !ran.has(f.suite) && !failed.has(f.suite)),
          ...failures,
        ],
      },
      null,
      2,
    ) + '\n',
  )
  console.log(
    `\nwrote bench/results.json (${rows.filter((r) => !partial.has(r.suite)).length} rows${failures.length ? `, ${failures.length} suites failed` : ''})`,
  )
}
if (partial.size) {
  // The notes (per-screen medians, runs) are what one iterates on; a full run keeps them in the file.
  for (const r of rows.filter((row) => partial.has(row.suite))) console.log(`\n${r.name}: ${r.note ?? ''}`)
  console.log(
    `\npartial run of ${[...partial].join(', ')}: printed above, bench/results.json keeps its last full run`,
  )
}
if (failures.length || partialFailed) process.exitCode = 1
