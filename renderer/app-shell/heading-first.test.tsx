// A route change paints the new page's heading before its body: the router's location store
// re-renders synchronously, so a screen whose data is cached would otherwise render all of it (the
// Overview's checklist, counts and recent jobs; the Compute backend's checks and environments)
// before the heading shows. Each main screen commits its heading with the placeholder first and its
// body as the next, deferred render; focus still lands on the heading.
import { describe, expect, it } from 'vitest'
import { configure, screen, waitFor } from '@testing-library/react'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole, makeAsset, makeJob } from '../test-support/fake-console-service'

configure({ asyncUtilTimeout: 5_000 })

const SCREENS = [
  // path, heading, something only the body shows once its data is in
  ['/', 'Overview', () => screen.findByRole('list', { name: 'Job counts' })],
  ['/compute-backend', 'Compute backend', () => screen.findByText('Local sandbox (bubblewrap)')],
  ['/assets', 'Assets', () => screen.findByRole('table', { name: 'Assets' })],
  ['/jobs', 'Jobs', () => screen.findByRole('tab', { name: 'All jobs' })],
  ['/settings', 'Settings', () => screen.findByRole('group', { name: 'Theme' })],
] as const

/** What <main> holds at the first moment the heading is in the DOM (a MutationObserver's callback). */
function whenHeadingAppears(name: string): Promise<{ placeholder: boolean; text: string }> {
  const main = document.querySelector('main')!
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const heading = [...main.querySelectorAll('h2')].find((h) => h.textContent?.trim() === name)
      if (!heading) return
      observer.disconnect()
      resolve({
        placeholder: main.querySelector('[data-testid="screen-placeholder"]') !== null,
        text: heading.closest('section')?.textContent ?? '',
      })
    })
    observer.observe(main, { childList: true, subtree: true })
  })
}

describe('route change: heading first', () => {
  it.each(SCREENS)(
    '%s: with its data cached, the heading commits with the placeholder, then the body',
    { timeout: 30_000 },
    async (path, name, findBody) => {
      const fake = createFakeConsole({ assets: [makeAsset()], jobs: [makeJob('job-a', 70)] })
      const { history } = renderApp('/review', fake)
      await screen.findByRole('heading', { name: 'Output review', level: 2 })
      // First visit: its queries load and stay cached.
      history.push(path)
      await findBody()
      history.push('/review')
      await screen.findByRole('heading', { name: 'Output review', level: 2 })

      const seen = whenHeadingAppears(name)
      history.push(path)
      const first = await seen
      expect(first.placeholder).toBe(true)
      // The body follows, and focus is on the heading (not on <main> or <body>).
      await findBody()
      const heading = screen.getByRole('heading', { name, level: 2 })
      await waitFor(() => expect(document.activeElement).toBe(heading))
      expect(screen.queryByTestId('screen-placeholder')).toBeNull()
    },
  )
})

describe('route change: the body asks for its data after the heading', () => {
  // A data hook above AfterFirstPaint subscribes in the heading's own commit and starts its refetch
  // there (stale cached data refetches on mount): the work AfterFirstPaint defers. At the moment the
  // heading appears, the screen has asked nothing yet.
  it.each([['/settings', 'Settings', ['getSettings', 'getNotificationSettings']]] as const)(
    '%s: no call for its own data before the heading is in',
    { timeout: 30_000 },
    async (path, name, methods) => {
      const fake = createFakeConsole({ assets: [makeAsset()], jobs: [makeJob('job-a', 70)] })
      const { history } = renderApp('/review', fake)
      await screen.findByRole('heading', { name: 'Output review', level: 2 })
      history.push(path)
      await screen.findByRole('group', { name: 'Theme' })
      history.push('/review')
      await screen.findByRole('heading', { name: 'Output review', level: 2 })

      const before = fake.calls.length
      const seen = whenHeadingAppears(name).then(() => fake.calls.slice(before).map((c) => c.method))
      history.push(path)
      const asked = await seen
      expect(asked.filter((m) => (methods as readonly string[]).includes(m))).toEqual([])
      // …and asks once the body is in.
      await waitFor(() =>
        expect(fake.calls.slice(before).map((c) => c.method)).toEqual(expect.arrayContaining([...methods])),
      )
    },
  )
})
