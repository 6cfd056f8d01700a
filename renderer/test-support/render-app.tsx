// Renders the whole app over a fake console, at a chosen screen or path, with a fresh query cache,
// UI stores and in-memory history (so tests can also check Back and deep links).
import { render } from '@testing-library/react'
import { QueryClient } from '@tanstack/react-query'
import { createMemoryHistory } from '@tanstack/react-router'
import { App } from '../app-shell/app-shell'
import { useUiStore } from '../ui-state/ui-store'
import { useWizardDraft } from '../screens/assets/publish-wizard/wizard-draft'
import type { ConnectionSignal } from '../console-client/connection-signal'
import { createFakeConsole, type FakeConsole } from './fake-console-service'

export type ScreenId = 'overview' | 'compute-backend' | 'assets' | 'jobs' | 'settings'

/** `screen` is a screen id or a path ("/jobs/job-1"). */
export function renderApp(
  screen: ScreenId | `/${string}`,
  fake: FakeConsole = createFakeConsole(),
  options: { connection?: ConnectionSignal } = {},
) {
  useUiStore.setState({ firstRunDismissed: false })
  // The publish wizard's draft outlives a page (by design): each test starts with an empty one.
  useWizardDraft.getState().reset()
  const path = screen.startsWith('/') ? screen : screen === 'overview' ? '/' : `/${screen}`
  const history = createMemoryHistory({ initialEntries: [path] })
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  })
  return {
    fake,
    queryClient,
    history,
    ...render(
      <App
        client={fake.client}
        queryClient={queryClient}
        history={history}
        connection={options.connection}
      />,
    ),
  }
}
