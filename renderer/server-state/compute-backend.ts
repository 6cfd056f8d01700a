import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ConsoleEnvironment } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useComputeBackend() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.backend(), queryFn: () => client.getComputeBackend() })
}

export function useHealth() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.health(), queryFn: () => client.checkHealth() })
}

export function useEnvironments() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.environments(), queryFn: () => client.listEnvironments() })
}

export function useSaveEnvironment() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (environment: ConsoleEnvironment) => client.saveEnvironment({ environment }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.environments() }),
  })
}

export function useDeleteEnvironment() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => client.deleteEnvironment({ id, confirm: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.environments() }),
  })
}
