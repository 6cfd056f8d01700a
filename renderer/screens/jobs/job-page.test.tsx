import { describe, it, expect } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeJob } from '../../test-support/fake-console-service'
import { formatDate } from '../../components/labels/date-label'
import { useUiStore } from '../../ui-state/ui-store'

const DATASET = 'did:op:' + 'a'.repeat(64)
const ALGORITHM = 'did:op:' + 'b'.repeat(64)
const asset = (did: string, kind: 'dataset' | 'algorithm', name: string) => ({
  did,
  kind,
  name,
  chainId: 8996,
  nftAddress: '0x' + '1'.repeat(40),
  datatokenAddress: '0x' + '2'.repeat(40),
  state: 0,
  serviceIds: ['compute'],
  createdAtMs: 1,
  updatedAtMs: 1,
})
const logText = () => screen.getByRole('log', { name: 'Algorithm log' }).textContent ?? ''

describe('JobPage', () => {
  it('shows when each line was received with the Timestamps switch on, and not with it off', async () => {
    useUiStore.setState({ logTimestamps: false })
    const t0 = Date.UTC(2026, 11, 2, 20, 34, 7)
    const fake = createFakeConsole({
      jobs: [makeJob('job-timed', 70)],
      logs: { 'job-timed:algorithm': 'started\nworking\n' },
      logTimes: { 'job-timed:algorithm': [t0, t0 + 65_000] },
    })
    renderApp('/jobs/job-timed', fake)
    await waitFor(() => expect(logText()).toContain('working'), { timeout: 5000 })
    const toggle = await screen.findByRole('switch', { name: 'Timestamps' })
    await waitFor(() => expect(toggle).toHaveProperty('disabled', false))
    expect(logText()).not.toContain(formatDate(t0))
    await userEvent.click(toggle)
    await waitFor(() => expect(logText()).toContain(formatDate(t0 + 65_000)))
    const times = screen.getByRole('log', { name: 'Algorithm log' }).querySelectorAll('time')
    expect([...times].map((t) => t.getAttribute('dateTime'))).toEqual([
      new Date(t0).toISOString(),
      new Date(t0 + 65_000).toISOString(),
    ])
    expect(useUiStore.getState().logTimestamps).toBe(true) // UI state, kept like wrap
    await userEvent.click(toggle)
    await waitFor(() => expect(logText()).not.toContain(formatDate(t0)))
    expect(logText()).toContain('started')
  })

  it('disables the Timestamps switch, saying why, for a log written before times were kept', async () => {
    useUiStore.setState({ logTimestamps: true }) // on from another log: still nothing to show here
    renderApp(
      '/jobs/job-old',
      createFakeConsole({ jobs: [makeJob('job-old', 70)], logs: { 'job-old:algorithm': 'old line\n' } }),
    )
    await waitFor(() => expect(logText()).toContain('old line'), { timeout: 5000 })
    const toggle = screen.getByRole('switch', { name: 'Timestamps' })
    expect(toggle).toHaveProperty('disabled', true)
    expect(toggle).toHaveProperty('checked', false)
    expect(toggle.getAttribute('aria-description')).toMatch(/written before the console kept them/)
    expect(screen.getByRole('log', { name: 'Algorithm log' }).querySelector('time')).toBeNull()
  })

  it('shows why a running job waits on the compute backend (the driver’s live reason)', async () => {
    const reason =
      'the configure pod is waiting: the job volume c2d-x-data cannot bind: it names no StorageClass and the cluster has no default StorageClass.'
    renderApp(
      '/jobs/job-waiting',
      createFakeConsole({
        jobs: [{ ...makeJob('job-waiting', 20), waiting: { reason, sinceMs: 1_700_000_000_000 } }],
      }),
    )
    const alert = await screen.findByRole('status', { name: /Waiting on the compute backend/ })
    expect(within(alert).getByText(reason)).toBeTruthy()
  })

  it('shows the first lines from a window of the log, then the lines a live chunk appended', async () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join('')
    const fake = createFakeConsole({
      jobs: [makeJob('job-live', 40)],
      logs: { 'job-live:algorithm': before },
    })
    renderApp('/jobs/job-live', fake)
    await waitFor(() => expect(logText()).toContain('line 1'), { timeout: 5000 })
    const size = new TextEncoder().encode(before).length
    act(() =>
      fake.emit('onJobLog', { jobId: 'job-live', chunk: 'line 31\n', offsetBytes: size, nextByte: size + 8 }),
    )
    await waitFor(() => expect(logText()).toContain('line 31'))
    expect(logText().match(/line 30/g)).toHaveLength(1)
    expect(screen.getByRole('switch', { name: 'Follow new lines' })).toHaveProperty('checked', true)
    // Never the whole log through the console API: windows of lines only.
    expect(fake.calls.some((c) => c.method === 'readJobLog')).toBe(false)
  })

  it('reads only the pages of a long log near the viewport', async () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `row ${i + 1}\n`).join('')
    const fake = createFakeConsole({ jobs: [makeJob('job-long', 70)], logs: { 'job-long:algorithm': long } })
    renderApp('/jobs/job-long', fake)
    await waitFor(() => expect(logText()).toContain('row 1'), { timeout: 5000 })
    expect(logText()).not.toContain('row 19999')
    const reads = fake.calls
      .filter((c) => c.method === 'readJobLogLines')
      .map((c) => c.input as { fromLine: number; maxLines: number })
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every((r) => r.fromLine < 1000 && r.maxLines <= 500)).toBe(true)
  })

  it('searches the log on the engine and jumps from match to match', async () => {
    const fake = createFakeConsole({
      jobs: [makeJob('job-s', 70)],
      logs: { 'job-s:algorithm': 'epoch 1 loss 0.9\nsaving\nepoch 2 loss 0.4\n' },
    })
    renderApp('/jobs/job-s', fake)
    await waitFor(() => expect(logText()).toContain('saving'), { timeout: 5000 })
    await userEvent.type(screen.getByRole('textbox', { name: 'Search the algorithm log' }), 'EPOCH')
    expect(await screen.findByText('1 of 2 matching lines')).toBeTruthy()
    const log = screen.getByRole('log', { name: 'Algorithm log' })
    const current = () => log.querySelector('[aria-current="true"]')?.textContent ?? ''
    expect(current()).toContain('epoch 1')
    await userEvent.click(screen.getByRole('button', { name: 'Next match' }))
    await waitFor(() => expect(current()).toContain('epoch 2'))
    expect(screen.getByText('2 of 2 matching lines')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Next match' }))
    await waitFor(() => expect(current()).toContain('epoch 1')) // wraps round
    expect(fake.calls.some((c) => c.method === 'searchJobLog')).toBe(true)
    await userEvent.clear(screen.getByRole('textbox', { name: 'Search the algorithm log' }))
    await userEvent.type(screen.getByRole('textbox', { name: 'Search the algorithm log' }), 'nothing like it')
    expect(await screen.findByText('0 matching lines')).toBeTruthy()
    // A finished job's log does not follow.
    expect(screen.queryByRole('switch', { name: 'Follow new lines' })).toBeNull()
  }, 15_000)

  it('names the dataset and algorithm, tells the duration and what the job earned', async () => {
    const job = {
      ...makeJob('job-paid', 70),
      algoStartMs: 1_700_000_000_000,
      algoStopMs: 1_700_000_125_000,
      isFree: false,
      payment: {
        chainId: 8996,
        token: '0x' + '3'.repeat(40),
        costWei: '1350000000000000000',
        claimTx: '0x' + 'c'.repeat(64),
      },
    }
    renderApp(
      '/jobs/job-paid',
      createFakeConsole({
        jobs: [job],
        assets: [
          asset(DATASET, 'dataset', 'Weather stations'),
          asset(ALGORITHM, 'algorithm', 'Mean temperature'),
        ],
      }),
    )
    const facts = await screen.findByRole('table', { name: 'Job facts' })
    await waitFor(() => expect(within(facts).getByText('Weather stations')).toBeTruthy())
    expect(within(facts).getByText('Mean temperature')).toBeTruthy()
    expect(within(facts).getByText('2 min 5 s')).toBeTruthy()
    expect(within(facts).getByText(/Earned/).textContent).toMatch(/Earned 1\.35 \w+, claimed from escrow/)
    expect(screen.getByRole('button', { name: 'Stop job' })).toHaveProperty('disabled', true)
    expect(screen.queryByText('Stopping…')).toBeNull()
  })

  it(
    'links the dataset, algorithm and environment to their pages when this console knows them',
    { timeout: 30_000 },
    async () => {
      const known = makeJob('job-known', 70)
      const fake = createFakeConsole({
        jobs: [known, { ...makeJob('job-unknown', 70), environmentId: 'gone-env' }],
        assets: [
          asset(DATASET, 'dataset', 'Weather stations'),
          asset(ALGORITHM, 'algorithm', 'Mean temperature'),
        ],
      })
      const { unmount } = renderApp('/jobs/job-known', fake)
      const facts = await screen.findByRole('table', { name: 'Job facts' })
      const dataset = await within(facts).findByRole('link', { name: 'Weather stations' })
      expect(dataset.getAttribute('href')).toContain(`/assets/${encodeURIComponent(DATASET)}`)
      const algorithm = within(facts).getByRole('link', { name: 'Mean temperature' })
      expect(algorithm.getAttribute('href')).toContain(`/assets/${encodeURIComponent(ALGORITHM)}`)
      const env = await within(facts).findByRole('link', { name: 'free-local' })
      expect(env.getAttribute('href')).toContain('/compute-backend/environments/free-local')
      await userEvent.click(env)
      await screen.findByRole('heading', { level: 2, name: 'Environment free-local' })
      unmount()

      // An environment (or asset) this console does not know is text, not a dead link.
      renderApp('/jobs/job-unknown', fake)
      const other = await screen.findByRole('table', { name: 'Job facts' })
      await waitFor(() => expect(within(other).getByText('gone-env')).toBeTruthy())
      await waitFor(() => expect(fake.calls.some((c) => c.method === 'listEnvironments')).toBe(true))
      expect(within(other).queryByRole('link', { name: 'gone-env' })).toBeNull()
    },
  )

  it('saves a result through the desktop Save dialog when there is one', async () => {
    const asked: string[] = []
    const fake = createFakeConsole({
      jobs: [makeJob('job-done', 70)],
      saveDialog: async (name) => (asked.push(name), '/home/me/out.txt'),
    })
    renderApp('/jobs/job-done', fake)
    await userEvent.click(await screen.findByRole('button', { name: 'Download out.txt' }))
    expect(await screen.findByText('Saved.')).toBeTruthy()
    expect(asked).toEqual(['out.txt'])
    // Never base64 through the console API.
    expect(fake.calls.some((c) => c.method === 'readResult')).toBe(false)
  })

  it('in the browser, hands the streamed results GET to the browser (no file in renderer memory)', async () => {
    const fake = createFakeConsole({ jobs: [makeJob('job-done', 70)] })
    renderApp('/jobs/job-done', fake)
    const clicked: string[] = []
    const original = HTMLAnchorElement.prototype.click
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.href)
    }
    try {
      await userEvent.click(await screen.findByRole('button', { name: 'Download out.txt' }))
      expect(await screen.findByText('Downloading in your browser.')).toBeTruthy()
    } finally {
      HTMLAnchorElement.prototype.click = original
    }
    expect(clicked).toHaveLength(1)
    expect(clicked[0]).toMatch(/\/console\/v1\/jobs\/job-done\/results\/0\?token=/)
    expect(fake.calls.some((c) => c.method === 'readResult')).toBe(false)
  })
})

describe('JobPage heading', () => {
  // The engine's ids: a UUID without dashes.
  const LONG_ID = '3f2a5c7e9b1d4f60a8c2e4b6d8f091c0'

  it('shows the job id shortened (full on hover, a copy button beside), and the route focuses it', async () => {
    const { history } = renderApp('/jobs', createFakeConsole({ jobs: [makeJob(LONG_ID, 70)] }))
    await screen.findByRole('link', { name: `Open job ${LONG_ID}` }, { timeout: 5000 })
    history.push(`/jobs/${LONG_ID}`)
    // Loading or loaded, the heading reads the short id and nothing else (the copy button is outside).
    const heading = await screen.findByRole(
      'heading',
      { level: 2, name: 'Job 3f2a5c…91c0' },
      { timeout: 5000 },
    )
    await waitFor(() => expect(document.activeElement).toBe(heading))
    await screen.findByRole('list', { name: 'Stage timeline' }, { timeout: 5000 })
    const loaded = screen.getByRole('heading', { level: 2, name: 'Job 3f2a5c…91c0' })
    expect(document.activeElement).toBe(loaded) // the same h2: focus kept when the job arrived
    expect(loaded.textContent).not.toContain(LONG_ID)
    expect(loaded.querySelector(`[title="${LONG_ID}"]`)).not.toBeNull()
    const copy = screen.getByRole('button', { name: `Copy job id ${LONG_ID}` })
    expect(loaded.contains(copy)).toBe(false)
    expect(loaded.parentElement!.contains(copy)).toBe(true)
  })
})
