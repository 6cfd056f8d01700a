import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { AssetChanges, AssetDraft, AssetStateName, MethodInput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useAssets() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.assets(), queryFn: () => client.listAssets({}) })
}

/**
 * The publish wizard's "Test fetch" (checkFile): asked only for the source the publisher sent
 * (null: nothing asked yet), answered once per source until it is asked again (`refetch`). An
 * unreachable file is an answer (`reachable: false` with the reason), not an error.
 */
export function useFileCheck(source: MethodInput<'checkFile'>['source'] | null) {
  const client = useConsoleClient()
  const key = source ? JSON.stringify(source) : ''
  return useQuery({
    queryKey: queryKeys.fileCheck(key),
    queryFn: () => client.checkFile({ source: source! }),
    enabled: source !== null,
    staleTime: Infinity,
    retry: false,
  })
}

export function useValidateAsset() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: (draft: unknown) => client.validateAsset({ draft }) })
}

export function usePublishAsset() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { draft: AssetDraft; did?: string; environments?: string[] }) =>
      client.publishAsset(input),
    // Settled, not only success: a publish that failed part-way is now an unfinished one.
    onSettled: () => {
      // The allowed environments land in the dataset's policy (the asset page reads them there).
      void queryClient.invalidateQueries({ queryKey: ['dataset-policy'] })
      return queryClient.invalidateQueries({ queryKey: ['assets'] })
    },
  })
}

/** First publishes that stopped before the asset was live (listUnfinishedPublishes). */
export function useUnfinishedPublishes() {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.unfinishedPublishes(),
    queryFn: () => client.listUnfinishedPublishes({}),
  })
}

/**
 * Finishes an unfinished publish from its recorded progress (`id`: its DID, or its local id before
 * the DID is known); progress arrives on onPublishProgress. Both lists refresh either way: a failed
 * resume may have moved it on (a DID learnt, a step mined).
 */
export function useResumePublish() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => client.resumePublish({ id }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['dataset-policy'] })
      return queryClient.invalidateQueries({ queryKey: ['assets'] })
    },
  })
}

/** Forgets an unfinished publish in this console (confirmed); nothing on chain changes. */
export function useDiscardUnfinishedPublish() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => client.discardUnfinishedPublish({ id, confirm: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.unfinishedPublishes() }),
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

/** nft.state change on chain; the list refreshes once the tx is mined. */
export function useSetAssetState() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { did: string; state: AssetStateName }) =>
      client.setAssetState({ ...input, confirm: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['assets'] }),
  })
}

/** The three ways consumers get datatokens; each is one confirmed tx, balances refresh after it. */
export type DistributionAction =
  | { kind: 'mint'; did: string; to: string; amount: string }
  | { kind: 'dispenser'; did: string; maxTokens: string; maxBalance: string }
  | { kind: 'fixedRate'; did: string; price: string; baseToken?: string }

export function useDistributeDatatokens() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (action: DistributionAction) => {
      switch (action.kind) {
        case 'mint':
          return client.mintDatatokens({
            did: action.did,
            to: action.to,
            amount: action.amount,
            confirm: true,
          })
        case 'dispenser':
          return client.createDispenser({
            did: action.did,
            maxTokens: action.maxTokens,
            maxBalance: action.maxBalance,
            confirm: true,
          })
        case 'fixedRate':
          return client.createFixedRate({
            did: action.did,
            price: action.price,
            ...(action.baseToken ? { baseToken: action.baseToken } : {}),
            confirm: true,
          })
      }
    },
    onSuccess: (_, action) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.balances() })
      // A new dispenser or fixed rate is on chain once the answer comes: read the prices again.
      if (action.kind !== 'mint')
        void queryClient.invalidateQueries({ queryKey: queryKeys.assetPrices(action.did) })
    },
  })
}

/**
 * The datatoken's fixed rates and dispensers, read on chain. Off for an asset the chain no longer
 * has (the engine would refuse with ASSET_NOT_ON_CHAIN; the page already says why).
 */
export function useAssetPrices(did: string, { enabled = true }: { enabled?: boolean } = {}) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.assetPrices(did),
    queryFn: () => client.getAssetPrices({ did }),
    enabled,
  })
}

/**
 * The checksums (filesChecksum, containerSectionChecksum) a dataset trusting this console's
 * algorithm `did` gets pinned when it is published: the engine computes them from the algorithm's
 * DDO and files with the publish path's own function. Null: nothing asked.
 */
export function useTrustedAlgorithmChecksums(did: string | null) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.trustedAlgorithmChecksums(did ?? ''),
    queryFn: () => client.getTrustedAlgorithmChecksums({ did: did! }),
    enabled: did !== null,
    retry: false,
  })
}

/** One asset's public facts (compute settings, trusted algorithms, endpoint). */
export function useAsset(did: string) {
  const client = useConsoleClient()
  return useQuery({ queryKey: ['assets', 'detail', did], queryFn: () => client.getAsset({ did }) })
}

/** setMetaData again with the changes; the asset's details and the list refresh from the answer. */
export function useEditAsset() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { did: string; changes: AssetChanges }) =>
      client.editAsset({ ...input, confirm: true }),
    onSuccess: (details) => {
      queryClient.setQueryData(['assets', 'detail', details.asset.did], details)
      void queryClient.invalidateQueries({ queryKey: queryKeys.assets() })
    },
  })
}
