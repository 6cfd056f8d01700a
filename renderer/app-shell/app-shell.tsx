// The app's providers: Mantine (theme, colour scheme, notifications), react-query, the console
// client, live events, and the router. The client and history arrive as props so tests and main.tsx
// choose them.
import { useState } from 'react'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { RouterProvider, type RouterHistory } from '@tanstack/react-router'
import type { ConsoleClient } from '../../engine/console-api/contract'
import { ConsoleClientProvider } from '../console-client/console-client-context'
import { useLiveEvents } from '../server-state/live-events'
import { useJobNotifications } from '../server-state/job-notifications'
import { ConnectionProvider } from '../server-state/connection'
import type { ConnectionSignal } from '../console-client/connection-signal'
import { createAppRouter } from './routes'
import { createColorSchemeManager, DEFAULT_COLOR_SCHEME, theme } from './theme'

function LiveEvents({ client }: { client: ConsoleClient }) {
  useLiveEvents(client)
  useJobNotifications(client)
  return null
}

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } })
}

export function App({
  client,
  queryClient = createQueryClient(),
  history,
  connection,
}: {
  client: ConsoleClient
  /** The event stream's connectivity (HTTP); absent under IPC, where the overview alone tells. */
  connection?: ConnectionSignal
  queryClient?: QueryClient
  /** Hash history by default; tests pass a memory history. */
  history?: RouterHistory
}) {
  const [router] = useState(() => createAppRouter(history))
  const [colorSchemeManager] = useState(createColorSchemeManager)
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme={DEFAULT_COLOR_SCHEME}
      colorSchemeManager={colorSchemeManager}
    >
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <ConsoleClientProvider client={client}>
          <LiveEvents client={client} />
          <ConnectionProvider signal={connection}>
            <RouterProvider router={router} />
          </ConnectionProvider>
        </ConsoleClientProvider>
      </QueryClientProvider>
    </MantineProvider>
  )
}
