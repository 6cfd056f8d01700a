import { describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { AssetSummary } from '../../../../engine/console-api/contract'
import { openListbox, optionWords } from '../../../test-support/pick-option'
import { renderApp } from '../../../test-support/render-app'
import { createFakeConsole, makeAsset, makeJob } from '../../../test-support/fake-console-service'
import { isLocalOnlyEndpoint } from './asset-page'

const dataset = makeAsset()
const algorithm: AssetSummary = {
  ...dataset,
  did: 'did:op:' + 'b'.repeat(64),
  kind: 'algorithm',
  name: 'Mean temperature',
  updatedAtMs: 1,
}
const T = { timeout: 30_000 }

async function openAsset() {
  const fake = createFakeConsole({ assets: [{ ...dataset }, { ...algorithm }] })
  renderApp(`/assets/${dataset.did}`, fake)
  expect(
    await screen.findByRole('heading', { name: 'Weather 2024', level: 2 }, { timeout: 8000 }),
  ).toBeTruthy()
  return fake
}
async function confirm(title: string, button: string) {
  const dialog = await screen.findByRole('dialog', { name: title })
  await userEvent.click(within(dialog).getByRole('button', { name: button }))
}

describe('Asset page', () => {
  it('shows its facts and warns when the DDO names a loopback Provider', T, async () => {
    await openAsset()
    const facts = screen.getByRole('region', { name: 'Facts' })
    expect(within(facts).getByTitle(dataset.did)).toBeTruthy()
    expect(within(facts).getByText('http://127.0.0.1:8001')).toBeTruthy()
    expect(screen.getByText('Consumers elsewhere cannot reach this endpoint')).toBeTruthy()
    expect(isLocalOnlyEndpoint('https://provider.example.org')).toBe(false)
    expect(isLocalOnlyEndpoint('http://0.0.0.0:8001')).toBe(true)
  })

  it(
    'an asset published elsewhere shows its publisher and offers no edit the console would sign',
    T,
    async () => {
      const publisher = '0x' + '9'.repeat(40)
      renderApp(
        `/assets/${dataset.did}`,
        createFakeConsole({ assets: [{ ...dataset, publishedElsewhere: { publisher } }, { ...algorithm }] }),
      )
      expect(
        await screen.findByRole('heading', { name: 'Weather 2024', level: 2 }, { timeout: 8000 }),
      ).toBeTruthy()
      expect(screen.getByLabelText(`Published elsewhere by ${publisher}`)).toBeTruthy()
      expect(screen.getByText(/published outside this console by/)).toBeTruthy()
      expect(screen.queryByRole('form', { name: 'Edit trusted algorithms' })).toBeNull()
      expect(screen.queryByRole('form', { name: 'Asset state' })).toBeNull()
      expect(screen.queryByRole('button', { name: /Sign/ })).toBeNull()
      // Node-only approvals are this node's own (off-chain): still offered.
      expect(screen.getByRole('link', { name: "Edit this dataset's policies" })).toBeTruthy()
    },
  )

  it(
    'an asset the chain no longer has shows "Not on this chain", says why, and disables on-chain actions',
    T,
    async () => {
      const notOnChain = {
        missing: ['data NFT', 'datatoken'] as Array<'data NFT' | 'datatoken'>,
        message: '"Weather 2024" is not on chain 8996 any more: publish the asset again.',
      }
      renderApp(
        `/assets/${dataset.did}`,
        createFakeConsole({ assets: [{ ...dataset, notOnChain }, { ...algorithm }] }),
      )
      expect(
        await screen.findByRole('heading', { name: 'Weather 2024', level: 2 }, { timeout: 8000 }),
      ).toBeTruthy()
      // The badge beside the title and the alert that explains it.
      expect(screen.getAllByLabelText('Not on this chain')).toHaveLength(2)
      expect(screen.getByRole('alert', { name: 'Not on this chain' }).textContent).toMatch(
        /is not on chain 8996 any more.*off until it is published again/,
      )
      const form = screen.getByRole('form', { name: 'Asset state' })
      expect((within(form).getByRole('button', { name: 'Change state' }) as HTMLButtonElement).disabled).toBe(
        true,
      )
      const submits = [...document.querySelectorAll('form button[type="submit"]')] as HTMLButtonElement[]
      expect(submits.length).toBeGreaterThan(1)
      expect(submits.every((b) => b.disabled)).toBe(true)
      expect(screen.queryByRole('form', { name: 'Edit trusted algorithms' })).toBeNull()
    },
  )

  it('an asset still on the chain has no such badge and its actions are enabled', T, async () => {
    await openAsset()
    expect(screen.queryByLabelText('Not on this chain')).toBeNull()
    const form = screen.getByRole('form', { name: 'Asset state' })
    expect((within(form).getByRole('button', { name: 'Change state' }) as HTMLButtonElement).disabled).toBe(
      false,
    )
  })

  it(
    "edits an algorithm's metadata: errors next to their field in words, sent only after confirming",
    T,
    async () => {
      const fake = createFakeConsole({ assets: [{ ...dataset }, { ...algorithm }] })
      renderApp(`/assets/${algorithm.did}`, fake)
      expect(
        await screen.findByRole('heading', { name: 'Mean temperature', level: 2 }, { timeout: 8000 }),
      ).toBeTruthy()
      const form = await screen.findByRole('form', { name: 'Edit metadata' })
      const nameInput = within(form).getByLabelText('Name')
      await userEvent.clear(nameInput)
      const timeout = within(form).getByLabelText('Order timeout (seconds)')
      await userEvent.clear(timeout)
      await userEvent.type(timeout, '-5')
      await userEvent.click(within(form).getByRole('button', { name: 'Save metadata' }))
      expect(await within(form).findByText(/give the asset a name/i)).toBeTruthy()
      expect(nameInput.getAttribute('aria-invalid')).toBe('true')
      expect(timeout.getAttribute('aria-invalid')).toBe('true')
      expect(fake.calls.some((c) => c.method === 'editAsset')).toBe(false)
      await userEvent.type(nameInput, 'Mean temperature v2')
      await userEvent.clear(timeout)
      await userEvent.type(timeout, '600')
      await userEvent.click(within(form).getByRole('button', { name: 'Save metadata' }))
      await confirm('Publish the new metadata?', 'Sign and publish')
      await waitFor(() =>
        expect(fake.calls.find((c) => c.method === 'editAsset')?.input).toEqual({
          did: algorithm.did,
          changes: { name: 'Mean temperature v2', timeoutSec: 600 },
          confirm: true,
        }),
      )
    },
  )

  it('shows the DDO read-only once asked for', T, async () => {
    await openAsset()
    const section = screen.getByRole('region', { name: 'DDO' })
    const toggle = within(section).getByRole('button', { name: 'Show the DDO' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    await userEvent.click(toggle)
    const json = (await within(section).findByLabelText(/The DDO as on chain/)) as HTMLTextAreaElement
    expect(json.readOnly).toBe(true)
    expect(JSON.parse(json.value)).toMatchObject({ id: dataset.did })
  })

  it('lists the jobs on the asset with their consumer, each linking to its job page', T, async () => {
    const owner = '0x' + '7'.repeat(40)
    const job = makeJob('job-on-asset', 70, { owner, datasets: [{ did: dataset.did, serviceId: 'compute' }] })
    renderApp(`/assets/${dataset.did}`, createFakeConsole({ assets: [{ ...dataset }], jobs: [job] }))
    const table = await screen.findByRole('table', { name: 'Jobs on this asset' }, { timeout: 8000 })
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Job', 'Status', 'Consumer', 'Started'])
    expect(within(table).getByRole('link', { name: 'Job job-on-asset' })).toBeTruthy()
  })

  it('edits the trusted algorithms after publishing, picked by name, only after confirming', T, async () => {
    const fake = await openAsset()
    const form = screen.getByRole('form', { name: 'Edit trusted algorithms' })
    await userEvent.type(within(form).getByLabelText('Algorithms allowed to run'), 'Mean')
    await userEvent.click(await screen.findByText(/Mean temperature \(did:op:bbbbbb/))
    await userEvent.click(within(form).getByRole('button', { name: 'Save compute settings' }))
    const dialog = await screen.findByRole('dialog', { name: 'Publish the new compute settings?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.calls.some((c) => c.method === 'editAsset')).toBe(false)
    await userEvent.click(within(form).getByRole('button', { name: 'Save compute settings' }))
    await confirm('Publish the new compute settings?', 'Sign and publish')
    await waitFor(() =>
      expect(fake.calls.find((c) => c.method === 'editAsset')?.input).toEqual({
        did: dataset.did,
        changes: {
          publisherTrustedAlgorithms: [algorithm.did],
          publisherTrustedAlgorithmPublishers: [],
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
        },
        confirm: true,
      }),
    )
    const now = await screen.findByRole('table', { name: 'Trusted algorithms now' })
    expect(within(now).getByRole('rowheader', { name: 'Mean temperature' })).toBeTruthy()
  })

  it(
    'changes the state in words only after confirmation; the choice starts empty, not on revoked',
    T,
    async () => {
      const fake = await openAsset()
      const form = screen.getByRole('form', { name: 'Asset state' })
      const select = within(form).getByRole('combobox', { name: 'New state' }) as HTMLInputElement
      expect(select.value).toBe('')
      expect(select.placeholder).toBe('Choose a state…')
      expect(optionWords(await openListbox(select))).toContain('Ordering disabled')
      await userEvent.click(screen.getByRole('option', { name: 'Revoked', hidden: true }))
      expect(select.value).toBe('Revoked')
      await userEvent.click(within(form).getByRole('button', { name: 'Change state' }))
      const dialog = await screen.findByRole('dialog', { name: 'Send this transaction?' })
      expect(dialog.textContent).toContain('Set Weather 2024 to “Revoked”?')
      expect(dialog.textContent).toContain('no longer start compute jobs')
      await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and send' }))
      expect(await screen.findByText(/State set to Revoked/)).toBeTruthy()
      expect(fake.calls.find((c) => c.method === 'setAssetState')?.input).toEqual({
        did: dataset.did,
        state: 'revoked',
        confirm: true,
      })
    },
  )

  it('checks the mint form before sending: bad address and amounts are refused in place', T, async () => {
    const fake = await openAsset()
    const form = screen.getByRole('form', { name: 'Mint datatokens' })
    await userEvent.type(within(form).getByLabelText('Recipient address'), '0x1234')
    await userEvent.type(within(form).getByLabelText('Amount'), '0')
    await userEvent.click(within(form).getByRole('button', { name: 'Mint' }))
    expect(within(form).getByText('An 0x address of 40 hex digits.')).toBeTruthy()
    expect(within(form).getByText('Must be more than 0.')).toBeTruthy()
    expect(screen.queryByRole('dialog')).toBeNull()
    const consumer = '0x' + 'a'.repeat(40)
    await userEvent.clear(within(form).getByLabelText('Recipient address'))
    await userEvent.type(within(form).getByLabelText('Recipient address'), consumer)
    await userEvent.clear(within(form).getByLabelText('Amount'))
    await userEvent.type(within(form).getByLabelText('Amount'), '2.5')
    await userEvent.click(within(form).getByRole('button', { name: 'Mint' }))
    await confirm('Send this transaction?', 'Sign and send')
    const tx = await screen.findByTestId('distribution-tx')
    expect(tx.getAttribute('title')).toMatch(/^0x[0-9a-f]{64}$/)
    expect(tx.textContent).toMatch(/^0x[0-9a-f]{6}…[0-9a-f]{4}$/)
    expect(fake.calls.find((c) => c.method === 'mintDatatokens')?.input).toEqual({
      did: dataset.did,
      to: consumer,
      amount: '2.5',
      confirm: true,
    })
  })

  it('says what to do when the chain refuses (wallet without gas)', T, async () => {
    const fake = await openAsset()
    fake.fail.createDispenser = {
      code: 'INSUFFICIENT_FUNDS',
      message: 'The publisher has not enough native coin for gas on chain 8996',
    }
    await userEvent.click(
      within(screen.getByRole('form', { name: 'Free dispenser' })).getByRole('button', {
        name: 'Create dispenser',
      }),
    )
    await confirm('Send this transaction?', 'Sign and send')
    const alert = await screen.findByRole('alert', { name: 'The price was not set' })
    expect(alert.textContent).toContain('Send native coin (for gas)')
  })
})
