import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'

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
    expect(within(row).getByText('1 jobs, 60 s, 1 CPU')).toBeTruthy()
  })

  it('validates a new environment beside the form and saves a valid one', async () => {
    const { fake } = renderApp('compute-backend')
    const form = await screen.findByRole('form', { name: 'Add environment' })
    await userEvent.type(within(form).getByLabelText('Environment id'), 'bad id')
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    expect((await within(form).findByRole('alert')).textContent).toContain('id: letters, digits')
    expect(fake.calls.some((c) => c.method === 'saveEnvironment')).toBe(false)
    await userEvent.clear(within(form).getByLabelText('Environment id'))
    await userEvent.type(within(form).getByLabelText('Environment id'), 'gpu-pool')
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
    window.confirm = () => true
    await userEvent.click(within(form).getByRole('button', { name: 'Create namespace ocean-c2d' }))
    expect(await within(form).findByText(/namespace ocean-c2d exists/)).toBeTruthy()
    await userEvent.click(within(form).getByRole('button', { name: 'Use this backend' }))
    const saved = await screen.findByText(/from the next start, new jobs run on kind-c2d \/ ocean-c2d/)
    expect(saved.textContent).toContain('Restart the console')
    expect(fake.calls.filter((c) => c.method === 'selectComputeBackend').map((c) => c.input)).toEqual([
      { driver: 'kubernetes', context: 'kind-c2d', namespace: 'ocean-c2d' },
    ])
  })
})
