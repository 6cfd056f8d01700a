import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { AccessRequestSummary } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'

export function pendingRequest(over: Partial<AccessRequestSummary> = {}): AccessRequestSummary {
  return {
    id: 'a1b2c3d4e5f60718',
    datasetDid: 'did:op:' + 'a'.repeat(64),
    serviceId: 'compute',
    algorithmKey: 'did:op:' + 'c'.repeat(64),
    algorithmDid: 'did:op:' + 'c'.repeat(64),
    container: { image: 'python', tag: '3.12', checksum: 'sha256:abc', entrypoint: 'python $ALGO' },
    containerChecksum: 'e'.repeat(64),
    filesChecksum: 'f'.repeat(64),
    reason: 'Algorithm is not trusted by this dataset',
    status: 'pending',
    denyReason: null,
    approvedTx: null,
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    consumers: [{ consumer: '0x' + '1'.repeat(40), attempts: 3, lastAtMs: 1_700_000_000_000 }],
    policies: [],
    ...over,
  }
}

// Generous waits: these render the whole app, and CI machines are shared.
const SLOW = { timeout: 15_000 }

describe('InboxScreen', () => {
  it('shows the algorithm, its container, checksums and who asked how often', async () => {
    renderApp('/inbox', createFakeConsole({ accessRequests: [pendingRequest()] }))
    const card = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    expect(within(card).getByText(/python:3\.12/)).toBeTruthy()
    expect(within(card).getByText(new RegExp(`files ${'f'.repeat(64)}`))).toBeTruthy()
    const consumers = within(card).getByRole('table', { name: 'Consumers of request a1b2c3d4e5f60718' })
    expect(within(consumers).getByText('3')).toBeTruthy()
  }, 60_000)

  it('approves on this node for one consumer, and denies with a reason', async () => {
    const fake = createFakeConsole({
      accessRequests: [pendingRequest(), pendingRequest({ id: 'ffff000011112222' })],
    })
    renderApp('/inbox', fake)
    const first = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    await userEvent.type(
      within(first).getByLabelText('Only for consumer (empty: all)'),
      '0x' + '2'.repeat(40),
    )
    await userEvent.click(within(first).getByRole('button', { name: 'Approve on this node' }))
    expect(fake.calls.find((c) => c.method === 'approveAccessRequest')?.input).toEqual({
      requestId: 'a1b2c3d4e5f60718',
      consumer: '0x' + '2'.repeat(40),
      confirm: true,
    })
    const second = await screen.findByRole('article', { name: 'Access request ffff000011112222' }, SLOW)
    const deny = within(second).getByRole('button', { name: 'Deny' })
    expect((deny as HTMLButtonElement).disabled).toBe(true)
    await userEvent.type(within(second).getByLabelText('Reason for the consumer'), 'exports raw rows')
    await userEvent.click(deny)
    expect(fake.calls.find((c) => c.method === 'denyAccessRequest')?.input).toEqual({
      requestId: 'ffff000011112222',
      reason: 'exports raw rows',
    })
    // Both left the pending list.
    expect(await screen.findByText('Nothing is waiting for your approval.', {}, SLOW)).toBeTruthy()
  }, 60_000)
})
