/**
 * Runs a main-process script (the built dist/main/app.js, unchanged, or the bench's bare app) in this
 * Node process with `electron` resolved to the strict stand-in (electron-module.ts), as Electron
 * would: the main script is evaluated, then 'ready'. Prints one JSON line on stdout (RunReport):
 * when (performance.now(), ms since this process started) the first window became visible and when
 * the console answered getOverview through the preload, the pages loaded, and what went wrong; then
 * quits the app the way a user does (app.quit(), graceful) and exits with the app's exit code.
 * Used by scripts/pack-check.test.ts (the bundle smoke test) and bench/desktop.bench.ts.
 * Usage: node --import tsx main/test/bundle/run-on-stand-in.ts <main script> [--console] --user-data-dir=<dir>
 *   --console: wait for the console page (app://console/index.html) to answer; else the first window.
 */
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { StandInBrowserWindow } from '../electron-stand-in'

export interface RunReport {
  firstWindowMs?: number
  usableMs?: number
  failed?: string
  overview?: unknown
  pages: Array<{ url: string; status: number; problems: string[]; preloadErrors: string[]; assets: number }>
  violations: string[]
  errorBoxes: Array<{ title: string; content: string }>
}

const script = resolve(process.argv[2] ?? '')
const waitForConsole = process.argv.includes('--console')
const moduleUrl = pathToFileURL(join(import.meta.dirname, 'electron-module.ts')).href
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(specifier, context, next) {
       if (specifier === 'electron') return { url: ${JSON.stringify(moduleUrl)}, shortCircuit: true }
       return next(specifier, context)
     }`,
  )}`,
)
const { standIn } = (await import(moduleUrl)) as typeof import('./electron-module')

const report: RunReport = { pages: [], violations: [], errorBoxes: [] }
let done!: () => void
const finished = new Promise<void>((resolve) => (done = resolve))
standIn.app.on('browser-window-created', (_event: unknown, window: StandInBrowserWindow) => {
  window.once('show', () => {
    report.firstWindowMs ??= performance.now()
    if (!waitForConsole) done()
  })
  window.contents.on('did-finish-load', () => {
    const page = window.contents.pages.at(-1)
    if (page?.url === 'app://console/_starting/index.html') {
      // The starting page's own view of the start: a failure there ends the run.
      const startup = page.mainWorld.c2d as
        { onStartup(listener: (state: { phase: string; failure?: unknown }) => void): unknown } | undefined
      startup?.onStartup((state) => {
        if (state.phase !== 'failed') return
        report.failed = `start failed: ${JSON.stringify(state.failure)}`
        done()
      })
    }
    if (!waitForConsole || page?.url !== 'app://console/index.html') return
    const c2d = page.mainWorld.c2d as { call(method: string, input: unknown): Promise<unknown> } | undefined
    if (!c2d) {
      report.failed = 'the console page has no window.c2d'
      return done()
    }
    void c2d.call('getOverview', {}).then(
      (answer) => {
        report.overview = answer
        if ((answer as { ok?: boolean }).ok === false) report.failed = JSON.stringify(answer)
        report.usableMs ??= performance.now()
        done()
      },
      (error: unknown) => {
        report.failed = String(error)
        done()
      },
    )
  })
})

await import(pathToFileURL(script).href)
standIn.app.becomeReady()
const limit = setTimeout(() => {
  report.failed ??= 'timed out after 120 s'
  done()
}, 120_000)
await finished
clearTimeout(limit)
for (const window of standIn.windows)
  for (const page of window.contents.pages)
    report.pages.push({
      url: page.url,
      status: page.status,
      problems: page.problems,
      preloadErrors: page.preloadErrors.map(String),
      assets: page.assets.length,
    })
report.violations = standIn.violations
report.errorBoxes = standIn.errorBoxes
process.stdout.write(JSON.stringify(report) + '\n')
standIn.app.quit()
process.exit(await standIn.exited)
