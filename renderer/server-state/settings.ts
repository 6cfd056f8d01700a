import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { MethodInput } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useSettings() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.settings(), queryFn: () => client.getSettings() })
}

export function useSaveSettings() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: MethodInput<'saveSettings'>) => client.saveSettings(patch),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings(), settings),
  })
}

export function useWallet() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.wallet(), queryFn: () => client.getWallet() })
}

export function useWalletAction() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (
      action:
        | { kind: 'create' | 'unlock'; password: string }
        | { kind: 'import'; password: string; privateKey: string }
        | { kind: 'importMnemonic'; password: string; mnemonic: string },
    ) =>
      action.kind === 'create'
        ? client.createWallet({ password: action.password, confirm: true })
        : action.kind === 'import'
          ? client.importWallet({ password: action.password, privateKey: action.privateKey, confirm: true })
          : action.kind === 'importMnemonic'
            ? client.importMnemonic({ password: action.password, mnemonic: action.mnemonic, confirm: true })
            : client.unlockWallet({ password: action.password }),
    onSuccess: (result) => {
      // The recovery phrase (create only) is for the screen once; never into the cache.
      const { state, address } = result
      queryClient.setQueryData(queryKeys.wallet(), { state, address })
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings() })
      void queryClient.invalidateQueries({ queryKey: queryKeys.balances() })
    },
  })
}

/** Balances of the publishing account, read from chain on demand (no polling: a refresh button). */
export function useBalances(enabled: boolean) {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.balances(), queryFn: () => client.getBalances(), enabled })
}

/** Native coin and OCEAN on every served chain (issue 14), read on demand like useBalances. */
export function useChainBalances(enabled: boolean) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.chainBalances(),
    queryFn: () => client.getChainBalances(),
    enabled,
  })
}

export function useLockWallet() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => client.lockWallet(),
    onSuccess: (wallet) => queryClient.setQueryData(queryKeys.wallet(), wallet),
  })
}

/** The encrypted keystore, for a backup file (confirmed by the caller). */
export function useExportWallet() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: () => client.exportWallet({ confirm: true }) })
}

/** Settings → Chain → Check: tries a chain choice on demand (not cached; nothing is saved). */
export function useCheckChain() {
  const client = useConsoleClient()
  return useMutation({
    mutationFn: (choice: MethodInput<'checkChain'>) => client.checkChain(choice),
  })
}

/**
 * Desktop notifications on or off, and who shows them (the desktop app, or this page through the
 * browser's Notification API). Kept current by onDidChangeNotificationSettings (live-events.ts): the
 * desktop app's File menu toggles the same preference, and the switch follows at once.
 */
export function useNotificationSettings() {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.notificationSettings(),
    queryFn: () => client.getNotificationSettings(),
  })
}

export function useSetNotificationSettings() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: MethodInput<'setNotificationSettings'>) => client.setNotificationSettings(input),
    onSuccess: (answer) => queryClient.setQueryData(queryKeys.notificationSettings(), answer),
  })
}
