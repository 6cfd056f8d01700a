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

/** Checks a context on demand (the publisher presses "Check"); not cached as server state. */
export function useCheckKubeContext() {
  const client = useConsoleClient()
  return useMutation({
    mutationFn: (input: { context: string; namespace: string }) => client.checkKubeContext(input),
  })
}

export function useCreateKubeNamespace() {
  const client = useConsoleClient()
  return useMutation({
    mutationFn: (input: { context: string; namespace: string }) =>
      client.createKubeNamespace({ ...input, confirm: true }),
  })
}

export function useSelectComputeBackend() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (
      choice:
        | { driver: 'local' }
        | { driver: 'kubernetes'; context: string; namespace: string; saveAnyway?: boolean },
    ) => client.selectComputeBackend(choice),
    onSuccess: (backend) => queryClient.setQueryData(queryKeys.backend(), backend),
  })
}
