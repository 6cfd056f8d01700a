// The status bar, on every screen: chain (with its block height), the publisher wallet (the one address the console shows
// everywhere: the Provider's signing key), compute backend health and the Provider URL. Also the
// dev-chain banner and the one connection banner (no stacking error boxes per screen).
import { Alert, Badge, Group, Paper, Text } from '@mantine/core'
import { TokenPaste, keepPastedToken } from './token-paste'
import { ConsoleApiError } from '../../engine/console-api/contract'
import { useOverview } from '../server-state/overview'
import { useWallet } from '../server-state/settings'
import { AddressLabel } from '../components/labels/address-label'

export function isDevChain(chainName: string | null): boolean {
  return chainName !== null && /\bdev\b/i.test(chainName)
}

export function formatBlockHeight(blockNumber: number): string {
  return blockNumber.toLocaleString('en')
}

export function StatusBar() {
  const overview = useOverview()
  const wallet = useWallet()
  const o = overview.data
  return (
    <Group gap="lg" h="100%" px="md" wrap="nowrap">
      <Text size="sm">
        Chain: {o ? (o.chainId === null ? 'off' : `${o.chainName ?? 'RPC'} (${o.chainId})`) : '…'}
        {o && o.chainId !== null && (
          <Text span size="sm" c="dimmed">
            {' · '}
            {o.blockNumber === null ? 'block height unknown' : `block ${formatBlockHeight(o.blockNumber)}`}
          </Text>
        )}
      </Text>
      <Group gap={4} wrap="nowrap">
        <Text size="sm">Wallet:</Text>
        {wallet.data?.address ? (
          <>
            <AddressLabel value={wallet.data.address} what="wallet address" />
            <Badge size="sm" variant="dot" color={wallet.data.state === 'unlocked' ? 'green' : 'yellow'}>
              {wallet.data.state}
            </Badge>
          </>
        ) : (
          <Text size="sm">{wallet.data ? 'none yet' : '…'}</Text>
        )}
      </Group>
      <Group gap={4} wrap="nowrap">
        <Text size="sm">Backend:</Text>
        {o?.health ? (
          <Badge size="sm" variant="dot" color={o.health.ok ? 'green' : 'red'}>
            {o.health.driver} {o.health.ok ? 'healthy' : 'failing'}
          </Badge>
        ) : (
          <Text size="sm">…</Text>
        )}
      </Group>
      {o && (
        <Group gap={4} wrap="nowrap">
          <Text size="sm">Provider URL:</Text>
          <AddressLabel value={o.providerUrl} what="Provider URL" />
        </Group>
      )}
    </Group>
  )
}

/** Shown above every screen: the console is unreachable (retrying), or the chain is throwaway. */
export function ShellBanners() {
  const overview = useOverview()
  const unreachable = overview.isError && !(overview.error instanceof ConsoleApiError)
  const tokenRefused =
    overview.isError && overview.error instanceof ConsoleApiError && overview.error.code === 'UNAUTHORIZED'
  const keepToken = keepPastedToken()
  return (
    <>
      {tokenRefused && <TokenPaste onToken={keepToken} />}
      {unreachable && (
        <Alert color="red" title="The console is not answering" mb="md" role="alert">
          The server may have stopped. Reconnecting automatically; what is on screen may be out of date until
          it answers again.
        </Alert>
      )}
      {overview.data && isDevChain(overview.data.chainName) && (
        <Paper withBorder p="sm" mb="md" role="note" aria-label="Dev chain">
          <Text fw={600}>Dev chain: throwaway data</Text>
          <Text size="sm">
            This console runs its own development chain. Assets, tokens and payments on it are for trying
            things out and are lost when it is redeployed.
          </Text>
        </Paper>
      )}
    </>
  )
}
