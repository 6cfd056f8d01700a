// The status bar, on every screen: chain (with its block height; with several served chains, a
// popover lists each with its RPC state and block), the publisher wallet (the one address the console shows
// everywhere: the Provider's signing key, with a one-click unlock), compute backend health, Provider
// reachability and the Provider URL. Also the dev-chain banner and the one connection banner (no
// stacking error boxes per screen).
import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Popover,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core'
import { Link } from '@tanstack/react-router'
import { TokenPaste, keepPastedToken } from './token-paste'
import { ConsoleApiError, type ChainStatus } from '../../engine/console-api/contract'
import { useOverview } from '../server-state/overview'
import { useReachability } from '../server-state/network'
import { useConsoleUnreachable } from '../server-state/connection'
import { useWallet, useWalletAction } from '../server-state/settings'
import { AddressLabel } from '../components/labels/address-label'
import { ServedChainsTable } from '../components/served-chains-table'
import { fieldErrorsFromError, inWords } from '../components/field-errors'
import type { Reachability } from '../screens/overview/reachability-fixes'

export function isDevChain(chainName: string | null): boolean {
  return chainName !== null && /\bdev\b/i.test(chainName)
}

export function formatBlockHeight(blockNumber: number): string {
  return blockNumber.toLocaleString('en')
}

/** Can consumers on other machines reach the Provider? In a word, for the status bar. */
export function providerReachability(r: Reachability): { label: string; color: string } {
  const check = r.http.selfCheck.state
  if (check === 'ok' || (r.p2p.enabled && r.p2p.isReachable)) return { label: 'reachable', color: 'green' }
  if (check === 'mismatch') return { label: 'public URL answers as another node', color: 'red' }
  if (check === 'unreachable') return { label: 'public URL not answering', color: 'red' }
  if (r.p2p.enabled) return { label: 'P2P not reachable yet', color: 'yellow' }
  return { label: 'this machine only', color: 'gray' }
}

/** The unlock error next to the password field, in words. */
export function unlockErrorText(error: unknown): string | undefined {
  if (!error) return undefined
  const field = fieldErrorsFromError(error).password
  if (field) return field
  if (
    error instanceof ConsoleApiError &&
    (error.code === 'PASSWORD_WRONG' || error.code === 'WALLET_PASSWORD_WRONG')
  )
    return 'That is not the wallet password. Try again.'
  return inWords(error instanceof Error ? error.message : String(error))
}

/** An error's message for people (the code stays in the details of the screen's own error box). */
function messageOf(error: unknown): string {
  return inWords(error instanceof Error ? error.message : String(error))
}

/**
 * A part the console answered with an error instead of a value: a short word, the message on hover
 * and focus (and to screen readers), never "…" as if it were still loading.
 */
function ReadFailed({
  what,
  error,
  verb = 'could not be read',
}: {
  what: string
  error: unknown
  verb?: string
}) {
  const message = messageOf(error)
  return (
    <Tooltip label={message} multiline maw={360} withArrow openDelay={150}>
      <Badge
        size="sm"
        variant="light"
        color="red"
        tabIndex={0}
        style={{ textTransform: 'none', flexShrink: 0, cursor: 'help' }}
        aria-label={`${what} ${verb}: ${message}`}
        data-testid="status-read-failed"
      >
        error
      </Badge>
    </Tooltip>
  )
}

/** One click from the status bar: a password dialog that unlocks the provider wallet. */
function UnlockWalletButton() {
  const [opened, setOpened] = useState(false)
  const [password, setPassword] = useState('')
  const unlock = useWalletAction()
  const close = () => {
    setOpened(false)
    setPassword('')
    unlock.reset()
  }
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={() => setOpened(true)}>
        Unlock
      </Button>
      <Modal opened={opened} onClose={close} title="Unlock the provider wallet">
        <form
          aria-label="Unlock wallet"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            unlock.mutate({ kind: 'unlock', password }, { onSuccess: close })
          }}
        >
          <Stack gap="sm">
            <PasswordInput
              label="Wallet password"
              autoComplete="current-password"
              data-autofocus
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={unlockErrorText(unlock.error)}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={unlock.isPending} disabled={password === ''}>
                Unlock wallet
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  )
}

/**
 * The Provider's signing key (issue 11): the wallet, locked (with a one-click unlock) or unlocked;
 * on the dev chain before a wallet exists, the throwaway dev key the Provider signs with.
 */
function WalletStatus({ unreachable }: { unreachable: boolean }) {
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
          {w.state === 'locked' && <UnlockWalletButton />}
        </>
      ) : (
        <>
          {w ? (
            <Text size="sm">none yet</Text>
          ) : wallet.isError && !unreachable ? (
            <ReadFailed what="The wallet" error={wallet.error} />
          ) : (
            <Text size="sm">…</Text>
          )}
        </>
      )}
    </Group>
  )
}

/** Several served chains: "+N chains" opens every chain's name, id, RPC state and block. */
function ServedChainsPopover({ chains }: { chains: readonly ChainStatus[] }) {
  const others = chains.length - 1
  const down = chains.filter((c) => !c.reachable).length
  return (
    <Popover position="top-start" withArrow shadow="md">
      <Popover.Target>
        <Button
          size="compact-xs"
          variant="subtle"
          color={down > 0 ? 'red' : 'gray'}
          aria-label={`All ${chains.length} served chains${down > 0 ? `, ${down} not answering` : ''}`}
          style={{ flexShrink: 0 }}
        >
          +{others} chain{others === 1 ? '' : 's'}
          {down > 0 ? ` (${down} down)` : ''}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <ServedChainsTable chains={chains} label="Served chains" />
      </Popover.Dropdown>
    </Popover>
  )
}

export function StatusBar() {
  const overview = useOverview()
  const reachability = useReachability()
  // What the bar last heard stays, but not as if live (as the screen above it).
  const unreachable = useConsoleUnreachable()
  const o = overview.data
  // A contract error (the console answered, with an error) is said, not left as "…" for ever; while
  // the console does not answer at all, the one banner says so and the parts stay "…".
  const overviewFailed = !o && overview.isError && !unreachable
  const pending = (what: string) =>
    overviewFailed ? <ReadFailed what={what} error={overview.error} /> : <Text size="sm">…</Text>
  const reach = reachability.data ? providerReachability(reachability.data) : undefined
  const chain = o
    ? o.chainId === null
      ? 'off'
      : `${isDevChain(o.chainName) ? 'dev' : 'rpc'} (${o.chainId})`
    : '…'
  return (
    <Group
      gap="md"
      h="100%"
      px="md"
      wrap="nowrap"
      className={unreachable ? 'status-bar not-live' : 'status-bar'}
      data-live={unreachable ? 'false' : 'true'}
    >
      {unreachable && (
        <Badge color="gray" variant="outline" size="sm" style={{ textTransform: 'none', flexShrink: 0 }}>
          not live
        </Badge>
      )}
      {/* Shown, but the last refresh failed: said once, so the values are not read as current. */}
      {o && overview.isError && !unreachable && (
        <ReadFailed what="The status bar" verb="could not be refreshed" error={overview.error} />
      )}
      {overviewFailed ? (
        <Group gap={4} wrap="nowrap">
          <Text size="sm">Chain:</Text>
          {pending('The chain')}
        </Group>
      ) : (
        <Text size="sm" title={o?.chainName ?? undefined}>
          Chain: {chain}
          {o && o.chainId !== null && (
            <Text span size="sm" c="dimmed">
              {' · '}
              {o.blockNumber === null ? 'block height unknown' : `block ${formatBlockHeight(o.blockNumber)}`}
            </Text>
          )}
        </Text>
      )}
      {o && !overviewFailed && o.chains.length > 1 && <ServedChainsPopover chains={o.chains} />}
      <WalletStatus unreachable={unreachable} />
      <Group gap={4} wrap="nowrap">
        <Text size="sm">Backend:</Text>
        {o?.health ? (
          <Badge size="sm" variant="dot" color={o.health.ok ? 'green' : 'red'}>
            {o.health.driver} {o.health.ok ? 'healthy' : 'failing'}
          </Badge>
        ) : (
          pending('The compute backend')
        )}
      </Group>
      <Group gap={4} wrap="nowrap">
        <Text size="sm">Provider URL:</Text>
        {o ? <AddressLabel value={o.providerUrl} what="Provider URL" /> : pending('The Provider URL')}
        {reach && (
          <Badge
            size="sm"
            variant="dot"
            color={reach.color}
            style={{ textTransform: 'none' }}
            aria-label={`Provider reachability: ${reach.label}`}
          >
            {reach.label}
          </Badge>
        )}
      </Group>
    </Group>
  )
}

/** Shown above every screen: the console is unreachable (retrying), or the chain is throwaway. */
export function ShellBanners() {
  const overview = useOverview()
  const unreachable = useConsoleUnreachable()
  const tokenRefused =
    overview.isError && overview.error instanceof ConsoleApiError && overview.error.code === 'UNAUTHORIZED'
  const keepToken = keepPastedToken()
  return (
    <>
      {tokenRefused && <TokenPaste onToken={keepToken} />}
      {unreachable && (
        <Alert color="red" title="The console is not answering" mb="md" role="alert">
          The server may have stopped. Reconnecting automatically; what is on screen is not live until it
          answers again.
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

/** The screen's content, marked not live (greyed, with "Reconnecting…") while the console is unreachable. */
export function LiveContent({ children }: { children: React.ReactNode }) {
  const unreachable = useConsoleUnreachable()
  return (
    <div data-live={unreachable ? 'false' : 'true'} aria-busy={unreachable || undefined}>
      {unreachable && (
        <Badge color="gray" variant="outline" mb="sm" style={{ textTransform: 'none' }}>
          Reconnecting… what is shown below is not live
        </Badge>
      )}
      <div className={unreachable ? 'not-live' : undefined}>{children}</div>
    </div>
  )
}
