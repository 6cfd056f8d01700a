// Load states of the audit trail (loading, console unreachable, contract error) and its empty
// state; data, filters, verify and export are in audit-screen.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'
import type { AuditEventSummary } from '../../../engine/console-api/contract'

const event: AuditEventSummary = {
  seq: 1,
  atMs: 1_700_000_000_000,
  type: 'policy.changed',
  actor: 'publisher',
  subject: 'did:op:' + 'a'.repeat(64),
  details: {},
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
}

describe('Audit states', () => {
  itRendersLoadStates({
    path: '/audit',
    heading: 'Audit trail',
    methods: ['listAuditEvents'],
    loading: /Loading the trail…/,
    errorTitle: 'Could not load the trail',
    dataText: /policy\.changed/,
    seed: () => createFakeConsole({ auditEvents: [event] }),
  })

  it('empty: says nothing matches yet, with no table', { timeout: 20_000 }, async () => {
    renderApp('/audit', createFakeConsole({ auditEvents: [] }))
    const empty = await screen.findByRole('region', { name: 'No events' }, { timeout: 5000 })
    expect(empty.textContent).toContain('Nothing matches these filters yet.')
  })
})
