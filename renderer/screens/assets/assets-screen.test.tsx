import { describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../test-support/fake-console-service'

const algorithm = makeAsset({
  did: 'did:op:' + 'b'.repeat(64),
  kind: 'algorithm',
  name: 'Mean temperature',
  nftAddress: '0x' + '4'.repeat(40),
  datatokenAddress: '0x' + '5'.repeat(40),
})

describe('AssetsScreen', () => {
  it('teaches with an empty state that offers to publish the sample', async () => {
    renderApp('assets')
    const empty = await screen.findByRole('region', { name: 'No assets yet' }, { timeout: 8000 })
    expect(within(empty).getByRole('link', { name: 'Publish the sample' }).getAttribute('href')).toContain(
      '/assets/new',
    )
  })

  it("marks an asset published elsewhere with its publisher; the console's own assets carry no mark", async () => {
    const publisher = '0x' + '9'.repeat(40)
    const indexed = makeAsset({ name: 'Indexed weather', publishedElsewhere: { publisher } })
    renderApp('assets', createFakeConsole({ assets: [indexed, { ...algorithm }] }))
    const table = await screen.findByRole('table', { name: 'Assets' }, { timeout: 8000 })
    const row = within(table)
      .getByRole('rowheader', { name: /Indexed weather/ })
      .closest('tr')!
    const mark = within(row as HTMLElement).getByLabelText(`Published elsewhere by ${publisher}`)
    expect(mark.textContent).toBe('Published elsewhere · 0x999999…9999')
    expect(within(row as HTMLElement).getByRole('link', { name: 'View Indexed weather' })).toBeTruthy()
    const own = within(table)
      .getByRole('rowheader', { name: /Mean temperature/ })
      .closest('tr')!
    expect(within(own as HTMLElement).queryByText(/Published elsewhere/)).toBeNull()
    expect(within(own as HTMLElement).getByRole('link', { name: 'Manage Mean temperature' })).toBeTruthy()
  })

  it('marks an asset the chain in use no longer has as "Not on this chain"; others carry no mark', async () => {
    const stale = makeAsset({
      name: 'Gone weather',
      notOnChain: { missing: ['data NFT', 'datatoken'], message: 'Not on chain 8996 any more.' },
    })
    renderApp('assets', createFakeConsole({ assets: [stale, { ...algorithm }] }))
    const table = await screen.findByRole('table', { name: 'Assets' }, { timeout: 8000 })
    const goneRow = within(table).getByRole('rowheader', { name: /Gone weather/ })
    expect(within(goneRow).getByLabelText('Not on this chain')).toBeTruthy()
    const otherRow = within(table).getByRole('rowheader', { name: /Mean temperature/ })
    expect(within(otherRow).queryByLabelText('Not on this chain')).toBeNull()
  })

  it('deletes an asset only after its confirmation', { timeout: 20_000 }, async () => {
    const { fake } = renderApp('assets', createFakeConsole({ assets: [{ ...algorithm }] }))
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Mean temperature' }))
    const dialog = await screen.findByRole('dialog', { name: 'Delete Mean temperature?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete from this console' }))
    await waitFor(() => expect(fake.assets).toEqual([]))
  })
})

describe('Publish wizard', () => {
  it(
    'says a wallet is needed before showing the form, and unlocks in place',
    { timeout: 20_000 },
    async () => {
      renderApp('/assets/new', createFakeConsole({ walletState: 'locked' }))
      const gate = await screen.findByRole(
        'region',
        { name: 'Unlock your wallet to publish' },
        { timeout: 8000 },
      )
      expect(screen.queryByRole('form', { name: 'Asset' })).toBeNull()
      await userEvent.type(within(gate).getByLabelText('Wallet password'), 'correct horse')
      await userEvent.click(within(gate).getByRole('button', { name: 'Unlock wallet' }))
      expect(await screen.findByRole('form', { name: 'Asset' })).toBeTruthy()
    },
  )

  it('sends a publisher with no wallet to Settings first', async () => {
    renderApp('/assets/new', createFakeConsole({ walletState: 'none' }))
    const gate = await screen.findByRole(
      'region',
      { name: 'You need a wallet to publish' },
      { timeout: 8000 },
    )
    expect(within(gate).getByRole('link', { name: 'Create a wallet in Settings' })).toBeTruthy()
  })

  it('puts each problem next to its field in words and does not move on', { timeout: 20_000 }, async () => {
    const { fake } = renderApp('/assets/new')
    const form = await screen.findByRole('form', { name: 'Asset' })
    await userEvent.click(within(form).getByRole('button', { name: 'Next' }))
    const name = within(form).getByLabelText('Name')
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByText('Give the asset a name.')).toBeTruthy()
    expect(within(form).getByText('Add at least one file.')).toBeTruthy()
    expect(within(form).getByRole('alert', { name: 'Validation problems' }).textContent).not.toContain(
      'service.files',
    )
    expect(fake.calls.some((c) => c.method === 'publishAsset')).toBe(false)
  })

  it(
    'publishes a dataset trusting an algorithm picked by name, streams the steps and says it is live',
    { timeout: 30_000 },
    async () => {
      const fake = createFakeConsole({ assets: [{ ...algorithm }] })
      renderApp('/assets/new', fake)
      const form = await screen.findByRole('form', { name: 'Asset' })
      await userEvent.type(within(form).getByLabelText('Name'), 'Weather 2024')
      await userEvent.type(
        within(form).getByLabelText('File (URL or local path)'),
        'https://data.example/weather.csv',
      )
      await userEvent.click(within(form).getByRole('button', { name: 'Next' }))
      expect(await within(form).findByRole('table', { name: 'Environments for this service' })).toBeTruthy()
      await userEvent.click(within(form).getByLabelText('Trusted algorithms'))
      await userEvent.type(within(form).getByLabelText('Trusted algorithms'), 'Mean')
      await userEvent.click(await screen.findByText(/Mean temperature \(did:op:bbbbbb/))
      await userEvent.click(within(form).getByRole('button', { name: 'Next' }))
      const review = await within(form).findByRole('table', { name: 'Review' })
      expect(review.textContent).toContain('Mean temperature')
      expect(review.textContent).toContain('Free (dispenser)')
      await userEvent.click(within(form).getByRole('button', { name: 'Publish' }))
      const live = await screen.findByRole('region', { name: /You're live: Weather 2024/ })
      const did = within(live).getByTestId('published-did').textContent ?? ''
      expect(did).toMatch(/^did:op:/)
      expect(within(live).getByText(/freeComputeStart/)).toBeTruthy()
      const publish = fake.calls.find((c) => c.method === 'publishAsset')?.input as {
        draft: { service: { publisherTrustedAlgorithms: Array<{ did: string }>; files: unknown[] } }
      }
      expect(publish.draft.service.publisherTrustedAlgorithms.map((t) => t.did)).toEqual([algorithm.did])
      expect(JSON.stringify(publish.draft.service.files)).toContain('https://data.example/weather.csv')
      await waitFor(() =>
        expect(fake.calls.find((c) => c.method === 'createDispenser')?.input).toMatchObject({ did }),
      )
      const steps = await screen.findByRole('list', { name: 'On-chain steps of this publish' })
      expect(await within(steps).findByText('Create a free dispenser')).toBeTruthy()
    },
  )
})
