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
