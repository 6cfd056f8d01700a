// The status bar, on every screen: chain (with its block height), the publisher wallet (the one address the console shows
// everywhere: the Provider's signing key), compute backend health and the Provider URL. Also the
// dev-chain banner and the one connection banner (no stacking error boxes per screen).
import { useState } from 'react'
import { Alert, Badge, Button, Group, Paper, PasswordInput, Popover, Text } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import { TokenPaste, keepPastedToken } from './token-paste'
import { ConsoleApiError } from '../../engine/console-api/contract'
import { useOverview } from '../server-state/overview'
import { useWallet, useWalletAction } from '../server-state/settings'
import { AddressLabel } from '../components/labels/address-label'

export function isDevChain(chainName: string | null): boolean {
  return chainName !== null && /\bdev\b/i.test(chainName)
}

export function formatBlockHeight(blockNumber: number): string {
  return blockNumber.toLocaleString('en')
}

export function StatusBar() {
  const overview = useOverview()
  const o = overview.data
  return (
    // Chain, wallet and backend keep their width; the Provider URL (the longest) gives way first.
    <Group gap="md" h="100%" px="md" wrap="nowrap" style={{ overflow: 'hidden' }}>
      <Text size="sm" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
        Chain: {o ? (o.chainId === null ? 'off' : `${o.chainName ?? 'RPC'} (${o.chainId})`) : '…'}
        {o && o.chainId !== null && (
          <Text span size="sm" c="dimmed">
            {' · '}
            {o.blockNumber === null ? 'block height unknown' : `block ${formatBlockHeight(o.blockNumber)}`}
          </Text>
        )}
      </Text>
      <WalletStatus />
      <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
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
        <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            Provider URL:
          </Text>
          <AddressLabel value={o.providerUrl} what="Provider URL" />
        </Group>
      )}
    </Group>
  )
}

/**
 * The Provider's signing key (issue 11): the wallet, locked (with a one-click unlock) or unlocked;
 * on the dev chain before a wallet exists, the throwaway dev key the Provider signs with.
 */
function WalletStatus() {
  const wallet = useWallet()
  const w = wallet.data
  return (
    <Group gap={4} wrap="nowrap" aria-label="Publisher wallet" role="group" style={{ flexShrink: 0 }}>
      <Text size="sm">Wallet:</Text>
      {w?.address ? (
        <>
          <AddressLabel value={w.address} what="wallet address" />
          {w.devKey ? (
            <Badge
              component={Link}
              to="/settings"
              size="sm"
              variant="dot"
              color="orange"
              style={{ cursor: 'pointer', flexShrink: 0 }}
              title="Throwaway: the dev chain's fixed provider key, whose private key is public. Create your wallet in Settings."
              aria-label="dev key (throwaway): create your wallet in Settings"
            >
              dev key
            </Badge>
          ) : (
            <Badge size="sm" variant="dot" color={w.state === 'unlocked' ? 'green' : 'yellow'}>
              {w.state}
            </Badge>
          )}
          {w.state === 'locked' && <UnlockButton />}
        </>
      ) : (
        <Text size="sm">{w ? 'none yet' : '…'}</Text>
      )}
    </Group>
  )
}

function UnlockButton() {
  const unlock = useWalletAction()
  const [opened, setOpened] = useState(false)
  const [password, setPassword] = useState('')
  return (
    <Popover opened={opened} onChange={setOpened} position="top" withArrow trapFocus>
      <Popover.Target>
        <Button size="compact-xs" variant="light" onClick={() => setOpened((o) => !o)}>
          Unlock
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form
          aria-label="Unlock the wallet"
          onSubmit={(e) => {
            e.preventDefault()
            unlock.mutate(
              { kind: 'unlock', password },
              {
                onSuccess: () => {
                  setPassword('')
                  setOpened(false)
                },
              },
            )
          }}
        >
          <Group align="flex-end" gap="xs">
            <PasswordInput
              size="xs"
              label="Wallet password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
            />
            <Button size="xs" type="submit" loading={unlock.isPending}>
              Unlock wallet
            </Button>
          </Group>
          {unlock.isError && (
            <Text size="xs" c="red" role="alert">
              {unlock.error.message}
            </Text>
          )}
        </form>
      </Popover.Dropdown>
    </Popover>
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
