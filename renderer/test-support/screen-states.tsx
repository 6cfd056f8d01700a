// The load states every screen must render, as one table-driven set of tests each screen's
// `*-states.test.tsx` runs with its own route, methods and words: loading (heading first, a status
// that says what loads), console unreachable (one banner, no error box of the screen's own, and data
// already shown kept but marked not live), and a contract error (the screen's error in words with the
// next step, once, even when asked again). Empty and data states are the screen's own tests.
import { expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import { renderApp } from './render-app'
import { createFakeConsole, type FakeConsole } from './fake-console-service'
import { CONTRACT_ERROR, holding, switchable } from './fake-transport-states'

export interface LoadStatesSpec {
  /** The route, e.g. "/jobs/job-1". */
  path: `/${string}`
  /** The screen's h2. */
  heading: string | RegExp
  /** The methods the screen loads its body with (held while loading, failed for the errors). */
  methods: string[]
  /** The words of its loading status (role="status"). */
  loading: RegExp
  /** The title of its error box for a failed load. */
  errorTitle: string
  /** Text the loaded screen shows (kept, marked not live, when the console stops answering). */
  dataText: RegExp
  /**
   * What the screen asks first while nothing answers (default `methods`): a part nested in another
   * (the policy's approvals, a held job's review) is not asked until its parent has answered.
   */
  asks?: string[]
  /** The seeded fake (default: createFakeConsole()). */
  seed?: () => FakeConsole
}

// Generous waits: these render the whole app, and the machines running them are shared.
const T = { timeout: 10_000 }
const BANNER = 'The console is not answering'

/** The error boxes (ErrorMessage) on screen, by their words: none may stack under the banner. */
const errorBoxes = () => [...document.querySelectorAll('[role="alert"].error')].map((a) => a.textContent)

/** The screen's live mark (the shell's content area; the status bar has its own). */
const live = () => document.querySelector('main [data-live]')?.getAttribute('data-live')

export function itRendersLoadStates(spec: LoadStatesSpec) {
  const seed = spec.seed ?? (() => createFakeConsole())

  it('loading: shows its heading at once and says what it loads', { timeout: 40_000 }, async () => {
    renderApp(spec.path, holding(seed(), spec.methods))
    await screen.findByRole('heading', { level: 2, name: spec.heading }, T)
    const status = await screen.findByText(spec.loading, {}, T)
    expect(status.closest('[role="status"]')).not.toBeNull()
    expect(screen.queryByText(spec.errorTitle)).toBeNull()
    expect(screen.queryAllByText(spec.dataText)).toHaveLength(0)
  })

  it(
    'console unreachable: one banner, its heading, and no error box of its own',
    { timeout: 40_000 },
    async () => {
      const { fake, unanswered } = switchable(seed(), true)
      renderApp(spec.path, fake)
      await screen.findByRole('heading', { level: 2, name: spec.heading }, T)
      await screen.findByText(BANNER, {}, T)
      // The screen did ask (and was not answered), so the silence is the banner's doing.
      const asks = spec.asks ?? spec.methods
      await waitFor(() => expect(asks.some((m) => unanswered.includes(m))).toBe(true), T)
      await waitFor(() => expect(screen.queryByText(spec.loading)).toBeNull(), T)
      expect(errorBoxes()).toEqual([])
      expect(screen.getAllByText(BANNER)).toHaveLength(1)
      expect(screen.queryByText(spec.errorTitle)).toBeNull()
      expect(live()).toBe('false')
    },
  )

  // Every screen keeps what it showed, marked not live (as the lists do): nothing stale reads as live.
  it(
    'console unreachable after loading: the data stays, marked not live, under one banner',
    { timeout: 40_000 },
    async () => {
      const { fake, state } = switchable(seed())
      const { queryClient } = renderApp(spec.path, fake)
      await screen.findAllByText(spec.dataText, {}, T)
      expect(live()).toBe('true')
      state.down = true
      await act(() => queryClient.invalidateQueries())
      await screen.findByText(BANNER, {}, T)
      expect(live()).toBe('false')
      expect(screen.getByText(/Reconnecting… what is shown below is not live/)).toBeTruthy()
      const content = document.querySelector('main [data-live="false"]') as HTMLElement
      expect(within(content).getAllByText(spec.dataText).length).toBeGreaterThan(0)
      expect(errorBoxes()).toEqual([])
      expect(screen.getAllByText(BANNER)).toHaveLength(1)
    },
  )

  it(
    'contract error: its error in words with the next step, once, even when asked again',
    { timeout: 40_000 },
    async () => {
      const fake = seed()
      for (const m of spec.methods) fake.fail[m as keyof FakeConsole['fail']] = CONTRACT_ERROR
      const { queryClient } = renderApp(spec.path, fake)
      await screen.findByRole('heading', { level: 2, name: spec.heading }, T)
      const title = await screen.findByText(spec.errorTitle, {}, T)
      const alert = title.closest('[role="alert"]') as HTMLElement
      expect(alert).not.toBeNull()
      expect(alert.textContent).toContain(CONTRACT_ERROR.message)
      expect(alert.textContent).toContain('Try again; if it keeps failing, the log has the details.')
      expect(screen.queryByText(spec.loading)).toBeNull()
      expect(screen.queryByText(BANNER)).toBeNull()
      // The console answered, so it is reachable: the content is not marked stale.
      expect(live()).toBe('true')
      await act(() => queryClient.invalidateQueries())
      await waitFor(() =>
        expect(fake.calls.filter((c) => spec.methods.includes(c.method)).length).toBeGreaterThan(
          spec.methods.length,
        ),
      )
      await waitFor(() => expect(screen.getAllByText(spec.errorTitle)).toHaveLength(1))
      expect(screen.queryAllByText(spec.dataText)).toHaveLength(0)
    },
  )
}
