import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { AssetDraft } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useAssets() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.assets(), queryFn: () => client.listAssets({}) })
}

export function useValidateAsset() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: (draft: unknown) => client.validateAsset({ draft }) })
}

export function usePublishAsset() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { draft: AssetDraft; did?: string }) => client.publishAsset(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['assets'] }),
  })
}

export function useDeleteAsset() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (did: string) => client.deleteAsset({ did, confirm: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['assets'] }),
  })
}
