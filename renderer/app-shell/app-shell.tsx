// Layout, navigation and theme. The client arrives as a prop so tests and main.tsx choose it.
import { useEffect } from 'react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import type { ConsoleClient } from '../../engine/console-api/contract'
import { ConsoleClientProvider } from '../console-client/console-client-context'
import { useLiveEvents } from '../server-state/live-events'
import { Screen, useUiStore } from '../ui-state/ui-store'
import { OverviewScreen } from '../screens/overview/overview-screen'
import { ComputeBackendScreen } from '../screens/compute-backend/compute-backend-screen'
import { AssetsScreen } from '../screens/assets/assets-screen'
import { JobsScreen } from '../screens/jobs/jobs-screen'
import { SettingsScreen } from '../screens/settings/settings-screen'

const NAV: Array<[Screen, string]> = [
  [Screen.Overview, 'Overview'],
  [Screen.ComputeBackend, 'Compute backend'],
  [Screen.Assets, 'Assets'],
  [Screen.Jobs, 'Jobs'],
  [Screen.Settings, 'Settings'],
]

function Shell({ client }: { client: ConsoleClient }) {
  useLiveEvents(client)
  const { screen, go, theme } = useUiStore()
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  return (
    <div className="app">
      <nav aria-label="Main">
        <h1>C2D Publisher Console</h1>
        <ul>
          {NAV.map(([id, label]) => (
            <li key={id}>
              <button type="button" aria-current={screen === id ? 'page' : undefined} onClick={() => go(id)}>
                {label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {screen === 'overview' && <OverviewScreen />}
        {screen === 'compute-backend' && <ComputeBackendScreen />}
        {screen === 'assets' && <AssetsScreen />}
        {screen === 'jobs' && <JobsScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  )
}

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } })
}

export function App({
  client,
  queryClient = createQueryClient(),
}: {
  client: ConsoleClient
  queryClient?: QueryClient
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <ConsoleClientProvider client={client}>
        <Shell client={client} />
      </ConsoleClientProvider>
    </QueryClientProvider>
  )
}
