/**
 * The Provider's recent requests, as the console pushes them (`onProviderRequest`): server state
 * that exists only as events, so the cache is the store — newest first, the last 20 kept.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query'
import type { EventPayload } from '../../engine/console-api/contract'
import { queryKeys } from './query-keys'

export type ProviderRequest = EventPayload<'onProviderRequest'>
export const PROVIDER_REQUESTS_KEPT = 20

export function applyProviderRequest(queryClient: QueryClient, request: ProviderRequest): void {
  queryClient.setQueryData<ProviderRequest[]>(queryKeys.providerRequests(), (list = []) =>
    [request, ...list].slice(0, PROVIDER_REQUESTS_KEPT),
  )
}

export function useProviderRequests() {
  return useQuery<ProviderRequest[]>({
    queryKey: queryKeys.providerRequests(),
    // Nothing to fetch: the list fills from live events only.
    queryFn: () => [],
    initialData: [],
    staleTime: Infinity,
  })
}
