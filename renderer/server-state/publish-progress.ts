/**
 * On-chain steps as the console pushes them (`onPublishProgress`): server state, so it lives in the
 * react-query cache like every other event. Newest first, capped; a step's later status replaces
 * its earlier one (same step, same tx or same DID while no tx exists yet).
 */
import { useQuery, type QueryClient } from '@tanstack/react-query'
import type { EventPayload } from '../../engine/console-api/contract'
import { queryKeys } from './query-keys'

export type PublishProgressEvent = EventPayload<'onPublishProgress'>
const MAX_EVENTS = 50

const sameStep = (a: PublishProgressEvent, b: PublishProgressEvent) =>
  a.step === b.step &&
  a.did === b.did &&
  (a.txHash === undefined || b.txHash === undefined || a.txHash === b.txHash)

export function applyPublishProgress(
  list: PublishProgressEvent[],
  event: PublishProgressEvent,
): PublishProgressEvent[] {
  // A new attempt of a finished step (another mint after the first one was mined) is a new row.
  const i = list.findIndex(
    (e) => sameStep(e, event) && e.status !== 'mined' && e.status !== 'failed' && e.status !== 'done',
  )
  const next = i >= 0 ? [event, ...list.slice(0, i), ...list.slice(i + 1)] : [event, ...list]
  return next.slice(0, MAX_EVENTS)
}

export function applyPublishProgressToCache(queryClient: QueryClient, event: PublishProgressEvent): void {
  queryClient.setQueryData<PublishProgressEvent[]>(queryKeys.publishProgress(), (list) =>
    applyPublishProgress(list ?? [], event),
  )
}

export function usePublishProgress() {
  return useQuery({
    queryKey: queryKeys.publishProgress(),
    queryFn: () => [] as PublishProgressEvent[],
    staleTime: Infinity,
    gcTime: Infinity,
  })
}
