// One connection banner, fast: driven by the event stream's signal (not a 30 s overview refetch);
// no per-screen NETWORK error boxes under it; the screen marked not live; every query refetched
// when the stream is back.
import { describe, expect, it } from 'vitest'
import { act, screen, waitFor } from '@testing-library/react'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole, type FakeConsole } from '../test-support/fake-console-service'
import { createConnectionSignal } from '../console-client/connection-signal'
import { createConsoleClient } from '../../engine/console-api/contract'
import { render } from '@testing-library/react'
import { MantineProvider } from '@mantine/core'
import { ErrorMessage } from '../components/error-message'

/** The fake behind a switch: while `down`, every call fails as fetch does when the server is gone. */
function switchable(fake: FakeConsole) {
  const state = { down: false }
  const transport = {
    ...fake.transport,
    call: (method: string, input: unknown) =>
      state.down ? Promise.reject(new TypeError('Failed to fetch')) : fake.transport.call(method, input),
  } as FakeConsole['transport']
  return { state, fake: { ...fake, transport, client: createConsoleClient(transport) } }
}

describe('connection banner', () => {
  it('shows one banner at once when the stream drops, marks the screen not live, and refetches all on reconnect', async () => {
    const signal = createConnectionSignal()
    const { state, fake } = switchable(createFakeConsole())
    const { queryClient } = renderApp('jobs', fake, { connection: signal })
    act(() => signal.set('open'))
    await screen.findByRole('heading', { name: 'Jobs', level: 2 })
    await screen.findByText('job-1', { exact: false })
    const live = () => document.querySelector('[data-live]')!.getAttribute('data-live')
    expect(live()).toBe('true')

    state.down = true
    act(() => signal.set('lost'))
    // At once: no overview refetch needed for the banner.
    expect(screen.getAllByText('The console is not answering')).toHaveLength(1)
    expect(live()).toBe('false')
    expect(screen.getByText(/Reconnecting… what is shown below is not live/)).toBeTruthy()
    // Whatever fails meanwhile (here: every query asked again) adds no error box of its own.
    await act(() => queryClient.invalidateQueries())
    await waitFor(() =>
      expect(
        queryClient
          .getQueryCache()
          .findAll({ type: 'all' })
          .some((q) => q.state.status === 'error'),
      ).toBe(true),
    )
    expect(screen.getAllByRole('alert')).toHaveLength(1)

    state.down = false
    const before = fake.calls.filter((c) => c.method === 'listJobs').length
    act(() => signal.set('open'))
    await waitFor(() => expect(screen.queryByText('The console is not answering')).toBeNull())
    expect(live()).toBe('true')
    // Queries keep data until invalidated: the job list is asked again on reconnect.
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.method === 'listJobs').length).toBeGreaterThan(before),
    )
  })

  it('an ErrorMessage outside the shell still shows a NETWORK error (no banner there)', () => {
    render(
      <MantineProvider>
        <ErrorMessage title="Could not load" error={new TypeError('Failed to fetch')} />
      </MantineProvider>,
    )
    expect(screen.getByRole('alert').textContent).toMatch(/is it still running/)
  })
})
