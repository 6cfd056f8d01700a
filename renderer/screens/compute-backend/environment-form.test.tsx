// Environments edited from the UI: the deep-linked environment page, prices in token units with the
// token's symbol (kept exact), free-tier and resource limits with their errors beside the fields,
// and delete behind its confirmation.
import { describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN, FAKE_OCEAN_2 } from '../../test-support/fake-console-service'

const input = (form: HTMLElement, label: string) =>
  within(form).getByLabelText(label, { selector: 'input' }) as HTMLInputElement
const type = (form: HTMLElement, label: string, value: string) =>
  fireEvent.change(input(form, label), { target: { value } })
/** The texts a field is described by: its help and, when invalid, its error. */
const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')

describe('environment page and form', () => {
  it(
    'opens an environment by its link, prefilled, and saves per-minute prices in OCEAN exactly',
    { timeout: 30_000 },
    async () => {
      const { fake, history } = renderApp('compute-backend')
      const table = await screen.findByRole('table', { name: 'Environments' })
      await userEvent.click(within(table).getByRole('link', { name: 'Edit environment free-local' }))
      expect(history.location.pathname).toBe('/compute-backend/environments/free-local')
      expect(await screen.findByRole('heading', { name: 'Environment free-local', level: 2 })).toBeTruthy()
      const form = screen.getByRole('form', { name: 'Edit environment free-local' })
      // Prefilled from the environment; its id cannot change.
      expect(input(form, 'Environment id').readOnly).toBe(true)
      expect(input(form, 'CPUs per job').value).toBe('1')
      expect(input(form, 'CPUs in total').value).toBe('2')
      expect(input(form, 'Free jobs at once').value).toBe('1')
      // Every field says what it is for.
      expect(describedText(input(form, 'Min billed duration (seconds)'))).toContain('at least this long')

      await userEvent.click(within(form).getByRole('switch', { name: /Charge for compute/ }))
      expect(input(form, 'Fee token').value).toBe(FAKE_OCEAN)
      // The token's symbol, read on chain, is the unit of each price.
      await waitFor(() =>
        expect(describedText(input(form, 'CPU price per minute'))).toContain('OCEAN per CPU per minute'),
      )
      type(form, 'CPU price per minute', '0.1')
      type(form, 'RAM price per minute', '0.05')
      type(form, 'Disk price per minute', '0.000000000000000001')
      // 1 CPU × 0.1 + 2 GB × 0.05 + 5 GB × 1 wei, exactly.
      expect(within(form).getByTestId('price-per-minute').textContent).toContain('0.2 OCEAN per minute')
      await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
      expect(await within(form).findByText('Saved environment free-local.')).toBeTruthy()
      const saved = fake.environments.find((e) => e.id === 'free-local')!
      expect(saved.fees).toEqual({
        '8996': [
          {
            feeToken: FAKE_OCEAN,
            prices: [
              { id: 'cpu', price: 0.1 },
              { id: 'ram', price: 0.05 },
              { id: 'disk', price: 1e-18 },
            ],
          },
        ],
      })
      // What the form does not show is kept (description, access lists).
      expect(saved.description).toBe('Local sandbox')
      // The table shows the new prices with the symbol, in the units they were typed in.
      await userEvent.click(screen.getByRole('link', { name: '← Compute backend' }))
      const row = within(await screen.findByRole('table', { name: 'Environments' })).getByRole('row', {
        name: /free-local/,
      })
      await waitFor(() =>
        expect(row.textContent).toContain(
          'cpu 0.1 OCEAN/min, ram 0.05 OCEAN/min, disk 0.000000000000000001 OCEAN/min',
        ),
      )
    },
  )

  it('puts each mistake next to its field in words and sends nothing', { timeout: 30_000 }, async () => {
    const { fake } = renderApp('/compute-backend/environments/free-local')
    const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
    await userEvent.click(within(form).getByRole('switch', { name: /Charge for compute/ }))
    type(form, 'CPU price per minute', '0.1000000000000000001')
    type(form, 'RAM price per minute', '1e3')
    type(form, 'CPUs per job', '8')
    type(form, 'Free jobs per consumer', '3')
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    await within(form).findByRole('alert')
    const expectError = (label: string, words: string) => {
      const el = input(form, label)
      expect(el.getAttribute('aria-invalid')).toBe('true')
      expect(describedText(el)).toContain(words)
    }
    expectError('CPU price per minute', 'At most 18 decimals')
    expectError('RAM price per minute', 'with a dot for decimals')
    expectError('CPUs per job', 'more CPUs than the environment has in total')
    expectError('Free jobs per consumer', 'Cannot exceed the free tier’s concurrent jobs')
    expect(fake.calls.some((c) => c.method === 'saveEnvironment')).toBe(false)
  })

  it(
    'turns the paid tier off by removing its prices, keeping other tokens',
    { timeout: 30_000 },
    async () => {
      const fake = createFakeConsole()
      const other = '0x' + 'ab'.repeat(20)
      fake.environments[0]!.fees = {
        '8996': [
          { feeToken: FAKE_OCEAN, prices: [{ id: 'cpu', price: 0.5 }] },
          { feeToken: other, prices: [{ id: 'cpu', price: 2 }] },
        ],
      }
      renderApp('/compute-backend/environments/free-local', fake)
      const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
      expect(input(form, 'CPU price per minute').value).toBe('0.5')
      await userEvent.click(within(form).getByRole('switch', { name: /Charge for compute/ }))
      await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
      expect(await within(form).findByText('Saved environment free-local.')).toBeTruthy()
      expect(fake.environments[0]!.fees).toEqual({
        '8996': [{ feeToken: other, prices: [{ id: 'cpu', price: 2 }] }],
      })
    },
  )

  it(
    'deletes from its page only after the confirmation, then returns to the list',
    { timeout: 30_000 },
    async () => {
      const { fake, history } = renderApp('/compute-backend/environments/free-local')
      await userEvent.click(await screen.findByRole('button', { name: 'Delete environment free-local' }))
      const dialog = await screen.findByRole('dialog', { name: 'Delete environment free-local?' })
      expect(fake.calls.some((c) => c.method === 'deleteEnvironment')).toBe(false)
      await userEvent.click(within(dialog).getByRole('button', { name: 'Delete environment' }))
      await waitFor(() => expect(history.location.pathname).toBe('/compute-backend'))
      expect(fake.calls.filter((c) => c.method === 'deleteEnvironment').map((c) => c.input)).toEqual([
        { id: 'free-local', confirm: true },
      ])
      expect(fake.environments).toEqual([])
    },
  )

  it('says so when the linked environment does not exist', async () => {
    renderApp('/compute-backend/environments/gone')
    expect(await screen.findByText(/No environment gone in this console/)).toBeTruthy()
  })

  it('offers no paid tier without a chain', async () => {
    const fake = createFakeConsole()
    const list = fake.client.listEnvironments.bind(fake.client)
    fake.client.listEnvironments = async (i) => ({ ...(await list(i)), feeToken: null })
    renderApp('/compute-backend/environments/free-local', fake)
    const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
    expect(within(form).getByText(/No chain is connected: only free jobs can run/)).toBeTruthy()
    expect(within(form).queryByRole('switch', { name: /Charge for compute/ })).toBeNull()
  })
})

describe('prices per served chain (issue 14)', () => {
  const twoChains = () =>
    createFakeConsole({
      extraChains: [{ chainId: 8997, name: 'second', feeToken: FAKE_OCEAN_2, blockNumber: 50 }],
    })

  it('keeps one set of price fields when one chain is served', async () => {
    renderApp('/compute-backend/environments/free-local')
    const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
    expect(within(form).queryByRole('tablist')).toBeNull()
    expect(within(form).getByRole('switch', { name: /Charge for compute/ })).toBeTruthy()
  })

  it(
    "sets prices per chain, each in that chain's own fee token, and saves them keyed by chain",
    { timeout: 30_000 },
    async () => {
      const fake = twoChains()
      renderApp('/compute-backend/environments/free-local', fake)
      const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
      const tabs = within(form).getByRole('tablist', { name: 'Prices per chain' })
      expect(
        within(tabs)
          .getAllByRole('tab')
          .map((t) => t.textContent),
      ).toEqual(['dev chain · 8996free only', 'second · 8997free only'])
      // The second chain: its own OCEAN (symbol read on chain), its name in the words.
      await userEvent.click(within(tabs).getByRole('tab', { name: /second · 8997/ }))
      let panel = within(form).getByRole('tabpanel', { name: /second · 8997/ })
      const charge = within(panel).getByRole('switch', { name: /Charge for compute/ })
      expect(describedText(charge)).toContain('on second (chain 8997)')
      await userEvent.click(charge)
      expect(input(panel, 'Fee token').value).toBe(FAKE_OCEAN_2)
      await waitFor(() =>
        expect(describedText(input(panel, 'CPU price per minute'))).toContain('mOCEAN per CPU per minute'),
      )
      type(panel, 'CPU price per minute', '0.25')
      expect(within(panel).getByTestId('price-per-minute').textContent).toContain('0.25 mOCEAN per minute')
      expect(within(tabs).getByRole('tab', { name: /second · 8997/ }).textContent).toContain('paid')
      // The dev chain: OCEAN there.
      await userEvent.click(within(tabs).getByRole('tab', { name: /dev chain · 8996/ }))
      panel = within(form).getByRole('tabpanel', { name: /dev chain · 8996/ })
      await userEvent.click(within(panel).getByRole('switch', { name: /Charge for compute/ }))
      expect(input(panel, 'Fee token').value).toBe(FAKE_OCEAN)
      type(panel, 'CPU price per minute', '0.1')
      await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
      expect(await within(form).findByText('Saved environment free-local.')).toBeTruthy()
      const zero = [
        { id: 'ram', price: 0 },
        { id: 'disk', price: 0 },
      ]
      expect(fake.environments.find((e) => e.id === 'free-local')!.fees).toEqual({
        '8996': [{ feeToken: FAKE_OCEAN, prices: [{ id: 'cpu', price: 0.1 }, ...zero] }],
        '8997': [{ feeToken: FAKE_OCEAN_2, prices: [{ id: 'cpu', price: 0.25 }, ...zero] }],
      })
      // The table names each chain beside its prices.
      await userEvent.click(screen.getByRole('link', { name: '← Compute backend' }))
      const row = within(await screen.findByRole('table', { name: 'Environments' })).getByRole('row', {
        name: /free-local/,
      })
      await waitFor(() => expect(row.textContent).toContain('cpu 0.25 mOCEAN/min'))
      expect(row.textContent).toContain('(second, chain 8997)')
      expect(row.textContent).toContain('(dev chain, chain 8996)')
    },
  )

  it("tells a mistake on another chain's tab and sends nothing", { timeout: 30_000 }, async () => {
    const fake = twoChains()
    renderApp('/compute-backend/environments/free-local', fake)
    const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
    await userEvent.click(within(form).getByRole('tab', { name: /second · 8997/ }))
    const panel = within(form).getByRole('tabpanel', { name: /second · 8997/ })
    await userEvent.click(within(panel).getByRole('switch', { name: /Charge for compute/ }))
    type(panel, 'Fee token', '0x12')
    await userEvent.click(within(form).getByRole('tab', { name: /dev chain · 8996/ }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    const alert = await within(form).findByRole('alert', { name: 'Environment problems' })
    expect(alert.textContent).toContain('0x followed by 40 hex digits')
    expect(fake.calls.some((c) => c.method === 'saveEnvironment')).toBe(false)
    await userEvent.click(within(form).getByRole('tab', { name: /second · 8997/ }))
    const token = input(within(form).getByRole('tabpanel', { name: /second · 8997/ }), 'Fee token')
    expect(token.getAttribute('aria-invalid')).toBe('true')
  })

  it(
    'keeps prices for a chain not served, says they are not offered, and saves them unchanged',
    {
      timeout: 30_000,
    },
    async () => {
      const fake = twoChains()
      const kept = [{ feeToken: FAKE_OCEAN, prices: [{ id: 'cpu', price: 3 }] }]
      fake.environments[0]!.fees = { '4242': kept }
      renderApp('/compute-backend/environments/free-local', fake)
      const form = await screen.findByRole('form', { name: 'Edit environment free-local' })
      expect(
        within(form).getByText(/Prices kept for chain 4242, which this console does not serve now/),
      ).toBeTruthy()
      expect(screen.getByText(/chain 4242, not served: not offered/)).toBeTruthy()
      type(form, 'Description', 'edited')
      await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
      expect(await within(form).findByText('Saved environment free-local.')).toBeTruthy()
      expect(fake.environments[0]!).toMatchObject({ description: 'edited', fees: { '4242': kept } })
    },
  )
})
