// Focus goes to the new page's heading even while the page is still loading its data (the heading
// is rendered before the pending branch), not to <main>.
import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import { renderApp } from '../test-support/render-app'
import { createFakeConsole, makeAsset, type FakeConsole } from '../test-support/fake-console-service'
import { createConsoleClient } from '../../engine/console-api/contract'

/** The fake, with the listed methods never answering (the page stays in its loading state). */
function holding(fake: FakeConsole, methods: string[]): FakeConsole {
  const transport = {
    ...fake.transport,
    call: (method: string, input: unknown) =>
      methods.includes(method) ? new Promise<never>(() => {}) : fake.transport.call(method as never, input),
  } as FakeConsole['transport']
  return { ...fake, transport, client: createConsoleClient(transport) }
}

const asset = makeAsset()

describe('focus while a page loads', () => {
  it.each([
    ['the asset page', `/assets/${encodeURIComponent(asset.did)}`, ['getAsset']],
    ['the Overview', '/', ['getOverview']],
    ['a dataset policy', `/policies/${encodeURIComponent(asset.did)}`, ['getDatasetPolicy']],
  ])('%s: focus lands on its heading before its data', async (_name, path, methods) => {
    const { history } = renderApp('/jobs', holding(createFakeConsole({ assets: [asset] }), methods))
    await screen.findByRole('heading', { name: 'Jobs', level: 2 })
    history.push(path)
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Loading/))
    await waitFor(() => expect(document.activeElement?.tagName).toBe('H2'))
    expect(screen.getAllByRole('heading', { level: 2 })).toHaveLength(1)
  })
})
