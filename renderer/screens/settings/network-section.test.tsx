import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../test-support/fake-console-service'

const asset = makeAsset()

describe('Settings → Network', () => {
  it('warns what P2P exposes before applying, then shows the re-published DDOs and their txs', async () => {
    const { fake } = renderApp('settings', createFakeConsole({ assets: [asset] }))
    const section = within(await screen.findByRole('region', { name: 'Network' }, { timeout: 5000 }))
    expect((await section.findByTestId('service-endpoint')).textContent).toBe('http://127.0.0.1:8001')
    await userEvent.click(section.getByRole('switch', { name: /P2P interface/ }))
    await userEvent.click(section.getByRole('button', { name: 'Apply network settings' }))
    // Nothing is applied until the publisher has read the consequences.
    expect(fake.calls.some((c) => c.method === 'saveNetworkSettings')).toBe(false)
    const dialog = within(await screen.findByRole('dialog'))
    const warnings = dialog.getByRole('list', { name: 'What this change exposes' })
    expect(warnings.textContent).toMatch(/can reach this Provider by its peer ID/)
    expect(warnings.textContent).toMatch(/1 asset will be re-published, one on-chain transaction each/)
    await userEvent.click(dialog.getByRole('button', { name: 'Apply and expose' }))
    expect(await screen.findByText(/1 DDO re-published with 16Uiu2HAmFakePeer/)).toBeTruthy()
    const table = within(screen.getByRole('table', { name: 'Re-published DDOs' }))
    // Shortened as every tx hash is, the whole hash on hover and behind its copy button.
    const tx = '0x' + 'e'.repeat(63) + '1'
    expect(table.getByTitle(tx).textContent).toBe('0xeeeeee…eee1')
    expect(table.getByRole('button', { name: `Copy tx hash ${tx}` })).toBeTruthy()
    expect(fake.calls.find((c) => c.method === 'saveNetworkSettings')?.input).toEqual({
      p2pEnabled: true,
      publicUrl: null,
      announceAddresses: [],
      confirm: true,
    })
    expect(section.getByTestId('service-endpoint').textContent).toBe('16Uiu2HAmFakePeer')
  }, 20_000)

  it('the status bar shows the new Provider URL once a public URL is applied', async () => {
    const { fake } = renderApp('settings')
    const footer = within(await screen.findByRole('contentinfo'))
    expect(await footer.findByText(/127\.0\.0\.1:8001/)).toBeTruthy()
    const overviewCalls = () => fake.calls.filter((c) => c.method === 'getOverview').length
    const before = overviewCalls()
    const section = within(await screen.findByRole('region', { name: 'Network' }, { timeout: 5000 }))
    await userEvent.type(await section.findByLabelText(/Public URL/), 'https://provider.example.org')
    await userEvent.click(section.getByRole('button', { name: 'Apply network settings' }))
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: /Apply/ }))
    expect(await footer.findByText(/provider\.example\.org/)).toBeTruthy()
    expect(overviewCalls()).toBeGreaterThan(before)
  }, 20_000)

  it('warns when the Provider is bound beyond loopback', async () => {
    const fake = createFakeConsole()
    await fake.client.saveSettings({ providerHost: '0.0.0.0' })
    renderApp('settings', fake)
    const section = within(await screen.findByRole('region', { name: 'Network' }, { timeout: 5000 }))
    expect((await section.findByTestId('bind-warning')).textContent).toMatch(/listens on 0\.0\.0\.0/)
  }, 20_000)

  it('cancelling the warning changes nothing', async () => {
    const { fake } = renderApp('settings')
    const section = within(await screen.findByRole('region', { name: 'Network' }, { timeout: 5000 }))
    await userEvent.type(await section.findByLabelText(/Public URL/), 'https://provider.example.org')
    await userEvent.click(section.getByRole('button', { name: 'Apply network settings' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByRole('list', { name: 'What this change exposes' }).textContent).toMatch(
      /consumers will send every Provider request there/,
    )
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }))
    expect(fake.calls.some((c) => c.method === 'saveNetworkSettings')).toBe(false)
  }, 20_000)
})
