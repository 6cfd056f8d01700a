// Load states of Policies (the dataset list, a dataset's policy at #/policies/<did>, its node-only
// approvals, the environment quotas): loading, console unreachable, contract error, and the empty
// state; data and the remove confirmations are in policies-screen.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

const dataset = makeAsset({ did: 'did:op:' + 'a'.repeat(64), name: 'Weather 2024' })
const seed = () => createFakeConsole({ assets: [dataset] })
const policyPath = `/policies/${encodeURIComponent(dataset.did)}` as const

describe('Policies: datasets', () => {
  itRendersLoadStates({
    path: '/policies',
    heading: 'Policies',
    methods: ['listAssets'],
    loading: /Loading the datasets…/,
    errorTitle: 'Could not load the datasets',
    dataText: /^Dataset$/, // the dataset picker's label (Mantine Select: its placeholder is no text)
    seed,
  })

  it('empty: says to publish a dataset first', { timeout: 20_000 }, async () => {
    renderApp('/policies', createFakeConsole({ assets: [] }))
    const empty = await screen.findByRole('region', { name: 'No datasets' }, { timeout: 5000 })
    expect(empty.textContent).toContain('Publish a dataset to set its policy.')
    expect(screen.queryByRole('combobox', { name: 'Dataset' })).toBeNull()
  })
})

describe("Policies: a dataset's policy", () => {
  itRendersLoadStates({
    path: policyPath,
    heading: 'Policies',
    methods: ['getDatasetPolicy'],
    loading: /Loading the policy…/,
    errorTitle: 'Could not load the policy',
    dataText: /Output release/,
    seed,
  })
})

describe("Policies: a dataset's node-only approvals", () => {
  itRendersLoadStates({
    path: policyPath,
    heading: 'Policies',
    methods: ['listAccessRequests'],
    asks: ['getDatasetPolicy'],
    loading: /Loading approvals…/,
    errorTitle: 'Could not load the approvals',
    dataText: /No node-only approvals on this dataset\./,
    seed,
  })
})

describe('Policies: environment quotas', () => {
  itRendersLoadStates({
    path: '/policies',
    heading: 'Policies',
    methods: ['listEnvironmentQuotas'],
    loading: /Loading quotas…/,
    errorTitle: 'Could not load the quotas',
    dataText: /free-local/,
    seed,
  })
})
