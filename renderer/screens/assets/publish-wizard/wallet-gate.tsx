// Shown before the publish form: publishing signs transactions, so the wallet must exist and be
// unlocked first (not discovered after filling the whole form).
import { useState } from 'react'
import { Alert, Anchor, Button, Group, PasswordInput, Text } from '@mantine/core'
import { Link } from '@tanstack/react-router'
import { useWallet, useWalletAction } from '../../../server-state/settings'
import { ErrorMessage } from '../../../components/error-message'
import { AddressLabel } from '../../../components/labels/address-label'

export function WalletGate({ children }: { children: React.ReactNode }) {
  const wallet = useWallet()
  const unlock = useWalletAction()
  const [password, setPassword] = useState('')
  if (wallet.isPending)
    return (
      <Text role="status" size="sm">
        Checking the wallet…
      </Text>
    )
  if (wallet.isError) return <ErrorMessage title="Could not read the wallet" error={wallet.error} />
  if (wallet.data.state === 'unlocked') return <>{children}</>
  if (wallet.data.state === 'none')
    return (
      <Alert color="yellow" title="You need a wallet to publish" role="region">
        <Text size="sm">
          Publishing creates a data NFT and a datatoken on chain, signed by your publisher wallet, which is
          also the Provider&apos;s key. Create one (or import yours) first; it takes a minute.
        </Text>
        <Button component={Link} to="/settings" mt="sm">
          Create a wallet in Settings
        </Button>
      </Alert>
    )
  return (
    <Alert color="yellow" title="Unlock your wallet to publish" role="region">
      <Text size="sm" mb="xs">
        Publishing signs transactions with your wallet{' '}
        {wallet.data.address && <AddressLabel value={wallet.data.address} what="wallet address" />}. It is
        locked.
      </Text>
      <form
        aria-label="Unlock the wallet"
        onSubmit={(e) => {
          e.preventDefault()
          unlock.mutate({ kind: 'unlock', password }, { onSuccess: () => setPassword('') })
        }}
      >
        <Group align="flex-end">
          <PasswordInput
            label="Wallet password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="current-password"
          />
          <Button type="submit" loading={unlock.isPending}>
            Unlock wallet
          </Button>
        </Group>
      </form>
      {unlock.isError && <ErrorMessage title="Could not unlock the wallet" error={unlock.error} />}
      <Text size="xs" mt="xs">
        Forgot it?{' '}
        <Anchor component={Link} to="/settings">
          Settings → Wallet
        </Anchor>{' '}
        explains the options.
      </Text>
    </Alert>
  )
}
