// Load states of the Assets list and an asset's page (loading, console unreachable, contract
// error); empty, data and the delete confirmation are in assets-screen.test.tsx and asset-page.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

const asset = makeAsset()
const seed = () => createFakeConsole({ assets: [asset] })

describe('Assets list states', () => {
  itRendersLoadStates({
    path: '/assets',
    heading: 'Assets',
    methods: ['listAssets'],
    loading: /Loading assets…/,
    errorTitle: 'Could not load assets',
    dataText: /Weather 2024/,
    seed,
  })
})

describe('Asset page states', () => {
  itRendersLoadStates({
    path: `/assets/${encodeURIComponent(asset.did)}`,
    heading: /^Asset$|Weather 2024/,
    methods: ['getAsset'],
    loading: /Loading the asset…/,
    errorTitle: 'Could not load the asset',
    dataText: /Trusted algorithms/,
    seed,
  })

  it(
    'an asset that is not in the console: says so in words, with the way back',
    { timeout: 20_000 },
    async () => {
      renderApp(`/assets/${encodeURIComponent(asset.did)}`, createFakeConsole({ assets: [] }))
      const title = await screen.findByText('Could not load the asset', {}, { timeout: 5000 })
      expect(title.closest('[role="alert"]')!.textContent).toContain(
        'The asset is no longer in this console; reload the asset list.',
      )
      expect(screen.getByRole('link', { name: 'Back to assets' })).toBeTruthy()
    },
  )
})
