// The publisher wallet: one address (the keystore's, known while locked too), its state, and every
// action on it — create (rules up front, a confirm field, the recovery phrase shown once for a
// paper backup), import, unlock, lock and export the encrypted keystore, each confirmed first. A
// key or phrase typed here goes to the engine once and is never shown or read back.
import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { useOverview } from '../../server-state/overview'
import { useExportWallet, useLockWallet, useWallet, useWalletAction } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { AddressLabel } from '../../components/labels/address-label'
import { isDevChain } from '../../app-shell/status-bar'
import { fieldErrorsFromError } from '../../components/field-errors'
import { BalancesView } from './balances-view'
import { ChainBalancesView } from './chain-balances-view'
import { useKeychainRemember } from './keychain-remember'

const MIN_PASSWORD = 8
const STATE_WORDS = { none: 'no wallet yet', locked: 'locked', unlocked: 'unlocked' } as const

/** Password + confirm with the rules said before typing; returns the error per field, or none. */
function passwordErrors(password: string, confirm: string): { password?: string; confirm?: string } {
  return {
    ...(password.length < MIN_PASSWORD ? { password: `At least ${MIN_PASSWORD} characters.` } : {}),
    ...(confirm !== password ? { confirm: 'The two passwords differ.' } : {}),
  }
}

function NewPassword({
  value,
  onChange,
  errors,
  label,
}: {
  value: { password: string; confirm: string }
  onChange: (v: { password: string; confirm: string }) => void
  errors: { password?: string; confirm?: string }
  label: string
}) {
  return (
    <>
      <PasswordInput
        label={label}
        description={`At least ${MIN_PASSWORD} characters. You type it after every restart; nobody can reset it.`}
        value={value.password}
        onChange={(e) => onChange({ ...value, password: e.currentTarget.value })}
        error={errors.password}
        autoComplete="new-password"
      />
      <PasswordInput
        label="Confirm password"
        value={value.confirm}
        onChange={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
        error={errors.confirm}
        autoComplete="new-password"
      />
    </>
  )
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  URL.revokeObjectURL(url)
}

export function WalletSection() {
  const wallet = useWallet()
  const overview = useOverview()
  const action = useWalletAction()
  const lock = useLockWallet()
  const exportWallet = useExportWallet()
  const [create, setCreate] = useState({ password: '', confirm: '' })
  const [createErrors, setCreateErrors] = useState<{ password?: string; confirm?: string }>({})
  const [imported, setImported] = useState({ password: '', confirm: '' })
  const [importErrors, setImportErrors] = useState<{ password?: string; confirm?: string; secret?: string }>(
    {},
  )
  const [secret, setSecret] = useState('')
  const [unlockPassword, setUnlockPassword] = useState('')
  const [phrase, setPhrase] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<'lock' | 'export' | null>(null)
  const keychain = useKeychainRemember()
  const state = wallet.data?.state
  const serverErrors = fieldErrorsFromError(action.error)

  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-labelledby="wallet-title"
      data-wallet-state={state}
    >
      <Group justify="space-between">
        <Title order={3} size="h4" id="wallet-title">
          Provider wallet
        </Title>
        {state && (
          <Badge
            variant="dot"
            color={state === 'unlocked' ? 'green' : state === 'locked' ? 'yellow' : 'gray'}
          >
            {wallet.data?.devKey ? 'dev key (throwaway)' : STATE_WORDS[state]}
          </Badge>
        )}
      </Group>
      <Group gap="xs" mt="xs">
        <Text size="sm">Address:</Text>
        {wallet.data?.address ? (
          <>
            <AddressLabel value={wallet.data.address} what="wallet address" />
            <Text span size="xs" c="dimmed" ff="monospace" data-testid="wallet-address">
              {wallet.data.address}
            </Text>
          </>
        ) : wallet.data ? (
          <Text size="sm" data-testid="wallet-address">
            none yet
          </Text>
        ) : wallet.isPending ? (
          // Not "none yet" before the console said so: that would send a publisher to create one.
          <Text size="sm" role="status">
            Loading the wallet…
          </Text>
        ) : (
          <Text size="sm">unknown</Text>
        )}
      </Group>
      {wallet.isError && <ErrorMessage title="Could not read the wallet" error={wallet.error} />}
      <Text size="sm" c="dimmed" mt={4}>
        This key signs your publishing transactions and the Provider&apos;s fees, and DDOs are encrypted for
        it.
      </Text>
      {wallet.data?.devKey && (
        <Alert color="orange" mt="xs" title="The Provider signs with the dev chain's public dev key">
          Until you create or import your wallet below, this console&apos;s Provider uses the dev chain&apos;s
          fixed dev key: its private key is public, so it is for trying things out only. Your wallet then
          becomes the Provider&apos;s key; DDOs made for the dev key stay readable.
        </Alert>
      )}
      {overview.data && isDevChain(overview.data.chainName) && (
        <Text size="xs" c="dimmed" mt={4}>
          On the throwaway dev chain the console funds this wallet (test ETH for gas and OCEAN) when it is
          created or imported; on a real chain it pays its own gas, so it needs native coin there.
        </Text>
      )}

      {phrase && (
        <Alert
          color="yellow"
          title="Write down your recovery phrase now"
          mt="md"
          role="region"
          aria-label="Recovery phrase"
        >
          <Text size="sm">
            These words restore this wallet anywhere. This is the only time the console shows them: keep them
            offline, never share them.
          </Text>
          <Code block mt="xs" data-testid="recovery-phrase">
            {phrase}
          </Code>
          <Button mt="sm" onClick={() => setPhrase(null)}>
            I have written it down
          </Button>
        </Alert>
      )}

      {state === 'none' && (
        <SimpleGrid cols={{ base: 1, md: 2 }} mt="md">
          <form
            aria-label="Wallet"
            noValidate
            onSubmit={(e) => {
              e.preventDefault()
              const found = passwordErrors(create.password, create.confirm)
              setCreateErrors(found)
              if (Object.keys(found).length > 0) return
              action.mutate(
                { kind: 'create', password: create.password },
                {
                  onSuccess: (status) => {
                    keychain.afterUnlock(create.password)
                    setCreate({ password: '', confirm: '' })
                    if ('recoveryPhrase' in status && typeof status.recoveryPhrase === 'string')
                      setPhrase(status.recoveryPhrase)
                  },
                },
              )
            }}
          >
            <Stack gap="xs">
              <Text fw={600} size="sm">
                Create a new wallet
              </Text>
              <NewPassword
                label="Wallet password"
                value={create}
                onChange={setCreate}
                errors={{
                  ...createErrors,
                  ...(serverErrors.password ? { password: serverErrors.password } : {}),
                }}
              />
              {keychain.toggle}
              <Button type="submit" loading={action.isPending}>
                Create wallet
              </Button>
            </Stack>
          </form>
          <form
            aria-label="Import wallet"
            noValidate
            onSubmit={(e) => {
              e.preventDefault()
              const value = secret.trim()
              const found = {
                ...passwordErrors(imported.password, imported.confirm),
                ...(value ? {} : { secret: 'Paste the 64 hex digits of the key, or the 12 to 24 words.' }),
              }
              setImportErrors(found)
              if (Object.keys(found).length > 0) return
              // The secret goes to the engine once, to be encrypted into the keystore; it is never shown again.
              action.mutate(
                /^(0x)?[0-9a-fA-F]{64}$/.test(value)
                  ? { kind: 'import', privateKey: value, password: imported.password }
                  : { kind: 'importMnemonic', mnemonic: value, password: imported.password },
              )
              setSecret('')
            }}
          >
            <Stack gap="xs">
              <Text fw={600} size="sm">
                Or import yours
              </Text>
              <Textarea
                label="Private key or recovery phrase"
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                autoComplete="off"
                spellCheck={false}
                rows={2}
                error={importErrors.secret}
              />
              <NewPassword
                label="Password for the imported wallet"
                value={imported}
                onChange={setImported}
                errors={importErrors}
              />
              <Button type="submit" variant="light" loading={action.isPending}>
                Import wallet
              </Button>
            </Stack>
          </form>
        </SimpleGrid>
      )}

      {state === 'locked' && (
        <form
          aria-label="Wallet"
          onSubmit={(e) => {
            e.preventDefault()
            const typed = unlockPassword
            action.mutate(
              { kind: 'unlock', password: typed },
              {
                onSuccess: () => {
                  keychain.afterUnlock(typed)
                  setUnlockPassword('')
                },
              },
            )
          }}
        >
          <Group align="flex-end" mt="md">
            <PasswordInput
              label="Wallet password"
              value={unlockPassword}
              onChange={(e) => setUnlockPassword(e.currentTarget.value)}
              autoComplete="current-password"
              error={serverErrors.password}
            />
            <Button type="submit" loading={action.isPending}>
              Unlock wallet
            </Button>
          </Group>
          {keychain.toggle}
        </form>
      )}

      {state && state !== 'none' && (
        <Group mt="md">
          {state === 'unlocked' && (
            <Button variant="default" onClick={() => setConfirming('lock')} loading={lock.isPending}>
              Lock wallet
            </Button>
          )}
          <Button variant="default" onClick={() => setConfirming('export')} loading={exportWallet.isPending}>
            Export keystore (backup)
          </Button>
        </Group>
      )}
      {keychain.status}
      {action.isError && <ErrorMessage title="Wallet action failed" error={action.error} />}
      {lock.isError && <ErrorMessage title="Could not lock the wallet" error={lock.error} />}
      {exportWallet.isError && (
        <ErrorMessage title="Could not export the wallet" error={exportWallet.error} />
      )}
      {exportWallet.isSuccess && (
        <Text role="status" size="sm" mt="xs">
          Saved the encrypted keystore of {exportWallet.data.address}. Only your password opens it.
        </Text>
      )}
      <ConfirmDialog
        opened={confirming === 'lock'}
        title="Lock the wallet?"
        confirmLabel="Lock wallet"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null)
          lock.mutate()
        }}
      >
        Publishing, paid jobs and fee signing wait until you unlock it again with its password.
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'export'}
        title="Export the keystore?"
        confirmLabel="Export keystore"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null)
          exportWallet.mutate(undefined, {
            onSuccess: ({ address, keystoreJson }) => download(`c2d-wallet-${address}.json`, keystoreJson),
          })
        }}
      >
        This saves the encrypted keystore file. Anyone with the file and your password controls the wallet:
        keep it somewhere safe.
      </ConfirmDialog>
      {state && state !== 'none' && <BalancesView />}
      {state && state !== 'none' && <ChainBalancesView />}
    </Card>
  )
}
