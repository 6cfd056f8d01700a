import { describe, it, expect } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN } from '../../test-support/fake-console-service'

describe('ComputeBackendScreen', () => {
  it('shows the driver, discovered kube contexts and a fix for each failed health check', async () => {
    renderApp('compute-backend')
    expect(await screen.findByText('Local sandbox (bubblewrap)')).toBeTruthy()
    expect(screen.getByText('kind-c2d (~/.kube/config)')).toBeTruthy()
    const checks = await screen.findByRole('list', { name: 'Health checks' })
    expect(within(checks).getByText(/Fix: Run: sysctl/)).toBeTruthy()
  })

  it('lists environments with limits, free tier and network access', async () => {
    renderApp('compute-backend')
    const table = await screen.findByRole('table', { name: 'Environments' })
    const row = within(table).getByRole('row', { name: /free-local/ })
    expect(within(row).getByText('1 CPU / 2 GB / 5 GB')).toBeTruthy()
    expect(within(row).getByText('Blocked')).toBeTruthy()
    expect(within(row).getByText('1 job at once, up to 1 min, 1 CPU')).toBeTruthy()
  })

  it('shows environment prices per minute in the fee token symbol read on chain', async () => {
    const fake = createFakeConsole()
    fake.environments[0]!.fees = { '8996': [{ feeToken: FAKE_OCEAN, prices: [{ id: 'cpu', price: 0.5 }] }] }
    renderApp('compute-backend', fake)
    const table = await screen.findByRole('table', { name: 'Environments' })
    const row = within(table).getByRole('row', { name: /free-local/ })
    expect(await within(row).findByText('OCEAN')).toBeTruthy()
    expect(row.textContent).toContain('cpu 0.5 OCEAN/min')
  })

  it('deletes an environment only after its confirmation', { timeout: 20_000 }, async () => {
    const { fake } = renderApp('compute-backend')
    await userEvent.click(await screen.findByRole('button', { name: 'Delete environment free-local' }))
    const dialog = await screen.findByRole('dialog', { name: 'Delete environment free-local?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(fake.calls.some((c) => c.method === 'deleteEnvironment')).toBe(false)
    await userEvent.click(screen.getByRole('button', { name: 'Delete environment free-local' }))
    await userEvent.click(
      within(await screen.findByRole('dialog', { name: 'Delete environment free-local?' })).getByRole(
        'button',
        {
          name: 'Delete environment',
        },
      ),
    )
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'deleteEnvironment')).toBe(true))
  })

  it('validates a new environment beside the form and saves a valid one', { timeout: 20_000 }, async () => {
    const { fake } = renderApp('compute-backend')
    await userEvent.click(await screen.findByRole('button', { name: 'Add an environment' }))
    const form = await screen.findByRole('form', { name: 'Add environment' })
    await userEvent.type(within(form).getByLabelText('Environment id', { selector: 'input' }), 'bad id')
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    expect((await within(form).findByRole('alert')).textContent).toContain('Letters, digits')
    const id = within(form).getByLabelText('Environment id', { selector: 'input' })
    expect(id.getAttribute('aria-invalid')).toBe('true')
    const describedBy = (id.getAttribute('aria-describedby') ?? '').split(' ')
    expect(describedBy.map((i) => document.getElementById(i)?.textContent ?? '').join(' ')).toContain(
      'Letters, digits, dot, dash, underscore.',
    )
    expect(fake.calls.some((c) => c.method === 'saveEnvironment')).toBe(false)
    await userEvent.clear(within(form).getByLabelText('Environment id', { selector: 'input' }))
    await userEvent.type(within(form).getByLabelText('Environment id', { selector: 'input' }), 'gpu-pool')
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    expect(await within(form).findByText('Saved environment gpu-pool.')).toBeTruthy()
    expect(fake.environments.map((e) => e.id)).toEqual(['free-local', 'gpu-pool'])
  })

  it('checks a Kubernetes context, creates its missing namespace, and saves the choice for the next start', async () => {
    const { fake } = renderApp('compute-backend')
    const form = await screen.findByRole('form', { name: 'Choose the compute backend' })
    await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
    expect((within(form).getByRole('combobox', { name: 'Context' }) as HTMLSelectElement).value).toBe(
      'kind-c2d',
    )
    await userEvent.click(within(form).getByRole('button', { name: 'Check connection' }))
    const checks = await within(form).findByRole('list', { name: 'Context checks' })
    expect(within(checks).getByText(/Fix: Create it: kubectl create namespace ocean-c2d/)).toBeTruthy()
    await userEvent.click(within(form).getByRole('button', { name: 'Create namespace ocean-c2d' }))
    const dialog = await screen.findByRole('dialog', { name: 'Create namespace ocean-c2d?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create namespace' }))
    expect(await within(form).findByText(/namespace ocean-c2d exists/)).toBeTruthy()
    await userEvent.click(within(form).getByRole('button', { name: 'Use this backend' }))
    const saved = await screen.findByText(/from the next start, new jobs run on kind-c2d \/ ocean-c2d/)
    expect(saved.textContent).toContain('Restart the console')
    expect(fake.calls.filter((c) => c.method === 'selectComputeBackend').map((c) => c.input)).toEqual([
      { driver: 'kubernetes', context: 'kind-c2d', namespace: 'ocean-c2d' },
    ])
  })
})
