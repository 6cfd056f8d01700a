import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import {
  createFakeConsole,
  makeAccessRequest as pendingRequest,
} from '../../test-support/fake-console-service'

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

  it("shows the algorithm's code and DDO, and says whether the code is the one refused", async () => {
    renderApp('/inbox', createFakeConsole({ accessRequests: [pendingRequest()] }))
    const card = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    const algorithm = await within(card).findByRole(
      'region',
      { name: 'Algorithm of request a1b2c3d4e5f60718' },
      SLOW,
    )
    expect(within(algorithm).getByText('Row counter by Alice')).toBeTruthy()
    expect(within(algorithm).getByText("code matches the request's checksum")).toBeTruthy()
    expect(within(algorithm).getByText(/console\.log\(rows\.length\)/)).toBeTruthy()
    await userEvent.click(within(algorithm).getByRole('button', { name: 'DDO' }))
    expect(await within(algorithm).findByText(/"name": "Row counter"/, {}, SLOW)).toBeTruthy()
  }, 60_000)

  it('trusts on chain after a confirmation, with the setMetaData steps and the tx', async () => {
    const fake = createFakeConsole({ accessRequests: [pendingRequest()] })
    renderApp('/inbox', fake)
    const card = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    await userEvent.click(within(card).getByRole('button', { name: 'Trust on chain' }))
    const dialog = await screen.findByRole('dialog', { name: 'Trust this algorithm on chain?' }, SLOW)
    expect(fake.calls.some((c) => c.method === 'approveAccessRequestOnChain')).toBe(false)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Trust on chain' }))
    expect(fake.calls.find((c) => c.method === 'approveAccessRequestOnChain')?.input).toEqual({
      requestId: 'a1b2c3d4e5f60718',
      confirm: true,
    })
    expect(await within(card).findByText(/Trusted on chain in block 42/, {}, SLOW)).toBeTruthy()
    const steps = within(card).getByRole('list', { name: 'On-chain steps of request a1b2c3d4e5f60718' })
    expect(within(steps).getByText('Publish the DDO on chain (setMetaData)')).toBeTruthy()
    expect(within(steps).getByText('mined')).toBeTruthy()
  }, 60_000)

  it('says when the last approval on chain did not land after a restart, and why', async () => {
    const reason = 'The console stopped before the approval’s setMetaData was sent; nothing changed on chain.'
    renderApp(
      '/inbox',
      createFakeConsole({
        accessRequests: [
          pendingRequest({
            onChain: {
              state: 'not-landed',
              entry: { did: 'did:op:' + 'b'.repeat(64), filesChecksum: 'f', containerSectionChecksum: 'c' },
              startedAtMs: 1,
              txHash: null,
              reason,
            },
          }),
        ],
      }),
    )
    const card = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    expect(within(card).getByRole('note').textContent).toContain(reason)
    expect((within(card).getByRole('button', { name: 'Trust on chain' }) as HTMLButtonElement).disabled).toBe(
      false,
    )
  }, 60_000)

  it('offers no approval on chain for raw code (no DID a DDO can trust)', async () => {
    renderApp(
      '/inbox',
      createFakeConsole({
        accessRequests: [
          pendingRequest({
            algorithmDid: undefined,
            algorithmKey: 'raw:' + 'b'.repeat(64),
            rawCodeHash: 'b'.repeat(64),
          }),
        ],
      }),
    )
    const card = await screen.findByRole('article', { name: 'Access request a1b2c3d4e5f60718' }, SLOW)
    expect((within(card).getByRole('button', { name: 'Trust on chain' }) as HTMLButtonElement).disabled).toBe(
      true,
    )
    expect(await within(card).findByText(/print\("hi"\)/, {}, SLOW)).toBeTruthy()
  }, 60_000)
})
