import { useQuery } from '@tanstack/react-query'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useOverview() {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.overview(),
    queryFn: () => client.getOverview(),
    // While the console is unreachable, keep asking, so the connection banner clears by itself;
    // otherwise every 30 s, so the status bar's block height moves with the chain.
    refetchInterval: (query) => (query.state.status === 'error' ? 3000 : 30_000),
  })
}
