/**
 * Console UI suite (electron+e2e): the renderer in Debian Chromium against a real `serve`.
 *  - the Jobs list's page queries (first page, Failed filter, a search, a deep cursor page) on a
 *    store of 100,000 jobs, beside the same queries on 300 jobs (in-process, the SQLite the
 *    console reads);
 *  - time to first render of the Jobs screen with 100,000 jobs in the store (navigation → first job
 *    row visible), beside the same path on an empty store (→ "No jobs" visible);
 *  - frame time (requestAnimationFrame deltas in the page) while 20 sandboxed jobs stream log
 *    lines, on the Jobs screen and on one job's page with its live log, beside the idle frame time
 *    of the Jobs screen just before.
 *  - route change p95: a main-navigation click → the screen's heading, through every screen of the
 *    main navigation 4 times, 100,000 jobs vs empty.
 *  - a 50 MB algorithm log on the job page (a sandboxed job prints it, then follows at 200 lines/s):
 *    route → first lines visible, a search → its first match shown, frame time p95 while it follows,
 *    each beside the same on a job with a 1,000-line log streaming at the same rate;
 *  - renderer JS heap (CDP Performance.getMetrics) sampled while a 256 MiB result downloads through
 *    the browser path (the job page's Download button), beside the same page idle as long.
 * Both baselines are measured in this run, on this machine. Nothing here is asserted.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium, type Browser, type Page } from '@playwright/test'
import { openDatabase } from '../engine/store/database'
import { JobsRepo } from '../engine/store/jobs-repo'
import { startServe, type ServeInstance } from '../e2e/fixtures/start-serve'
import { insertFinishedJob, seedFinishedJobs } from '../e2e/fixtures/seed-jobs'
import { countingAlgorithm, operatorJobs } from '../e2e/fixtures/operator-jobs'
import type { BenchRow } from './bench-row'

const SUITE = 'console-ui'
const SEEDED_JOBS = 100_000
const SMALL_STORE_JOBS = 300
const QUERY_RUNS = 50
const STREAMING_JOBS = 20
const RENDER_RUNS = 9
const FRAME_SAMPLE_MS = 5_000
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!

/** Median ms of each Jobs-list page query (as service.listJobs asks the store) on `dataDir`'s store. */
function timeListQueries(dataDir: string): Record<string, number> {
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const repo = new JobsRepo(db)
  const time = (query: Parameters<JobsRepo['listIds']>[0]) => {
    const runs: number[] = []
    for (let i = 0; i < QUERY_RUNS; i++) {
      const t0 = performance.now()
      repo.listIds(query)
      repo.count({ ...query, after: undefined }) // the total listJobs answers: the whole filter
      runs.push(performance.now() - t0)
    }
    return median(runs)
  }
  const middle = repo.listIds({ limit: 1, offset: Math.floor(repo.count({}) / 2) })[0] ?? ''
  const at = (repo.get(middle) as { createdAtMs?: number } | undefined)?.createdAtMs ?? 0
  try {
    return {
      'first page (200, newest first) + total': time({ limit: 200 }),
      'Failed filter page + count': time({ limit: 200, statuses: [70], outcome: 'failed' }),
      'search "seed-0001" page + count': time({ limit: 200, searchTerms: ['seed-0001'] }),
      'cursor page from the middle of the list': time({
        limit: 200,
        after: { createdAtMs: at, jobId: middle },
      }),
    }
  } finally {
    db.close()
  }
}

/**
 * What "the list's first paint" is on each store: the first job row's link, or the empty state.
 * Both appear in the same render (the first page's answer), so they time the same thing.
 */
const FIRST_ROW = 'main [role="table"] a[aria-label^="Open job "]'
const EMPTY_LIST = 'main section.empty-state[aria-label="No jobs"]'

/**
 * ms from navigation to the Jobs screen's first row (or its empty state) painted: timed in the page
 * (performance.now(), from the navigation's start) at the frame after the element is in the DOM,
 * seen by a MutationObserver installed before the app loads, so Playwright's polling interval is
 * not part of either number. Sent as source text (see frameDeltas).
 */
async function timeJobsScreen(browser: Browser, serve: ServeInstance, expectRows: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    await page.addInitScript(`(() => {
      const selector = ${JSON.stringify(expectRows ? FIRST_ROW : EMPTY_LIST)}
      const observer = new MutationObserver(() => {
        if (!document.querySelector(selector)) return
        observer.disconnect()
        requestAnimationFrame(() => { window.__firstListPaintMs = performance.now() })
      })
      observer.observe(document, { childList: true, subtree: true })
    })()`)
    await page.goto(serve.consoleUrl)
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Jobs', exact: true })
      .click()
    await page
      .locator(expectRows ? FIRST_ROW : EMPTY_LIST)
      .first()
      .waitFor({ timeout: 120_000 })
    for (;;) {
      const ms = (await page.evaluate('window.__firstListPaintMs')) as number | undefined
      if (ms !== undefined) return ms
      await new Promise((r) => setTimeout(r, 10))
    }
  } finally {
    await context.close()
  }
}

/**
 * Every main-navigation screen (NAV_ITEMS in renderer/app-shell/routes.tsx, Overview last: the page
 * opens on it): the sidebar link's label and the screen's h2, where the two differ.
 */
const ROUTE_SCREENS = [
  { link: 'Compute backend', heading: 'Compute backend' },
  { link: 'Assets', heading: 'Assets' },
  { link: 'Jobs', heading: 'Jobs' },
  { link: 'Inbox', heading: 'Approval inbox' },
  { link: 'Review', heading: 'Output review' },
  { link: 'Policies', heading: 'Policies' },
  { link: 'Audit', heading: 'Audit trail' },
  { link: 'Settings', heading: 'Settings' },
  { link: 'Overview', heading: 'Overview' },
] as const
const ROUTE_ROUNDS = 4
const ROUTE_PASSES = 2

/**
 * ms per route change, timed in the page: a click on a main-navigation link → that screen's heading
 * in the DOM and a frame painted (its data may still be loading), through every screen
 * ROUTE_ROUNDS times after one warm-up round, each once the previous screen has settled.
 * Sent as source text (see frameDeltas).
 */
async function timeRouteChanges(
  browser: Browser,
  serve: ServeInstance,
): Promise<{ all: number[]; byScreen: Record<string, number[]> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  try {
    await page.goto(serve.consoleUrl)
    await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor()
    const all: number[] = []
    const byScreen: Record<string, number[]> = {}
    for (let round = 0; round <= ROUTE_ROUNDS; round++)
      for (const screen of ROUTE_SCREENS) {
        const ms = (await page.evaluate(`(async () => {
          const name = ${JSON.stringify(screen.link)}
          const heading = ${JSON.stringify(screen.heading)}
          const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.trim() === name)
          if (!link) throw new Error('no main-navigation link "' + name + '"')
          const t0 = performance.now()
          link.click()
          await new Promise((resolve, reject) => {
            const tick = () => {
              const h = [...document.querySelectorAll('main h2')].find((h) => h.textContent.trim() === heading)
              if (h) requestAnimationFrame(() => resolve())
              else if (performance.now() - t0 > 10000)
                reject(new Error('no heading "' + heading + '" 10 s after clicking "' + name + '"'))
              else requestAnimationFrame(tick)
            }
            tick()
          })
          return performance.now() - t0
        })()`)) as number
        await page.waitForLoadState('networkidle').catch(() => undefined)
        if (round === 0) continue
        all.push(ms)
        ;(byScreen[screen.link] ??= []).push(ms)
      }
    return { all, byScreen }
  } finally {
    await context.close()
  }
}

/**
 * requestAnimationFrame deltas (ms) collected in the page for `durationMs`. Sent as source text:
 * tsx's transform would wrap a function's inner closures in a helper the page does not have.
 */
async function frameDeltas(page: Page, durationMs: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const deltas = []
    let last = performance.now()
    const end = last + ${Number(durationMs)}
    const tick = (now) => {
      deltas.push(now - last)
      last = now
      if (now < end) requestAnimationFrame(tick)
      else resolve(deltas.slice(1))
    }
    requestAnimationFrame(tick)
  })`) as Promise<number[]>
}

const BIG_LOG_LINES = 500_000 // ~103 bytes each: ~51 MB
const SMALL_LOG_LINES = 1_000
const FOLLOW_INTERVAL_MS = 5 // 200 lines/s
const LOG_RUNS = 3
const RESULT_BYTES = 256 * 1_048_576
/** The marker line after the bulk: what the search looks for. */
const SEARCH_NEEDLE = 'needle-end-of-bulk'

/** Prints `bulkLines` lines as fast as it can, a marker line, then one line every 5 ms. */
function bigLogAlgorithm(bulkLines: number): string {
  return [
    "const pad = 'x'.repeat(90)",
    "let s = ''",
    'for (let i = 1; i <= ' + bulkLines + '; i++) {',
    "  s += 'bulk ' + i + ' ' + pad + '\\n'",
    '  if (s.length > 1048576) { process.stdout.write(s); s = "" }',
    '}',
    `process.stdout.write(s + '${SEARCH_NEEDLE}\\n')`,
    'let n = 0',
    "setInterval(() => { n++; console.log('follow ' + n) }, " + FOLLOW_INTERVAL_MS + ')',
  ].join('\n')
}

/** The algorithm.log being written for `jobId` under `dataDir` (undefined until it exists). */
function findAlgorithmLog(dir: string, jobId: string, depth = 0): string | undefined {
  if (depth > 6) return undefined
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return undefined
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue
    const path = join(dir, e.name)
    if (e.name.includes(jobId)) {
      const log = join(path, 'results', 'algorithm.log')
      try {
        statSync(log)
        return log
      } catch {
        return undefined
      }
    }
    const found = findAlgorithmLog(path, jobId, depth + 1)
    if (found) return found
  }
  return undefined
}

async function openJobPage(
  browser: Browser,
  serve: ServeInstance,
  jobId: string,
): Promise<{ page: Page; close: () => Promise<void>; firstLinesMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await page.goto(serve.consoleUrl)
  await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor()
  const t0 = performance.now()
  await page.evaluate(`location.hash = ${JSON.stringify('#/jobs/' + encodeURIComponent(jobId))}`)
  await page
    .getByRole('log', { name: 'Algorithm log' })
    .locator('.log-line')
    .first()
    .waitFor({ timeout: 180_000 })
  return { page, close: () => context.close(), firstLinesMs: performance.now() - t0 }
}

/**
 * ms from typing a search → the first matching line shown (the marker line, after the bulk), timed
 * in the page as the first row and route changes are: performance.now() at the search box's input
 * event (Playwright's fill) to the frame after a line holding the needle is in the log's DOM, seen
 * by a MutationObserver on the log, so Playwright's polling interval is not part of the number.
 * It includes the box's 150 ms debounce. Sent as source text (see frameDeltas).
 */
async function timeLogSearch(page: Page): Promise<number> {
  await page.evaluate(`(() => {
    const needle = ${JSON.stringify(SEARCH_NEEDLE)}
    const label = [...document.querySelectorAll('label')].find(
      (l) => l.textContent.trim() === 'Search the algorithm log',
    )
    const input = label && document.getElementById(label.htmlFor)
    const log = document.querySelector('[role="log"][aria-label="Algorithm log"]')
    if (!input || !log) throw new Error('no algorithm log or no search box on the job page')
    // Already on screen (the tail shown holds it): the figure would be no search at all.
    if (log.textContent.includes(needle)) throw new Error('the log shows "' + needle + '" before the search')
    // Settled with the ms; awaited by the next evaluate (no polling, and no eval, which the CSP refuses).
    window.__logSearch = new Promise((resolve) => {
      let t0
      input.addEventListener('input', () => { t0 = performance.now() }, { once: true, capture: true })
      const observer = new MutationObserver(() => {
        if (t0 === undefined || !log.textContent.includes(needle)) return
        observer.disconnect()
        requestAnimationFrame(() => resolve(performance.now() - t0))
      })
      observer.observe(log, { childList: true, subtree: true, characterData: true })
    })
  })()`)
  await page.getByLabel('Search the algorithm log').fill(SEARCH_NEEDLE)
  const ms = (await page.evaluate(`Promise.race([
    window.__logSearch,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no match shown 120 s after the search')), 120000)),
  ])`)) as number
  await page.getByLabel('Search the algorithm log').fill('')
  return ms
}

/** A 50 MB log vs a 1,000-line log on the job page: first lines, search, frame time while following. */
export async function bigLogRows(browser: Browser): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-console-ui-biglog-'))
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      environments: [
        {
          id: 'bench',
          cpu: { total: 8, max: 1, min: 0 },
          ramGb: { total: 8, max: 1, min: 0 },
          diskGb: { total: 8, max: 1, min: 0 },
          maxJobs: 2,
          free: { maxJobs: 2, maxJobsPerConsumer: 2, maxJobDurationSec: 900 },
        },
      ],
    }),
  )
  const serve = await startServe({ dataDir: dir })
  try {
    const jobs = operatorJobs(serve)
    const big = await jobs.startRawCodeJob(bigLogAlgorithm(BIG_LOG_LINES), { maxJobDurationSec: 900 })
    const small = await jobs.startRawCodeJob(bigLogAlgorithm(SMALL_LOG_LINES), { maxJobDurationSec: 900 })
    // Wait until both logs hold their bulk (the big one ~51 MB) and both follow.
    const deadline = Date.now() + 300_000
    let bigBytes = 0
    for (;;) {
      const bigLog = findAlgorithmLog(dir, big)
      const smallLog = findAlgorithmLog(dir, small)
      bigBytes = bigLog ? statSync(bigLog).size : 0
      const smallBytes = smallLog ? statSync(smallLog).size : 0
      if (bigBytes > BIG_LOG_LINES * 100 && smallBytes > SMALL_LOG_LINES * 100) break
      if (Date.now() > deadline || (await jobs.status(big)) > 40)
        throw new Error(
          `the 50 MB log job did not get there (${bigBytes} bytes, status ${await jobs.status(big)})`,
        )
      await new Promise((r) => setTimeout(r, 500))
    }
    const bigFirst: number[] = []
    const smallFirst: number[] = []
    const bigSearch: number[] = []
    const smallSearch: number[] = []
    let bigFrames: number[] = []
    let smallFrames: number[] = []
    let bigHeapMb = 0
    let smallHeapMb = 0
    for (let run = 0; run < LOG_RUNS; run++) {
      for (const [id, first, search] of [
        [small, smallFirst, smallSearch],
        [big, bigFirst, bigSearch],
      ] as const) {
        const opened = await openJobPage(browser, serve, id)
        try {
          first.push(opened.firstLinesMs)
          search.push(await timeLogSearch(opened.page))
          if (run === LOG_RUNS - 1) {
            // A jump to a match pauses follow; follow again for the frame sample.
            const follow = opened.page.getByRole('switch', { name: 'Follow new lines' })
            if (!(await follow.isChecked())) await follow.check({ force: true })
            const frames = await frameDeltas(opened.page, FRAME_SAMPLE_MS)
            // The heap with the log open and followed, after a GC (what the page keeps, not garbage).
            const cdp = await opened.page.context().newCDPSession(opened.page)
            await cdp.send('HeapProfiler.collectGarbage')
            await cdp.send('Performance.enable')
            const { metrics } = await cdp.send('Performance.getMetrics')
            const heapMb = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1_048_576
            if (id === big) {
              bigFrames = frames
              bigHeapMb = heapMb
            } else {
              smallFrames = frames
              smallHeapMb = heapMb
            }
          }
        } finally {
          await opened.close()
        }
      }
    }
    const sizeMb = (bigBytes / 1_000_000).toFixed(0)
    return [
      {
        suite: SUITE,
        name: `job page, ${sizeMb} MB algorithm log: route → first lines visible (median of ${LOG_RUNS})`,
        value: median(bigFirst),
        unit: 'ms',
        baseline: {
          name: `same, ${SMALL_LOG_LINES.toLocaleString('en')}-line log`,
          value: median(smallFirst),
        },
        note: `runs ${bigFirst.map((v) => v.toFixed(0)).join(', ')} ms (small: ${smallFirst.map((v) => v.toFixed(0)).join(', ')}); windowed viewer: the line counts, then the 500-line pages on screen (readJobLogLines over the engine's line index)`,
      },
      {
        suite: SUITE,
        name: `job page, ${sizeMb} MB algorithm log: search → first match shown (median of ${LOG_RUNS})`,
        value: median(bigSearch),
        unit: 'ms',
        baseline: {
          name: `same, ${SMALL_LOG_LINES.toLocaleString('en')}-line log`,
          value: median(smallSearch),
        },
        note: `runs ${bigSearch.map((v) => v.toFixed(0)).join(', ')} ms (small: ${smallSearch.map((v) => v.toFixed(0)).join(', ')}); engine-side searchJobLog, then the jump to the match; timed in the page from the search box's input event to the frame after the matching line is in the DOM, so it includes the 150 ms input debounce (not Playwright's polling)`,
      },
      {
        suite: SUITE,
        name: `renderer JS heap, job page with the ${sizeMb} MB algorithm log open and following`,
        value: Number(bigHeapMb.toFixed(1)),
        unit: 'MB',
        baseline: {
          name: `same, ${SMALL_LOG_LINES.toLocaleString('en')}-line log`,
          value: Number(smallHeapMb.toFixed(1)),
        },
        note: 'JSHeapUsedSize after a forced GC (CDP), after the search runs and the frame sample; the viewer holds the pages near the viewport only',
      },
      {
        suite: SUITE,
        name: `frame time p95, job page following a ${sizeMb} MB log at 200 lines/s`,
        value: percentile(bigFrames, 95),
        unit: 'ms',
        baseline: {
          name: `same, ${SMALL_LOG_LINES.toLocaleString('en')}-line log at 200 lines/s`,
          value: percentile(smallFrames, 95),
        },
        goal: '≤ 33 ms (30 fps)',
        goalMet: percentile(bigFrames, 95) <= 33,
        note: `median ${median(bigFrames).toFixed(1)} ms over ${bigFrames.length} frames (small: median ${median(smallFrames).toFixed(1)} ms, ${smallFrames.length} frames)`,
      },
    ]
  } finally {
    await serve.stop()
  }
}

/** One finished job whose result is a 256 MiB file in its job folder (sparse: read as zeros). */
function seedBigResultJob(dataDir: string): string {
  const jobId = `bench-bigresult-${'0'.repeat(20)}`
  const jobDir = join(dataDir, 'bench-jobs', jobId)
  mkdirSync(join(jobDir, 'results'), { recursive: true })
  const file = join(jobDir, 'results', 'outputs.tar')
  writeFileSync(file, '')
  truncateSync(file, RESULT_BYTES)
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const repo = new JobsRepo(db)
  insertFinishedJob(repo, {
    jobId,
    owner: `0x${'c1'.padStart(40, '0')}`,
    datasetDid: 'did:op:' + 'a'.repeat(64),
    outcome: 'succeeded',
    createdAtMs: Date.now() - 60_000,
    resultBytes: RESULT_BYTES,
    jobDir,
  })
  db.close()
  return jobId
}

/** Renderer JS heap (MB) every 100 ms, until `until` settles. */
async function sampleHeap(page: Page, until: Promise<unknown>): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const samples: number[] = []
  let done = false
  void until.finally(() => (done = true))
  while (!done) {
    const { metrics } = await cdp.send('Performance.getMetrics')
    samples.push((metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1_048_576)
    await new Promise((r) => setTimeout(r, 100))
  }
  await cdp.detach()
  return samples
}

/** Renderer memory while a 256 MiB result downloads through the browser path vs the page idle. */
export async function resultDownloadRows(browser: Browser): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-console-ui-result-'))
  const jobId = seedBigResultJob(dir)
  const serve = await startServe({ dataDir: dir })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  try {
    const page = await context.newPage()
    await page.goto(serve.consoleUrl)
    await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor()
    await page.evaluate(`location.hash = ${JSON.stringify('#/jobs/' + encodeURIComponent(jobId))}`)
    const button = page.getByRole('button', { name: 'Download outputs.tar' })
    await button.waitFor()
    const t0 = performance.now()
    const downloaded = (async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 300_000 }),
        button.click(),
      ])
      const path = await download.path()
      return statSync(path).size
    })()
    const during = await sampleHeap(page, downloaded)
    const downloadMs = performance.now() - t0
    const bytes = await downloaded
    const idle = await sampleHeap(page, new Promise((r) => setTimeout(r, Math.max(2_000, downloadMs))))
    const max = (xs: number[]) => Math.max(...xs)
    return [
      {
        suite: SUITE,
        name: 'renderer JS heap peak while a 256 MiB result downloads (browser path)',
        value: max(during),
        unit: 'MB',
        baseline: { name: 'same page idle, as long', value: max(idle) },
        goal: 'flat (no growth with the file)',
        goalMet: max(during) - max(idle) < 16,
        note: `${(bytes / 1_048_576).toFixed(0)} MiB saved in ${(downloadMs / 1000).toFixed(1)} s; ${during.length} samples (min ${Math.min(...during).toFixed(1)} MB), idle ${idle.length} samples (min ${Math.min(...idle).toFixed(1)} MB); CDP Performance.getMetrics JSHeapUsedSize every 100 ms; the Download button hands the streamed GET to the browser's download manager`,
      },
    ]
  } finally {
    await context.close()
    await serve.stop()
  }
}

/** The store's page queries at 100,000 jobs beside the same queries at 300 (in-process). */
export function listQueryRows(): BenchRow[] {
  const small = mkdtempSync(join(tmpdir(), 'bench-console-ui-300-'))
  seedFinishedJobs(small, SMALL_STORE_JOBS)
  const large = mkdtempSync(join(tmpdir(), 'bench-console-ui-100k-'))
  seedFinishedJobs(large, SEEDED_JOBS)
  const smallMs = timeListQueries(small)
  const largeMs = timeListQueries(large)
  return Object.keys(largeMs).map((name) => ({
    suite: SUITE,
    name: `Jobs list query, ${name}, ${SEEDED_JOBS.toLocaleString('en')} jobs (median of ${QUERY_RUNS})`,
    value: largeMs[name]!,
    unit: 'ms',
    baseline: { name: `same query, ${SMALL_STORE_JOBS} jobs`, value: smallMs[name]! },
    note: 'SQLite in-process (jobs-repo.ts), the queries listJobs sends; ids only, records are read per row',
  }))
}

/**
 * `CONSOLE_UI_BENCH_ONLY=routes` (or a comma list of PARTS) runs only those parts, for iterating on
 * one measure; such a partial run does not write bench/results.json (see isPartialRun).
 */
export const PARTS = ['queries', 'first-row', 'routes', 'streaming', 'big-log', 'download'] as const
type Part = (typeof PARTS)[number]
function onlyParts(): Set<Part> | null {
  const only = process.env.CONSOLE_UI_BENCH_ONLY?.trim()
  if (!only) return null
  const parts = only.split(',').map((p) => p.trim())
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p))
  if (unknown.length)
    throw new Error(`CONSOLE_UI_BENCH_ONLY: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`)
  return new Set(parts as Part[])
}
const wants = (part: Part) => onlyParts()?.has(part) ?? true
/** run.ts keeps bench/results.json as it was after a partial run (its rows would replace the suite's). */
export const isPartialRun = () => onlyParts() !== null

export default async function consoleUiBench(): Promise<BenchRow[]> {
  // The page is dist/renderer, as `npm run serve` serves it: built first if missing or older than
  // its sources (on a fresh clone there is none, and every screen would time out).
  const build = spawnSync(
    process.execPath,
    [join(import.meta.dirname, '..', 'scripts', 'ensure-renderer-build.mjs')],
    {
      stdio: 'inherit',
    },
  )
  if (build.status !== 0) throw new Error(`the renderer build failed (exit ${build.status})`)
  const browser = await chromium.launch({
    executablePath: process.env.C2D_E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
  const rows: BenchRow[] = []
  try {
    if (wants('queries')) rows.push(...listQueryRows())
    if (wants('first-row') || wants('routes')) rows.push(...(await firstRowAndRouteRows(browser)))
    if (wants('streaming')) rows.push(...(await streamingRows(browser)))
    if (wants('big-log')) rows.push(...(await bigLogRows(browser)))
    if (wants('download')) rows.push(...(await resultDownloadRows(browser)))
  } finally {
    await browser.close()
  }
  return rows
}

/** The Jobs screen's first row and route changes, each at 100,000 jobs beside an empty store. */
async function firstRowAndRouteRows(browser: Browser): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  {
    // 1. First render of the Jobs screen: 100,000 jobs vs an empty store, both served at once and
    //    measured interleaved (empty, seeded, empty, …) so machine load hits both alike.
    const seededDir = mkdtempSync(join(tmpdir(), 'bench-console-ui-'))
    seedFinishedJobs(seededDir, SEEDED_JOBS)
    const empty = await startServe()
    const seeded = await startServe({ dataDir: seededDir })
    const emptyMs: number[] = []
    const emptyRoutes: number[] = []
    const seededMs: number[] = []
    const seededRoutes: number[] = []
    const seededByScreen: Record<string, number[]> = {}
    const emptyByScreen: Record<string, number[]> = {}
    try {
      for (let i = 0; wants('first-row') && i < RENDER_RUNS; i++) {
        emptyMs.push(await timeJobsScreen(browser, empty, false))
        seededMs.push(await timeJobsScreen(browser, seeded, true))
      }
      for (let pass = 0; wants('routes') && pass < ROUTE_PASSES; pass++) {
        const emptyPass = await timeRouteChanges(browser, empty)
        emptyRoutes.push(...emptyPass.all)
        for (const [screen, ms] of Object.entries(emptyPass.byScreen))
          (emptyByScreen[screen] ??= []).push(...ms)
        const routes = await timeRouteChanges(browser, seeded)
        seededRoutes.push(...routes.all)
        for (const [screen, ms] of Object.entries(routes.byScreen))
          (seededByScreen[screen] ??= []).push(...ms)
      }
    } finally {
      await empty.stop()
      await seeded.stop()
    }
    const perScreen = (byScreen: Record<string, number[]>) =>
      Object.entries(byScreen)
        .map(([screen, ms]) => `${screen} ${median(ms).toFixed(0)}`)
        .join(', ')
    if (wants('first-row'))
      rows.push({
        suite: SUITE,
        name: `Jobs screen first row painted, ${SEEDED_JOBS.toLocaleString('en')} jobs (median of ${RENDER_RUNS})`,
        value: median(seededMs),
        unit: 'ms',
        baseline: { name: 'empty store, "No jobs" painted', value: median(emptyMs) },
        goal: '≤ 1.2× the empty store',
        goalMet: median(seededMs) <= 1.2 * median(emptyMs),
        note: `runs: ${seededMs.map((v) => v.toFixed(0)).join(', ')} ms (empty: ${emptyMs.map((v) => v.toFixed(0)).join(', ')}); interleaved with the empty-store runs; navigation to the Overview, then Jobs; timed in the page (navigation start → the frame after the first row / the empty state is in the DOM); the list asks for 50 rows first, then pages of 200 by cursor; counts from job_counts`,
      })
    if (wants('routes'))
      rows.push({
        suite: SUITE,
        name: `route change p95 (nav click → heading), ${SEEDED_JOBS.toLocaleString('en')} jobs`,
        value: percentile(seededRoutes, 95),
        unit: 'ms',
        baseline: { name: 'same, empty store', value: percentile(emptyRoutes, 95) },
        goal: '< 100 ms',
        goalMet: percentile(seededRoutes, 95) < 100,
        note: `${seededRoutes.length} changes through ${ROUTE_SCREENS.map((s) => s.link).join(', ')}; median ${median(seededRoutes).toFixed(0)} ms (empty median ${median(emptyRoutes).toFixed(0)} ms); median per screen: ${perScreen(seededByScreen)} ms (empty: ${perScreen(emptyByScreen)} ms); timed in the page (click → heading + a frame)`,
      })
  }
  return rows
}

/** Frame time while 20 sandboxed jobs stream log lines, on the Jobs screen and on one job's page. */
async function streamingRows(browser: Browser): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  {
    // 2. Frame time while 20 jobs stream log lines vs idle, same screen, same page.
    const streamDir = mkdtempSync(join(tmpdir(), 'bench-console-ui-stream-'))
    writeFileSync(
      join(streamDir, 'config.json'),
      JSON.stringify({
        environments: [
          {
            id: 'bench',
            cpu: { total: 64, max: 1, min: 0 },
            ramGb: { total: 64, max: 1, min: 0 },
            diskGb: { total: 64, max: 1, min: 0 },
            maxJobs: STREAMING_JOBS,
            free: { maxJobs: STREAMING_JOBS, maxJobsPerConsumer: STREAMING_JOBS, maxJobDurationSec: 600 },
          },
        ],
      }),
    )
    const stream = await startServe({ dataDir: streamDir })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await context.newPage()
      await page.goto(stream.consoleUrl)
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Jobs', exact: true })
        .click()
      await page.getByText('No jobs').waitFor()
      const idle = await frameDeltas(page, FRAME_SAMPLE_MS)

      const jobs = operatorJobs(stream)
      // 600 lines, one every 50 ms: ~30 s of output per job, longer than the sample.
      const ids = await Promise.all(
        Array.from({ length: STREAMING_JOBS }, () =>
          jobs.startRawCodeJob(countingAlgorithm(600, 50), { maxJobDurationSec: 300 }),
        ),
      )
      await page.getByRole('link', { name: `Open job ${ids.at(-1)!}` }).waitFor()
      // Wait until every job runs its algorithm, so the sample measures streaming, not start-up.
      const deadline = Date.now() + 120_000
      while (
        (await Promise.all(ids.map((id) => jobs.status(id)))).some((s) => s !== 40) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 500))
      const running = (await Promise.all(ids.map((id) => jobs.status(id)))).filter((s) => s === 40).length
      const busy = await frameDeltas(page, FRAME_SAMPLE_MS)
      rows.push({
        suite: SUITE,
        name: `frame time p95, Jobs screen while ${running} jobs stream log lines`,
        value: percentile(busy, 95),
        unit: 'ms',
        baseline: { name: 'same screen idle', value: percentile(idle, 95) },
        goal: '≤ 33 ms (30 fps)',
        goalMet: percentile(busy, 95) <= 33,
        note: `median ${median(busy).toFixed(1)} ms over ${busy.length} frames (idle median ${median(idle).toFixed(1)} ms, ${idle.length} frames); jobs print a line every 50 ms`,
      })
      // The costly case: one of them open, its log growing live, while all 20 stream.
      // The newest job (the top row): with fixed-height rows and a small overscan, the oldest of 20
      // is below the rendered window.
      await page.getByRole('link', { name: `Open job ${ids.at(-1)!}` }).click()
      await page.getByRole('log', { name: 'Algorithm log' }).getByText(/epoch/).first().waitFor()
      const logPage = await frameDeltas(page, FRAME_SAMPLE_MS)
      rows.push({
        suite: SUITE,
        name: `frame time p95, job page with its live log while ${running} jobs stream`,
        value: percentile(logPage, 95),
        unit: 'ms',
        baseline: { name: 'Jobs screen idle', value: percentile(idle, 95) },
        goal: '≤ 33 ms (30 fps)',
        goalMet: percentile(logPage, 95) <= 33,
        note: `median ${median(logPage).toFixed(1)} ms over ${logPage.length} frames`,
      })
    } finally {
      await context.close()
      await stream.stop()
    }
  }
  return rows
}
