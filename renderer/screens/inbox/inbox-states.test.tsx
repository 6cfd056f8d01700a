// Load states of the approval inbox (loading, console unreachable, contract error) and its empty
// state; data, approve/deny and the on-chain confirmation are in inbox-screen.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAccessRequest } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

describe('Inbox states', () => {
  itRendersLoadStates({
    path: '/inbox',
    heading: 'Approval inbox',
    methods: ['listAccessRequests'],
    loading: /Loading requests…/,
    errorTitle: 'Could not load the inbox',
    dataText: /Algorithm is not trusted by this dataset/,
    seed: () => createFakeConsole({ accessRequests: [makeAccessRequest()] }),
  })

  it('empty: says nothing is waiting', { timeout: 20_000 }, async () => {
    renderApp('/inbox', createFakeConsole({ accessRequests: [] }))
    const empty = await screen.findByRole('region', { name: 'No requests' }, { timeout: 5000 })
    expect(empty.textContent).toContain('Nothing is waiting for your approval.')
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull()
  })
})
