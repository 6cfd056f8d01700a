import { describe, it, expect } from 'vitest'
import { configure, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, FAKE_OCEAN } from '../../test-support/fake-console-service'
import { openListbox, optionWords, pickOption } from '../../test-support/pick-option'

/** The first answer of the fake console on a loaded machine (two cores shared by many test runs). */
const LOAD_MS = 5_000
configure({ asyncUtilTimeout: LOAD_MS })

describe('ComputeBackendScreen', () => {
  it('shows the driver and a fix for each failed health check', async () => {
    renderApp('compute-backend')
    expect(await screen.findByText('Local sandbox (bubblewrap)')).toBeTruthy()
    const checks = await screen.findByRole('list', { name: 'Health checks' })
    expect(within(checks).getByText(/Fix: Run: sysctl/)).toBeTruthy()
  })

  it(
    'lists the contexts per kubeconfig file, with its path, API server and a hidden duplicate',
    { timeout: 20_000 },
    async () => {
      renderApp('compute-backend')
      const first = await screen.findByRole(
        'table',
        { name: 'Contexts in /home/me/.kube/config' },
        { timeout: LOAD_MS },
      )
      const kind = within(first).getByRole('row', { name: /kind-c2d/ })
      expect(kind.textContent).toContain('https://127.0.0.1:6443')
      expect(kind.textContent).toContain('current')
      const second = screen.getByRole('table', { name: 'Contexts in /home/me/.kube/eks.yaml' })
      expect(within(second).getByRole('row', { name: /eks-prod/ }).textContent).toContain(
        'https://ABC123.gr7.eu-west-1.eks.amazonaws.com',
      )
      expect(within(second).getByRole('row', { name: /kind-c2d/ }).textContent).toContain(
        'hidden by an earlier file',
      )
      const missing = screen.getByRole('region', { name: 'Kubeconfig /home/me/.kube/gone.yaml' })
      expect(missing.textContent).toContain('no such file')
      // The picker groups contexts by file and leaves the hidden duplicate out.
      const form = screen.getByRole('form', { name: 'Choose the compute backend' })
      await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
      const picker = within(form).getByRole('combobox', { name: 'Context' })
      const listbox = await openListbox(picker)
      expect(within(listbox).getByText('/home/me/.kube/config')).toBeTruthy()
      expect(within(listbox).getByText('/home/me/.kube/eks.yaml')).toBeTruthy()
      expect(optionWords(listbox).map((o) => o.split(' ')[0])).toEqual(['kind-c2d', 'eks-prod'])
      // Searchable: typing narrows the contexts.
      await userEvent.clear(picker)
      await userEvent.type(picker, 'eks')
      await waitFor(async () =>
        expect(optionWords(await openListbox(picker)).map((o) => o.split(' ')[0])).toEqual(['eks-prod']),
      )
    },
  )

  it(
    'with no kubeconfig: no context, where it looked, and how to point the console at one',
    { timeout: 20_000 },
    async () => {
      const fake = createFakeConsole({
        kubeconfigs: [{ path: '/home/me/.kube/config', source: 'default', state: 'missing', contexts: [] }],
      })
      renderApp('compute-backend', fake)
      const help = await screen.findByRole('region', { name: 'No kubeconfig found' })
      expect(help.textContent).toContain('Looked at: /home/me/.kube/config (no such file)')
      expect(help.textContent).toContain('KUBECONFIG=/path/to/config')
      expect(help.textContent).toContain('driver.kubeconfigPath')
      expect(screen.queryByText('loaded-context')).toBeNull()
      const form = screen.getByRole('form', { name: 'Choose the compute backend' })
      await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
      expect(within(form).queryByRole('combobox', { name: 'Context' })).toBeNull()
      expect(within(form).getByRole('region', { name: 'No kubeconfig found' })).toBeTruthy()
    },
  )

  it(
    'a context with several failures: every check listed with its cause, the URL, a fix, and the ones not run',
    { timeout: 20_000 },
    async () => {
      renderApp('compute-backend')
      const form = await screen.findByRole(
        'form',
        { name: 'Choose the compute backend' },
        { timeout: LOAD_MS },
      )
      await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
      await pickOption(within(form).getByRole('combobox', { name: 'Context' }), /^eks-prod /)
      await userEvent.click(within(form).getByRole('button', { name: 'Check connection' }))
      const checks = await within(form).findByRole('list', { name: 'Context checks' })
      expect(within(form).getByText('https://ABC123.gr7.eu-west-1.eks.amazonaws.com')).toBeTruthy()
      expect(within(form).getByText('2 of 8 checks failed, 6 not run')).toBeTruthy()
      const connection = within(checks).getByRole('group', { name: 'connection: failed' })
      expect(connection.textContent).toContain('Cause: TLS: unknown certificate authority')
      expect(connection.textContent).toContain('Fix: Put the cluster')
      const credentials = within(checks).getByRole('group', { name: 'credentials: failed' })
      expect(credentials.textContent).toContain('Cause: exec plugin failed')
      expect(credentials.textContent).toContain('exited with code 255: Error when retrieving token')
      expect(credentials.textContent).toContain('Fix: Run it in a terminal')
      expect(within(checks).getByRole('group', { name: 'api: not run' }).textContent).toContain(
        'Not checked: the connection to https://ABC123.gr7.eu-west-1.eks.amazonaws.com failed',
      )
      expect(within(checks).getByText('3 permissions: not run')).toBeTruthy()
      expect(within(checks).getByRole('group', { name: 'egress: not run' })).toBeTruthy()
    },
  )

  it(
    'a failing context is saved only after "Save anyway" and its confirmation',
    { timeout: 20_000 },
    async () => {
      const { fake } = renderApp('compute-backend')
      const form = await screen.findByRole('form', { name: 'Choose the compute backend' })
      await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
      await pickOption(within(form).getByRole('combobox', { name: 'Context' }), /^eks-prod /)
      await userEvent.clear(within(form).getByLabelText('Namespace', { selector: 'input' }))
      await userEvent.type(within(form).getByLabelText('Namespace', { selector: 'input' }), 'ocean')
      await userEvent.click(within(form).getByRole('button', { name: 'Use this backend' }))
      const refusal = await within(form).findByRole(
        'region',
        { name: 'eks-prod / ocean fails its checks' },
        { timeout: LOAD_MS },
      )
      // The failed checks are not mistaken for form fields (the namespace field has no error).
      expect(
        within(form).getByLabelText('Namespace', { selector: 'input' }).getAttribute('aria-invalid'),
      ).not.toBe('true')
      expect(refusal.textContent).toContain('fails 2 checks (connection, credentials)')
      expect(screen.queryByText(/from the next start, new jobs run on/)).toBeNull()
      // Cancel keeps the old choice.
      await userEvent.click(within(refusal).getByRole('button', { name: 'Save anyway…' }))
      let dialog = await screen.findByRole('dialog', { name: 'Save a context that fails its checks?' })
      expect(dialog.textContent).toContain('although connection, credentials failed')
      await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
      expect(fake.calls.filter((c) => c.method === 'selectComputeBackend')).toHaveLength(1)
      await userEvent.click(within(refusal).getByRole('button', { name: 'Save anyway…' }))
      dialog = await screen.findByRole('dialog', { name: 'Save a context that fails its checks?' })
      await userEvent.click(within(dialog).getByRole('button', { name: 'Save anyway' }))
      expect(await screen.findByText(/from the next start, new jobs run on eks-prod \/ ocean/)).toBeTruthy()
      expect(fake.calls.filter((c) => c.method === 'selectComputeBackend').map((c) => c.input)).toEqual([
        { driver: 'kubernetes', context: 'eks-prod', namespace: 'ocean' },
        { driver: 'kubernetes', context: 'eks-prod', namespace: 'ocean', saveAnyway: true },
      ])
    },
  )

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
    // No pending timeout given: the driver's applies.
    expect(fake.environments[1]).not.toHaveProperty('pendingTimeoutSec')
  })

  it('saves an environment’s own pending timeout (Kubernetes)', async () => {
    const { fake } = renderApp('compute-backend')
    await userEvent.click(await screen.findByRole('button', { name: 'Add an environment' }))
    const form = await screen.findByRole('form', { name: 'Add environment' })
    await userEvent.type(within(form).getByLabelText('Environment id', { selector: 'input' }), 'gpu-slow')
    await userEvent.type(
      within(form).getByLabelText('Pending timeout (seconds)', { selector: 'input' }),
      '1800',
    )
    await userEvent.click(within(form).getByRole('button', { name: 'Save environment' }))
    expect(await within(form).findByText('Saved environment gpu-slow.')).toBeTruthy()
    expect(fake.environments.find((e) => e.id === 'gpu-slow')).toMatchObject({ pendingTimeoutSec: 1800 })
  })

  it('checks a Kubernetes context, creates its missing namespace, and saves the choice for the next start', async () => {
    const { fake } = renderApp('compute-backend')
    const form = await screen.findByRole('form', { name: 'Choose the compute backend' })
    await userEvent.click(within(form).getByRole('radio', { name: 'A Kubernetes cluster' }))
    expect((within(form).getByRole('combobox', { name: 'Context' }) as HTMLInputElement).value).toMatch(
      /^kind-c2d /,
    )
    await userEvent.click(within(form).getByRole('button', { name: 'Check connection' }))
    const checks = await within(form).findByRole('list', { name: 'Context checks' })
    expect(within(checks).getByText(/Fix: Create it: kubectl create namespace ocean-c2d/)).toBeTruthy()
    await userEvent.click(within(form).getByRole('button', { name: 'Create namespace ocean-c2d' }))
    const dialog = await screen.findByRole('dialog', { name: 'Create namespace ocean-c2d?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create namespace' }))
    expect(await within(form).findByText(/namespace ocean-c2d exists/)).toBeTruthy()
    expect(within(form).getByText('All 8 checks passed')).toBeTruthy()
    expect(within(form).getByText('3 permissions: 3 passed')).toBeTruthy()
    await userEvent.click(within(form).getByRole('button', { name: 'Use this backend' }))
    const saved = await screen.findByText(/from the next start, new jobs run on kind-c2d \/ ocean-c2d/)
    expect(saved.textContent).toContain('Restart the console')
    expect(fake.calls.filter((c) => c.method === 'selectComputeBackend').map((c) => c.input)).toEqual([
      { driver: 'kubernetes', context: 'kind-c2d', namespace: 'ocean-c2d' },
    ])
  })
})
