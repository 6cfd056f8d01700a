/**
 * Is the console reachable? One answer for the whole app, fast: the live event stream's open/error
 * (EventSource in the browser; IPC has none and cannot lose its engine) and, as a fallback, the
 * overview query failing without a console answer. While unreachable the shell shows one banner and
 * marks the screen not live; per-screen NETWORK error boxes stay silent. On reconnect every query is
 * refetched (queries keep their data until invalidated).
 */
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { ConsoleApiError } from '../../engine/console-api/contract'
import { useOverview } from './overview'
import { queryKeys } from './query-keys'
import type { ConnectionSignal, ConnectionState } from '../console-client/connection-signal'

const UnreachableContext = createContext(false)
const noSubscribe = () => () => {}
const unknownState = (): ConnectionState => 'unknown'

export function ConnectionProvider({
  signal,
  children,
}: {
  signal?: ConnectionSignal
  children: React.ReactNode
}) {
  const queryClient = useQueryClient()
  const state = useSyncExternalStore(signal?.subscribe ?? noSubscribe, signal?.state ?? unknownState)
  const overview = useOverview()
  const answered = overview.error instanceof ConsoleApiError
  // A refused token is not "unreachable": the token screen asks for the new one instead.
  const tokenRefused = answered && (overview.error as ConsoleApiError).code === 'UNAUTHORIZED'
  const overviewFailed = overview.isError && !answered
  const unreachable = !tokenRefused && (state === 'lost' || overviewFailed)
  const overviewIsError = overview.isError
  useEffect(() => {
    // The stream is back: ask the overview now rather than at its next 3 s retry.
    if (state === 'open' && overviewIsError)
      void queryClient.invalidateQueries({ queryKey: queryKeys.overview(), exact: true })
  }, [state, overviewIsError, queryClient])
  const wasUnreachable = useRef(false)
  useEffect(() => {
    if (unreachable && !wasUnreachable.current) {
      // Ask at once (its retry then runs every 3 s), so a restart with a new token shows the paste screen.
      void queryClient.invalidateQueries({ queryKey: queryKeys.overview(), exact: true })
    } else if (!unreachable && wasUnreachable.current) {
      // Back: whatever is cached may have changed meanwhile, and missed events are not replayed.
      void queryClient.invalidateQueries()
    }
    wasUnreachable.current = unreachable
  }, [unreachable, queryClient])
  return <UnreachableContext.Provider value={unreachable}>{children}</UnreachableContext.Provider>
}

/** True while the console is not answering (the shell shows the one connection banner). */
export function useConsoleUnreachable(): boolean {
  return useContext(UnreachableContext)
}
