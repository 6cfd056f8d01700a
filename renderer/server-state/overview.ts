import { useQuery } from '@tanstack/react-query'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useOverview() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.overview(), queryFn: () => client.getOverview() })
}
