// Settings → Desktop notifications: the switch goes through the console API (the engine keeps it in
// the browser console, main/ in the desktop app), asks the browser's permission before it is saved
// as on, and the browser console then shows the desktop kinds while the tab is in the background.
import { afterEach, describe, expect, it } from 'vitest'
import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeJob } from '../../test-support/fake-console-service'
import {
  installFakeBrowserNotifications,
  setTabVisibility,
  type FakeBrowserNotifications,
} from '../../test-support/fake-browser-notification'
import { itRendersLoadStates } from '../../test-support/screen-states'

const T = { timeout: 30_000 }
const wait = { timeout: 8000 }

let browser: FakeBrowserNotifications | undefined
afterEach(() => {
  browser?.remove()
  browser = undefined
  setTabVisibility('visible')
})

const notificationSwitch = () => screen.findByRole('switch', { name: /^Desktop notifications/ }, wait)
const saves = (fake: ReturnType<typeof createFakeConsole>) =>
  fake.calls.filter((c) => c.method === 'setNotificationSettings').map((c) => c.input)

describe('Settings: desktop notifications in the browser', () => {
  it('asks the browser first, then saves the switch on through the console API', T, async () => {
    browser = installFakeBrowserNotifications({ permission: 'default', answer: 'granted' })
    const fake = createFakeConsole()
    renderApp('settings', fake)
    const toggle = await notificationSwitch()
    expect((toggle as HTMLInputElement).checked).toBe(false)
    expect(screen.getByText(/show as browser notifications while this tab is in the background/)).toBeTruthy()
    await userEvent.click(toggle)
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(true))
    expect(browser.asked).toBe(1)
    expect(saves(fake)).toEqual([{ desktopNotifications: true }])
    await userEvent.click(toggle)
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(false))
    expect(saves(fake)).toEqual([{ desktopNotifications: true }, { desktopNotifications: false }])
    expect(browser.asked).toBe(1) // turning off asks nothing
  })

  it('a refused permission saves nothing and says the switch stays off', T, async () => {
    browser = installFakeBrowserNotifications({ permission: 'default', answer: 'default' })
    const fake = createFakeConsole()
    renderApp('settings', fake)
    const toggle = await notificationSwitch()
    await userEvent.click(toggle)
    expect(
      await screen.findByText(/The browser did not allow notifications, so the switch stays off/),
    ).toBeTruthy()
    expect((toggle as HTMLInputElement).checked).toBe(false)
    expect(saves(fake)).toEqual([])
  })

  it('a blocked page is told with the way out, and the switch cannot be turned on', T, async () => {
    browser = installFakeBrowserNotifications({ permission: 'denied' })
    renderApp('settings', createFakeConsole())
    const toggle = await notificationSwitch()
    expect(
      screen.getByText(/Your browser blocks notifications for this page. Allow them in the site settings/),
    ).toBeTruthy()
    expect((toggle as HTMLInputElement).disabled).toBe(true)
  })

  it('with no Notification API, says the console tells them on the page', T, async () => {
    renderApp('settings', createFakeConsole())
    const toggle = await notificationSwitch()
    expect(screen.getByText(/This browser has no notifications/)).toBeTruthy()
    expect((toggle as HTMLInputElement).disabled).toBe(true)
  })

  it(
    'on, with the tab in the background, a failed job shows a browser notification; in front, only the in-app one',
    T,
    async () => {
      browser = installFakeBrowserNotifications({ permission: 'granted' })
      const fake = createFakeConsole({
        jobs: [makeJob('job-x', 40), makeJob('job-y', 40)],
        notifications: { desktopNotifications: true, surface: 'browser', isSupported: true },
      })
      renderApp('jobs', fake)
      await screen.findByRole('link', { name: 'Open job job-x' }, wait)
      await waitFor(() => expect(fake.calls.some((c) => c.method === 'getNotificationSettings')).toBe(true))
      const fail = (jobId: string, seq: number) =>
        act(() =>
          fake.emit('onDidChangeJob', {
            seq,
            job: { ...makeJob(jobId, 70), outcome: { kind: 'failed', reason: 'out of memory' } },
            from: 71,
            to: 70,
            cause: 'settled',
          }),
        )
      fail('job-x', 500)
      expect(await screen.findByText('Job job-x failed: out of memory.')).toBeTruthy()
      expect(browser.shown).toEqual([])
      setTabVisibility('hidden')
      fail('job-y', 501)
      expect(browser.shown.map((n) => [n.title, n.body])).toEqual([
        ['Job failed', 'Job job-y failed: out of memory.'],
      ])
      // A job that merely finished stays in-app only, as in the desktop app.
      act(() =>
        fake.emit('onDidChangeJob', { seq: 502, job: makeJob('job-x', 70), from: 61, to: 70, cause: 'done' }),
      )
      expect(browser.shown).toHaveLength(1)
    },
  )

  it('off, nothing is shown outside the page', T, async () => {
    browser = installFakeBrowserNotifications({ permission: 'granted' })
    const fake = createFakeConsole({ jobs: [makeJob('job-off', 40)] })
    renderApp('jobs', fake)
    await screen.findByRole('link', { name: 'Open job job-off' }, wait)
    setTabVisibility('hidden')
    act(() =>
      fake.emit('onDidChangeJob', {
        seq: 500,
        job: { ...makeJob('job-off', 70), outcome: { kind: 'failed', reason: 'exit code 1' } },
        from: 71,
        to: 70,
        cause: 'settled',
      }),
    )
    expect(await screen.findByText('Job job-off failed: exit code 1.')).toBeTruthy()
    expect(browser.shown).toEqual([])
  })
})

describe('Settings: desktop notifications in the desktop app', () => {
  it('is the desktop preference: saved without asking the browser, the File menu named', T, async () => {
    browser = installFakeBrowserNotifications({ permission: 'denied' })
    const fake = createFakeConsole({
      notifications: { desktopNotifications: true, surface: 'desktop-app', isSupported: true },
    })
    renderApp('settings', fake)
    const toggle = await notificationSwitch()
    expect((toggle as HTMLInputElement).checked).toBe(true)
    expect(screen.getByText(/The same switch is in the File menu/)).toBeTruthy()
    expect(screen.queryByText(/Your browser blocks notifications/)).toBeNull()
    await userEvent.click(toggle)
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(false))
    expect(saves(fake)).toEqual([{ desktopNotifications: false }])
    expect(browser.asked).toBe(0)
  })

  it('follows the File menu at once: the pushed change flips the switch, nothing re-asked', T, async () => {
    const fake = createFakeConsole({
      notifications: { desktopNotifications: true, surface: 'desktop-app', isSupported: true },
    })
    renderApp('settings', fake)
    const toggle = await notificationSwitch()
    expect((toggle as HTMLInputElement).checked).toBe(true)
    const reads = () => fake.calls.filter((c) => c.method === 'getNotificationSettings').length
    const readsBefore = reads()
    // main/ pushes this when File → Desktop notifications is clicked (main/app.test.ts).
    act(() =>
      fake.emit('onDidChangeNotificationSettings', {
        desktopNotifications: false,
        surface: 'desktop-app',
        isSupported: true,
      }),
    )
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(false))
    act(() =>
      fake.emit('onDidChangeNotificationSettings', {
        desktopNotifications: true,
        surface: 'desktop-app',
        isSupported: true,
      }),
    )
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(true))
    expect(reads()).toBe(readsBefore)
    expect(saves(fake)).toEqual([])
  })

  it('where the desktop has no notification service, the switch is off-limits and says why', T, async () => {
    renderApp(
      'settings',
      createFakeConsole({
        notifications: { desktopNotifications: true, surface: 'desktop-app', isSupported: false },
      }),
    )
    const toggle = await notificationSwitch()
    expect((toggle as HTMLInputElement).disabled).toBe(true)
    expect(screen.getByText(/This desktop has no notification service/)).toBeTruthy()
  })
})

describe('Settings: notifications load states', () => {
  itRendersLoadStates({
    path: '/settings',
    heading: 'Settings',
    methods: ['getNotificationSettings'],
    loading: /Loading the notification setting…/,
    errorTitle: 'Could not read the notification setting',
    dataText: /^Desktop notifications$/,
  })
})
