/**
 * The desktop app on the Electron stand-in, as `npm start` lays it out: an app root with
 * dist/main/preload.cjs (the real preload, bundled by scripts/build-electron.mjs's own options),
 * dist/main/starting (the real starting page), dist/renderer (a small renderer with a script and a
 * stylesheet, so the protocol handler serves assets) and the icons. launchElectronApp (the real
 * main-process entry's body) runs on a stand-in process; the engine is a recording fake whose start
 * the test can hold, fail, or let run.
 */
import { EventEmitter } from 'node:events'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildPreload } from '../../scripts/build-electron.mjs'
import {
  createLogger,
  dispatchConsoleCall,
  loadConfig,
  type ConsoleConfig,
  type StartCoreOptions,
  type StartProgress,
} from '../../engine/index'
import { consoleEvents } from '../../engine/console-api/contract'
import type { EngineDeps, EngineModule, ShellCore } from '../app'
import { launchElectronApp } from '../launch'
import { createTestConsoleService, type FakePorts } from './engine-test-support'
import { StandInMachine, type StandInMachineOptions, type StandInProcess } from './electron-stand-in'

export const RENDERER_INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>C2D Publisher Console</title>
<script type="module" crossorigin src="/assets/index-abc123.js"></script>
<link rel="stylesheet" crossorigin href="/assets/index-abc123.css">
</head><body><div id="root"></div></body></html>`

/** An app root laid out as after `npm start`'s build. Call once per test file (the preload build takes ~100 ms). */
export async function prepareAppRoot(): Promise<{ appRoot: string; remove(): void }> {
  const appRoot = mkdtempSync(join(tmpdir(), 'c2d-standin-root-'))
  const bundleDir = join(appRoot, 'dist', 'main')
  mkdirSync(join(appRoot, 'dist', 'renderer', 'assets'), { recursive: true })
  mkdirSync(join(appRoot, 'assets', 'icons'), { recursive: true })
  await buildPreload(join(bundleDir, 'preload.cjs'))
  cpSync(join(import.meta.dirname, '..', 'window', 'starting'), join(bundleDir, 'starting'), {
    recursive: true,
  })
  writeFileSync(join(appRoot, 'dist', 'renderer', 'index.html'), RENDERER_INDEX)
  writeFileSync(join(appRoot, 'dist', 'renderer', 'assets', 'index-abc123.js'), 'console.log("console")\n')
  writeFileSync(join(appRoot, 'dist', 'renderer', 'assets', 'index-abc123.css'), 'body{margin:0}\n')
  for (const icon of ['tray.png', 'tray-Template.png', 'icon.png'])
    writeFileSync(join(appRoot, 'assets', 'icons', icon), '')
  return { appRoot, remove: () => rmSync(appRoot, { recursive: true, force: true }) }
}

/** A core that records its life; its start and stop can be held by the test. */
export function fakeEngine(options: { failStart?: Error; chainFails?: boolean } = {}) {
  const journal: string[] = []
  const started: Array<{ config: ConsoleConfig; options: StartCoreOptions }> = []
  let releaseStart: () => void = () => {}
  let startGate: Promise<void> = Promise.resolve()
  let releaseStop: () => void = () => {}
  let stopGate: Promise<void> = Promise.resolve()
  let loads = 0
  /** The started core's in-memory ports: tests drive its events (job changes, provider requests). */
  let ports: FakePorts | null = null
  const engine: EngineDeps = {
    load: async () => {
      loads++
      return {
        loadConfig: (o) => loadConfig({ ...o, env: {} }),
        createLogger,
        dispatchConsoleCall,
        consoleEvents,
        startCore,
      }
    },
  }
  const startCore: EngineModule['startCore'] = async (config, opts) => {
    started.push({ config, options: opts })
    journal.push('startCore')
    const report = (p: StartProgress) => opts.onProgress?.(p)
    report({ step: 'store', state: 'running' })
    report({ step: 'store', state: 'done' })
    if (options.chainFails)
      report({
        step: 'chain',
        state: 'failed',
        error: { code: 'CHAIN_UNAVAILABLE', message: "EDR's native binding did not load. Fix: reinstall" },
      })
    else report({ step: 'chain', state: 'running' })
    await startGate
    if (options.failStart) {
      report({ step: 'provider', state: 'failed', error: { message: options.failStart.message } })
      throw options.failStart
    }
    if (!options.chainFails) report({ step: 'chain', state: 'done' })
    for (const step of ['driver', 'jobs', 'provider', 'samples', 'console'] as const) {
      report({ step, state: 'running' })
      report({ step, state: 'done' })
    }
    journal.push('core started')
    const test = createTestConsoleService()
    ports = test.ports
    const core: ShellCore = {
      consoleService: test.service,
      providerUrl: 'http://127.0.0.1:8030',
      stop: async () => {
        journal.push('core.stop begun')
        await stopGate
        journal.push('core.stop done')
      },
    }
    return core
  }
  return {
    engine,
    loads: () => loads,
    ports: () => ports,
    journal,
    started,
    holdStart: () => (startGate = new Promise<void>((resolve) => (releaseStart = resolve))),
    releaseStart: () => releaseStart(),
    holdStop: () => (stopGate = new Promise<void>((resolve) => (releaseStop = resolve))),
    releaseStop: () => releaseStop(),
  }
}

export interface StandInLaunch {
  proc: StandInProcess
  signals: EventEmitter
  handle: ReturnType<typeof launchElectronApp>
}

/** Runs the main-process entry's body on a new stand-in process (its 'ready' comes after). */
export function launchOnStandIn(
  machine: StandInMachine,
  appRoot: string,
  engine: EngineDeps,
  options: {
    argv?: string[]
    isPackaged?: boolean
    holdReady?: boolean
    quitRequests?: NodeJS.ReadableStream
  } = {},
): StandInLaunch {
  const proc = machine.spawn(options)
  const signals = new EventEmitter()
  const marked: EngineDeps = {
    load: () => {
      proc.mark('engine load begun')
      return engine.load()
    },
  }
  const handle = launchElectronApp(proc.electron, marked, {
    appRoot,
    bundleDir: join(appRoot, 'dist', 'main'),
    argv: proc.argv,
    platform: machine.platform,
    signals,
    trayHostProbe: (name) => machine.dbusNameHasOwner(name),
    ...(options.quitRequests ? { quitRequests: options.quitRequests } : {}),
  })
  return { proc, signals, handle }
}

export function standInMachine(options: Partial<StandInMachineOptions> = {}): {
  machine: StandInMachine
  appData: string
  remove(): void
} {
  const appData = mkdtempSync(join(tmpdir(), 'c2d-standin-appdata-'))
  const machine = new StandInMachine({ appData, ...options })
  machines.add(machine)
  return {
    machine,
    appData,
    remove: () => {
      machines.delete(machine)
      rmSync(appData, { recursive: true, force: true })
    },
  }
}

const machines = new Set<StandInMachine>()

/** Lets queued IPC, 'ready' and page loads (file reads in the protocol handler) run to rest. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve))
  const isLoading = () =>
    [...machines].some((m) =>
      m.processes.some((p) => p.windows.some((w) => !w.isDestroyed() && w.contents.isLoading())),
    )
  for (let i = 0; i < 2000 && isLoading(); i++) await new Promise((resolve) => setTimeout(resolve, 1))
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve))
}
