// A route change paints the new page's heading before its body: the router's location store
// re-renders synchronously, so a screen whose data is cached would otherwise render all of it (the
// Overview's checklist, counts and recent jobs; the Compute backend's checks and environments; the
// Policies' picker and quota forms) before the heading shows. Each main screen commits its heading
// with the placeholder first and its body as the next, deferred render; focus still lands on the
// heading, and the body's queries start only then.
import { describe, expect, it } from 'vitest'
import { configure, screen, waitFor } from '@testing-library/react'
import type { AuditEventSummary } from '../../engine/console-api/contract'
import { renderApp } from '../test-support/render-app'
import {
  createFakeConsole,
  makeAccessRequest,
  makeAsset,
  makeJob,
} from '../test-support/fake-console-service'

configure({ asyncUtilTimeout: 5_000 })

const DID = 'did:op:' + 'd'.repeat(64)
const POLICY_PATH = `/policies/${encodeURIComponent(DID)}` as const
const AUDIT_EVENT: AuditEventSummary = {
  seq: 1,
  atMs: 1_700_000_000_000,
  type: 'policy.changed',
  actor: 'publisher',
  subject: DID,
  details: {},
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
}

/** Something on every screen: a dataset, a finished and a held job, a pending request, a trail. */
const seed = () =>
  createFakeConsole({
    assets: [makeAsset({ did: DID })],
    jobs: [
      makeJob('job-a', 70),
      makeJob('job-held', 60, {
        review: {
          windowSec: 86_400,
          state: 'held',
          heldAtMs: 1_700_000_000_000,
          deadlineMs: 1_700_086_400_000,
        },
      }),
    ],
    accessRequests: [makeAccessRequest()],
    auditEvents: [AUDIT_EVENT],
  })

// path, heading, something only the body shows once its data is in, the body's own queries
const SCREENS = [
  ['/', 'Overview', () => screen.findByRole('list', { name: 'Job counts' }), ['getOverview']],
  [
    '/compute-backend',
    'Compute backend',
    () => screen.findByText('Local sandbox (bubblewrap)'),
    ['getComputeBackend'],
  ],
  ['/assets', 'Assets', () => screen.findByRole('table', { name: 'Assets' }), ['listAssets']],
  ['/jobs', 'Jobs', () => screen.findByRole('tab', { name: 'All jobs' }), []],
  [
    '/settings',
    'Settings',
    () => screen.findByRole('group', { name: 'Theme' }),
    ['getSettings', 'getNotificationSettings'],
  ],
  [
    '/inbox',
    'Approval inbox',
    () => screen.findByRole('article', { name: /^Access request / }),
    ['listAccessRequests'],
  ],
  [
    '/review',
    'Output review',
    () => screen.findByRole('article', { name: 'Review of job job-held' }),
    ['listReviews', 'getReview'],
  ],
  [
    '/policies',
    'Policies',
    () => screen.findAllByRole('form', { name: /^Quotas of environment / }),
    ['listAssets', 'listEnvironmentQuotas'],
  ],
  [
    POLICY_PATH,
    'Policies',
    () => screen.findByRole('form', { name: 'Dataset policy' }),
    ['listAssets', 'getDatasetPolicy', 'listAccessRequests', 'listEnvironmentQuotas'],
  ],
  ['/audit', 'Audit trail', () => screen.findByRole('table', { name: 'Audit events' }), ['listAuditEvents']],
] as const

/** A page to leave to and come back from (any other main screen). */
const awayFrom = (path: string) =>
  path === '/review' ? (['/audit', 'Audit trail'] as const) : (['/review', 'Output review'] as const)

/** Renders the app away from `path`, visits `path` once (its queries load and stay cached) and leaves. */
async function visitOnceAndLeave(path: string, findBody: () => Promise<unknown>) {
  const fake = seed()
  const [away, awayHeading] = awayFrom(path)
  const { history } = renderApp(away, fake)
  await screen.findByRole('heading', { name: awayHeading, level: 2 })
  history.push(path)
  await findBody()
  history.push(away)
  await screen.findByRole('heading', { name: awayHeading, level: 2 })
  return { fake, history }
}

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
      const { history } = await visitOnceAndLeave(path, findBody)

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
  // heading appears, the screen has asked nothing yet. (The Jobs list's queries stay fresh: it asks
  // nothing again, so it has no row here.)
  it.each(SCREENS.filter(([, , , methods]) => methods.length > 0))(
    '%s: no call for its own data before the heading is in',
    { timeout: 30_000 },
    async (path, name, findBody, methods) => {
      const { fake, history } = await visitOnceAndLeave(path, findBody)

      const before = fake.calls.length
      const asked = () => fake.calls.slice(before).map((c) => c.method)
      const seen = whenHeadingAppears(name).then(asked)
      history.push(path)
      expect((await seen).filter((m) => (methods as readonly string[]).includes(m))).toEqual([])
      // …and asks once the body is in.
      await waitFor(() => expect(asked()).toEqual(expect.arrayContaining([...methods])))
    },
  )
})
