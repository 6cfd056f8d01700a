// Load states of the Overview (loading, console unreachable, contract error) and its empty state;
// the data state is in overview-screen.test.tsx.
import { describe, expect, it } from 'vitest'
import { screen } from '@testing-library/react'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole } from '../../test-support/fake-console-service'
import { itRendersLoadStates } from '../../test-support/screen-states'

describe('Overview states', () => {
  itRendersLoadStates({
    path: '/',
    heading: 'Overview',
    methods: ['getOverview'],
    loading: /Loading overview…/,
    errorTitle: 'Could not load the overview',
    dataText: /Recent activity/,
  })

  it(
    'empty: no jobs yet says where consumers start them, and every count is 0',
    { timeout: 20_000 },
    async () => {
      renderApp('/', createFakeConsole({ jobs: [] }))
      expect(
        await screen.findByText(
          /No jobs yet\. Consumers start jobs with ocean\.js against the Provider URL above\./,
          {},
          {
            timeout: 5000,
          },
        ),
      ).toBeTruthy()
      for (const label of ['Running', 'Queued', 'Succeeded', 'Failed', 'Stopped', 'Expired'])
        expect(screen.getByRole('link', { name: `${label}: 0 (open in Jobs)` })).toBeTruthy()
    },
  )
})
