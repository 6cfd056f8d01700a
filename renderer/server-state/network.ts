// Settings → Network and the Reachability panel: how the console is exposed and how it is reached.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { MethodInput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useNetworkSettings() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.network(), queryFn: () => client.getNetworkSettings() })
}

/** Applies at once; resolves once every DDO re-publish is mined (progress arrives as onPublishProgress). */
export function useSaveNetworkSettings() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: Omit<MethodInput<'saveNetworkSettings'>, 'confirm'>) =>
      client.saveNetworkSettings({ ...patch, confirm: true }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.network(), saved.settings)
      void queryClient.invalidateQueries({ queryKey: queryKeys.reachability() })
      // The Provider URL to share (status bar, wizard review, "you're live", ocean.js snippet) is the
      // overview's, which follows the new serviceEndpoint.
      void queryClient.invalidateQueries({ queryKey: queryKeys.overview() })
      void queryClient.invalidateQueries({ queryKey: ['assets'] })
    },
  })
}

/** Reservations come and go and the self-check fetches the public URL: refreshed every 15 s. */
export function useReachability() {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.reachability(),
    queryFn: () => client.getReachability({}),
    refetchInterval: 15_000,
  })
}
