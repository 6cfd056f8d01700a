import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConsoleService, EventPayload, JobChangeEvent } from '../engine/console-api/contract'
import {
  jobRouteUrl,
  showDesktopNotifications,
  withDesktopNotificationSettings,
} from './desktop-notifications'
import type { NotificationsLike } from './electron-types'
import { seedJob } from './test/engine-test-support'
import { StandInMachine, type StandInProcess } from './test/electron-stand-in'
import { settle, standInMachine } from './test/stand-in-app'

/** The console's event stream as the engine pushes it (only what the module subscribes to). */
function eventSource() {
  const emitter = new EventEmitter()
  const service: Pick<ConsoleService, 'subscribe'> = {
    subscribe: (event, listener) => {
      emitter.on(event, listener)
      return () => void emitter.off(event, listener)
    },
  }
  return {
    service,
    job: (event: JobChangeEvent) => emitter.emit('onDidChangeJob', event),
    request: (event: EventPayload<'onProviderRequest'>) => emitter.emit('onProviderRequest', event),
    listeners: () => emitter.listenerCount('onDidChangeJob') + emitter.listenerCount('onProviderRequest'),
  }
}

/** main/launch.ts's adapter over the (stand-in) electron module. */
const notificationsOf = (proc: StandInProcess): NotificationsLike => ({
  isSupported: () => proc.electron.Notification.isSupported(),
  create: (options) => new proc.electron.Notification(options),
})

const failedJob = (jobId = 'job-failed'): JobChangeEvent => ({
  seq: 1,
  job: seedJob(jobId, 70, { outcome: { kind: 'failed', reason: 'exit code 1' } }),
  from: 71,
  to: 70,
  cause: 'settled',
})

const envs: Array<{ remove(): void }> = []
afterEach(() => envs.splice(0).forEach((e) => e.remove()))
function machine(options: { hasNotificationService?: boolean } = {}): StandInMachine {
  const env = standInMachine(options)
  envs.push(env)
  return env.machine
}

function wire(proc: StandInProcess, options: { enabled?: () => boolean } = {}) {
  const source = eventSource()
  const opened: Array<string | undefined> = []
  const warnings: string[] = []
  const stop = showDesktopNotifications(source.service, {
    notifications: notificationsOf(proc),
    isReady: () => proc.app.isReady(),
    isEnabled: options.enabled ?? (() => true),
    open: (jobId) => opened.push(jobId),
    logger: { warn: (msg) => warnings.push(msg) },
  })
  return { ...source, opened, warnings, stop }
}

describe('desktop notifications', () => {
  it('a failed job shows one notification with the contract’s words; a click opens that job', async () => {
    const proc = machine().spawn()
    await settle()
    const events = wire(proc)
    events.job(failedJob())
    expect(proc.notifications).toEqual([
      { title: 'Job failed', body: 'Job job-failed failed: exit code 1.', click: expect.any(Function) },
    ])
    proc.notifications[0]!.click()
    expect(events.opened).toEqual(['job-failed'])
  })

  it('a succeeded job (no payment) and a running job show nothing; a claimed payment and a refusal do', async () => {
    const proc = machine().spawn()
    await settle()
    const events = wire(proc)
    events.job({ seq: 1, job: seedJob('job-ok', 70), from: 61, to: 70, cause: 'done' })
    events.job({ seq: 2, job: seedJob('job-run', 40), from: 30, to: 40, cause: 'started' })
    expect(proc.notifications).toEqual([])
    const paid = seedJob('job-paid', 70, {
      payment: { chainId: 1, token: '0x', costWei: '1', claimTx: '0x1' },
    })
    events.job({ seq: 3, job: paid, from: 61, to: 70, cause: 'claimed' })
    const at = { method: 'POST', path: '/api/services/compute', status: 403, elapsedMs: 3, atMs: 1 }
    events.request({ ...at, errorCode: 'ALGORITHM_NOT_TRUSTED' })
    events.request({ ...at, status: 400, errorCode: 'REQUEST_INVALID' })
    expect(proc.notifications.map((n) => n.title)).toEqual([
      'Job finished, payment claimed',
      'A consumer was refused',
    ])
  })

  it('with the setting off, nothing is shown; turned back on, the next one is', async () => {
    const proc = machine().spawn()
    await settle()
    let enabled = false
    const events = wire(proc, { enabled: () => enabled })
    events.job(failedJob('job-a'))
    expect(proc.notifications).toEqual([])
    enabled = true
    events.job(failedJob('job-b'))
    expect(proc.notifications.map((n) => n.body)).toEqual(['Job job-b failed: exit code 1.'])
  })

  it('nothing is shown (and nothing throws) before ready; the stand-in refuses a Notification then, as Electron does', async () => {
    const proc = machine().spawn({ holdReady: true })
    expect(() => new proc.electron.Notification({ title: 't', body: 'b' })).toThrow(/before the app 'ready'/)
    const events = wire(proc)
    expect(() => events.job(failedJob())).not.toThrow()
    expect(proc.notifications).toEqual([])
    expect(events.warnings).toEqual([]) // not even tried: Electron would have refused it
    proc.app.becomeReady()
    events.job(failedJob())
    expect(proc.notifications).toHaveLength(1)
  })

  it('where the desktop has no notification service, nothing is shown', async () => {
    const proc = machine({ hasNotificationService: false }).spawn()
    await settle()
    expect(proc.electron.Notification.isSupported()).toBe(false)
    expect(() => new proc.electron.Notification({ title: 't', body: 'b' }).show()).toThrow(/isSupported/)
    const events = wire(proc)
    events.job(failedJob())
    expect(proc.notifications).toEqual([])
  })

  it('unsubscribes from both events', async () => {
    const proc = machine().spawn()
    await settle()
    const events = wire(proc)
    expect(events.listeners()).toBe(2)
    events.stop()
    expect(events.listeners()).toBe(0)
  })

  it('builds the hash route of a job', () => {
    expect(jobRouteUrl('app://console/index.html', 'job 1')).toBe('app://console/index.html#/jobs/job%201')
    expect(jobRouteUrl('app://console/index.html#/jobs/x', 'y')).toBe('app://console/index.html#/jobs/y')
  })
})

describe('withDesktopNotificationSettings', () => {
  it('pushes the desktop preference on each change (menu or Settings); other events pass through', async () => {
    const source = eventSource()
    let isOn = true
    const changed = new Set<() => void>()
    const service = withDesktopNotificationSettings(source.service as ConsoleService, {
      isOn: () => isOn,
      set: (next) => {
        isOn = next
        changed.forEach((l) => l())
      },
      isSupported: () => true,
      onDidChange: (l) => (changed.add(l), () => void changed.delete(l)),
    })
    const pushed: unknown[] = []
    const off = service.subscribe('onDidChangeNotificationSettings', (e) => pushed.push(e))
    await service.setNotificationSettings({ desktopNotifications: false })
    // The File menu changes the preference directly, not through the service.
    isOn = true
    changed.forEach((l) => l())
    expect(pushed).toEqual([
      { desktopNotifications: false, surface: 'desktop-app', isSupported: true },
      { desktopNotifications: true, surface: 'desktop-app', isSupported: true },
    ])
    off()
    expect(changed.size).toBe(0)
    const jobs: unknown[] = []
    service.subscribe('onDidChangeJob', (e) => jobs.push(e))
    source.job(failedJob())
    expect(jobs).toHaveLength(1)
  })
})
