// Load states of the Compute backend screen's three parts (driver and Kubernetes contexts, health
// checks, environments) and of an environment's page: loading, console unreachable, contract
// error, and the empty state of environments (no kubeconfig is in compute-backend-screen.test.tsx). Data, the Kubernetes checks and
// the delete confirmations are in compute-backend-screen.test.tsx and environment-form.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

const T = { timeout: 5000 }

describe('Compute backend: driver and Kubernetes contexts', () => {
  itRendersLoadStates({
    path: '/compute-backend',
    heading: 'Compute backend',
    methods: ['getComputeBackend'],
    loading: /Loading the compute backend…/,
    errorTitle: 'Could not read the compute backend',
    dataText: /Local sandbox \(bubblewrap\)/,
  })
})

describe('Compute backend: health checks', () => {
  itRendersLoadStates({
    path: '/compute-backend',
    heading: 'Compute backend',
    methods: ['checkHealth'],
    loading: /Checking…/,
    errorTitle: 'Health check failed to run',
    dataText: /User namespaces enabled/,
  })
})

describe('Compute backend: environments', () => {
  itRendersLoadStates({
    path: '/compute-backend',
    heading: 'Compute backend',
    methods: ['listEnvironments'],
    loading: /Loading environments…/,
    errorTitle: 'Could not load environments',
    dataText: /^free-local$/,
  })

  it('empty: says consumers have nowhere to run and offers to add one', { timeout: 20_000 }, async () => {
    renderApp('/compute-backend', createFakeConsole({ environments: [] }))
    const empty = await screen.findByRole('region', { name: 'No environments' }, T)
    expect(within(empty).getByText(/Consumers cannot start a job/)).toBeTruthy()
    expect(screen.queryByRole('table', { name: 'Environments' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Add an environment' })).toBeTruthy()
  })
})

describe('Environment page states', () => {
  itRendersLoadStates({
    path: '/compute-backend/environments/free-local',
    heading: 'Environment free-local',
    methods: ['listEnvironments'],
    loading: /Loading the environment…/,
    errorTitle: 'Could not load environments',
    dataText: /Delete environment free-local/,
  })
})
