// The client reaches components through context so tests can hand in one built over a fake service.
import { createContext, useContext, type ReactNode } from 'react'
import type { ConsoleClient } from '../../engine/console-api/contract'

const ConsoleClientContext = createContext<ConsoleClient | null>(null)

export function ConsoleClientProvider({ client, children }: { client: ConsoleClient; children: ReactNode }) {
  return <ConsoleClientContext.Provider value={client}>{children}</ConsoleClientContext.Provider>
}

export function useConsoleClient(): ConsoleClient {
  const client = useContext(ConsoleClientContext)
  if (!client) throw new Error('useConsoleClient outside ConsoleClientProvider')
  return client
}
