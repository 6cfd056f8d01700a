import { describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { UnfinishedPublish } from '../../../engine/console-api/contract'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../test-support/fake-console-service'

const T = { timeout: 8000 }
const did = 'did:op:' + 'a'.repeat(64)

const unfinished = (over: Partial<UnfinishedPublish> = {}): UnfinishedPublish => ({
  id: did,
  did,
  kind: 'dataset',
  name: 'Half-published weather',
  chainId: 8996,
  stoppedAt: 'metadata',
  txStatus: 'failed',
  txHash: '0x' + '1'.repeat(64),
  error: 'The metadata transaction reverted',
  startedAtMs: Date.UTC(2026, 11, 1, 9, 30),
  updatedAtMs: Date.UTC(2026, 11, 1, 9, 31),
  inProgress: false,
  notResumable: null,
  ...over,
})
const pending = unfinished({
  id: 'pending:7b0c',
  did: null,
  name: 'Before the NFT',
  stoppedAt: 'create',
  txStatus: 'signed',
  error: null,
})

const table = () => screen.findByRole('table', { name: 'Unfinished publishes' }, T)
const rowOf = async (name: string) =>
  (await within(await table()).findByRole('rowheader', { name: new RegExp(name) })).closest(
    'tr',
  ) as HTMLElement

describe('Assets: unfinished publishes', () => {
  it('shows no section when nothing is unfinished', async () => {
    const { fake } = renderApp('assets', createFakeConsole({ assets: [makeAsset()] }))
    await screen.findByRole('table', { name: 'Assets' }, T)
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'listUnfinishedPublishes')).toBe(true))
    expect(screen.queryByRole('region', { name: 'Unfinished publishes' })).toBeNull()
    expect(screen.queryByRole('table', { name: 'Unfinished publishes' })).toBeNull()
  })

  it('lists one with a DID: its name, DID, the step it stopped at with the tx and error, and both actions', async () => {
    renderApp('assets', createFakeConsole({ unfinishedPublishes: [unfinished()] }))
    const row = await rowOf('Half-published weather')
    expect(within(row).getByTitle(did)).toBeTruthy()
    expect(within(row).getByText('Publishing the DDO (setMetaData): the transaction failed')).toBeTruthy()
    expect(within(row).getByText('The metadata transaction reverted')).toBeTruthy()
    expect(within(row).getByRole('button', { name: 'Resume Half-published weather' })).toHaveProperty(
      'disabled',
      false,
    )
    expect(within(row).getByRole('button', { name: 'Discard Half-published weather' })).toBeTruthy()
    expect(screen.getByText(/publishing the asset again would create a second data NFT/)).toBeTruthy()
  })

  it('lists one without a DID with why, and resumes it by its local id', { timeout: 20_000 }, async () => {
    const { fake } = renderApp('assets', createFakeConsole({ unfinishedPublishes: [pending] }))
    const row = await rowOf('Before the NFT')
    expect(within(row).getByText(/No DID yet: it stopped before this console learned/)).toBeTruthy()
    expect(within(row).getByText('Creating the data NFT: sent, not confirmed')).toBeTruthy()
    await userEvent.click(within(row).getByRole('button', { name: 'Resume Before the NFT' }))
    await screen.findByRole('heading', { name: /You're live: Before the NFT/ }, T)
    expect(fake.calls.filter((c) => c.method === 'resumePublish').map((c) => c.input)).toEqual([
      { id: 'pending:7b0c' },
    ])
  })

  it(
    'resumes one: its steps stream in order, it ends at the live card and leaves the list',
    { timeout: 20_000 },
    async () => {
      const { fake } = renderApp('assets', createFakeConsole({ unfinishedPublishes: [unfinished()] }))
      await userEvent.click(
        within(await rowOf('Half-published weather')).getByRole('button', {
          name: 'Resume Half-published weather',
        }),
      )
      const live = await screen.findByRole('region', { name: /You're live: Half-published weather/ }, T)
      expect(within(live).getByTestId('published-did').textContent).toBe(did)
      const steps = within(screen.getByRole('list', { name: 'On-chain steps of this resume' })).getAllByRole(
        'listitem',
      )
      // Stopped at the DDO: the NFT is not created again.
      expect(
        steps.map((s) => [s.textContent?.split(/working|sent|mined|done/)[0], s.dataset.status]),
      ).toEqual([
        ['Encrypt the DDO for this Provider', 'done'],
        ['Publish the DDO on chain (setMetaData)', 'mined'],
        ['Record it in this console', 'done'],
      ])
      await waitFor(() => expect(screen.queryByRole('table', { name: 'Unfinished publishes' })).toBeNull())
      expect(fake.unfinishedPublishes).toEqual([])
      expect(fake.assets.map((a) => a.did)).toEqual([did])
      expect(await screen.findByRole('rowheader', { name: /Half-published weather/ }, T)).toBeTruthy()
    },
  )

  it('says why a resume failed and keeps the publish listed to try again', { timeout: 20_000 }, async () => {
    const fake = createFakeConsole({ unfinishedPublishes: [unfinished()] })
    fake.fail.resumePublish = { code: 'CHAIN_UNAVAILABLE', message: 'The chain RPC did not answer' }
    renderApp('assets', fake)
    await userEvent.click(
      within(await rowOf('Half-published weather')).getByRole('button', {
        name: 'Resume Half-published weather',
      }),
    )
    const title = await screen.findByText('Could not resume Half-published weather', {}, T)
    const alert = title.closest('[role="alert"]') as HTMLElement
    expect(alert.textContent).toContain('The chain RPC did not answer')
    expect(screen.getByText(/It stays under Unfinished publishes/)).toBeTruthy()
    expect(screen.queryByRole('heading', { name: /You're live/ })).toBeNull()
    // Still there, and Resume is offered again.
    delete fake.fail.resumePublish
    const again = within(await rowOf('Half-published weather')).getByRole('button', {
      name: 'Resume Half-published weather',
    })
    await waitFor(() => expect(again).toHaveProperty('disabled', false))
    await userEvent.click(again)
    await screen.findByRole('heading', { name: /You're live: Half-published weather/ }, T)
  })

  it(
    'discards only after its confirmation, which says nothing on chain is undone',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole({ unfinishedPublishes: [unfinished(), pending] })
      renderApp('assets', fake)
      await userEvent.click(
        within(await rowOf('Half-published weather')).getByRole('button', {
          name: 'Discard Half-published weather',
        }),
      )
      let dialog = await screen.findByRole('dialog', {
        name: 'Discard the publish of Half-published weather?',
      })
      expect(dialog.textContent).toContain('It undoes nothing on chain')
      expect(dialog.textContent).toContain('a data NFT already created stays there')
      await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
      expect(fake.calls.some((c) => c.method === 'discardUnfinishedPublish')).toBe(false)

      await userEvent.click(
        within(await rowOf('Half-published weather')).getByRole('button', {
          name: 'Discard Half-published weather',
        }),
      )
      dialog = await screen.findByRole('dialog', { name: 'Discard the publish of Half-published weather?' })
      await userEvent.click(within(dialog).getByRole('button', { name: 'Discard from this console' }))
      await waitFor(() => expect(fake.unfinishedPublishes.map((u) => u.id)).toEqual(['pending:7b0c']))
      expect(fake.calls.find((c) => c.method === 'discardUnfinishedPublish')?.input).toEqual({
        id: did,
        confirm: true,
      })
      await waitFor(() =>
        expect(
          within(screen.getByRole('table', { name: 'Unfinished publishes' })).queryByText(/Half-published/),
        ).toBeNull(),
      )
      expect(await rowOf('Before the NFT')).toBeTruthy()
    },
  )

  it('says so when the list cannot be loaded, and the assets still show', async () => {
    const fake = createFakeConsole({ assets: [makeAsset()] })
    fake.fail.listUnfinishedPublishes = { code: 'INTERNAL', message: 'The store could not be read' }
    renderApp('assets', fake)
    const title = await screen.findByText('Could not load unfinished publishes', {}, T)
    expect((title.closest('[role="alert"]') as HTMLElement).textContent).toContain(
      'The store could not be read',
    )
    expect(await screen.findByRole('table', { name: 'Assets' }, T)).toBeTruthy()
  })

  it('offers neither action on a publish that is running now', async () => {
    renderApp('assets', createFakeConsole({ unfinishedPublishes: [unfinished({ inProgress: true })] }))
    const row = await rowOf('Half-published weather')
    expect(within(row).getByText('Publishing now')).toBeTruthy()
    expect(within(row).getByRole('button', { name: 'Resume Half-published weather' })).toHaveProperty(
      'disabled',
      true,
    )
    expect(within(row).getByRole('button', { name: 'Discard Half-published weather' })).toHaveProperty(
      'disabled',
      true,
    )
  })
})
