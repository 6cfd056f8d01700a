// Settings: provider bind address/port, RPC endpoints, log level, data dir (read-only) and the
// provider wallet (address and balances only; a key or phrase typed to import it goes to the engine
// once and is never shown or read back).
import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { useSaveSettings, useSettings, useWallet, useWalletAction } from '../../server-state/settings'
import { BalancesView } from './balances-view'
import { NetworkSection } from './network-section'
import { ErrorMessage } from '../../components/error-message'
import { useOverview } from '../../server-state/overview'
import { desktopKeychain, type KeychainStatus } from '../../console-client/desktop-keychain'
import { ChainError } from '../overview/overview-screen'
import { SegmentedControl, Stack, Text, useMantineColorScheme, type MantineColorScheme } from '@mantine/core'

export function SettingsScreen() {
  const settings = useSettings()
  const save = useSaveSettings()
  const wallet = useWallet()
  const chainError = useOverview().data?.chainError ?? null
  // Desktop app only: keep the wallet password in the OS keychain for the next start.
  const keychain = useMemo(() => desktopKeychain(), [])
  const [keychainStatus, setKeychainStatus] = useState<KeychainStatus | null>(null)
  const [keychainError, setKeychainError] = useState<string | null>(null)
  const [rememberPassword, setRememberPassword] = useState(false)
  useEffect(() => {
    keychain?.status().then(setKeychainStatus, (e: unknown) => setKeychainError(String(e)))
  }, [keychain])
  const keychainCall = (call: Promise<KeychainStatus>) =>
    call.then(
      (status) => {
        setKeychainStatus(status)
        setKeychainError(null)
      },
      (e: unknown) => setKeychainError(e instanceof Error ? e.message : String(e)),
    )
  const walletAction = useWalletAction()
  const { colorScheme, setColorScheme } = useMantineColorScheme()
  const [password, setPassword] = useState('')
  const [importSecret, setImportSecret] = useState('')
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const f = new FormData(event.currentTarget)
    save.mutate({
      providerHost: String(f.get('providerHost')),
      providerPort: Number(f.get('providerPort')),
      logLevel: String(f.get('logLevel')) as 'info',
      rpcEndpoints: Object.fromEntries(
        String(f.get('rpc'))
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.split('=')[0]!.trim(), l.slice(l.indexOf('=') + 1).trim()]),
      ),
    })
  }
  if (settings.isPending) return <p role="status">Loading settings…</p>
  if (settings.isError) return <ErrorMessage title="Could not load settings" error={settings.error} />
  const s = settings.data
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form aria-label="Provider settings" onSubmit={submit}>
        <label>
          Provider bind address
          <input name="providerHost" defaultValue={s.providerHost} />
        </label>
        <label>
          Provider port
          <input name="providerPort" type="number" min="0" max="65535" defaultValue={s.providerPort} />
        </label>
        <label>
          RPC endpoints (chainId=url, one per line)
          <textarea
            name="rpc"
            defaultValue={Object.entries(s.rpcEndpoints)
              .map(([k, v]) => `${k}=${v}`)
              .join('\n')}
          />
        </label>
        <label>
          Log level
          <select name="logLevel" defaultValue={s.logLevel}>
            <option value="debug">debug</option>
            <option value="info">info</option>
            <option value="warn">warn</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Data directory
          <input value={s.dataDir} readOnly />
        </label>
        <button type="submit" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && <p role="status">Saved. Restart the provider for bind changes to take effect.</p>}
        {save.isError && <ErrorMessage title="Could not save settings" error={save.error} />}
      </form>
      <NetworkSection />
      <section aria-labelledby="wallet-title">
        <h3 id="wallet-title">Provider wallet</h3>
        {chainError ? <ChainError error={chainError} /> : null}
        <p>
          Address: <code data-testid="wallet-address">{s.walletAddress ?? 'none'}</code> (
          {wallet.data?.state ?? '…'})
        </p>
        {wallet.data && wallet.data.state !== 'unlocked' && (
          <form
            aria-label="Wallet"
            onSubmit={(e) => {
              e.preventDefault()
              const typed = password
              walletAction.mutate(
                { kind: wallet.data.state === 'none' ? 'create' : 'unlock', password: typed },
                {
                  onSuccess: () => {
                    if (keychain && rememberPassword) keychainCall(keychain.remember(typed))
                  },
                },
              )
            }}
          >
            <label>
              Wallet password
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="new-password"
              />
            </label>
            {keychain && (
              <label>
                <input
                  type="checkbox"
                  checked={rememberPassword}
                  disabled={!keychainStatus?.isAvailable}
                  onChange={(e) => setRememberPassword(e.target.checked)}
                />
                Remember the password on this computer (OS keychain)
              </label>
            )}
            {keychain && keychainStatus && !keychainStatus.isAvailable && (
              <p data-testid="keychain-unavailable">Cannot remember it here: {keychainStatus.reason}.</p>
            )}
            <button type="submit">{wallet.data.state === 'none' ? 'Create wallet' : 'Unlock wallet'}</button>
          </form>
        )}
        {keychain && keychainStatus?.isRemembered && (
          <p role="status">
            The wallet password is remembered on this computer; the Provider key unlocks at start.{' '}
            <button type="button" onClick={() => keychainCall(keychain.forget())}>
              Forget the password
            </button>
          </p>
        )}
        {keychainError && <p role="alert">Keychain: {keychainError}</p>}
        {wallet.data?.state === 'none' && (
          <form
            aria-label="Import wallet"
            onSubmit={(e) => {
              e.preventDefault()
              const secret = importSecret.trim()
              // The secret goes to the engine once, to be encrypted into the keystore; it is never shown again.
              walletAction.mutate(
                /^(0x)?[0-9a-fA-F]{64}$/.test(secret)
                  ? { kind: 'import', privateKey: secret, password }
                  : { kind: 'importMnemonic', mnemonic: secret, password },
              )
              setImportSecret('')
            }}
          >
            <label>
              Private key or recovery phrase
              <textarea
                value={importSecret}
                onChange={(e) => setImportSecret(e.target.value)}
                autoComplete="off"
                spellCheck={false}
              />
            </label>
            <button type="submit">Import wallet</button>
          </form>
        )}
        {walletAction.isError && <ErrorMessage title="Wallet action failed" error={walletAction.error} />}
        {wallet.data && wallet.data.state !== 'none' && <BalancesView />}
      </section>
      <Stack gap={4} mt="lg" role="group" aria-labelledby="theme-label">
        <Text id="theme-label" fw={600}>
          Theme
        </Text>
        <SegmentedControl
          value={colorScheme}
          onChange={(value) => setColorScheme(value as MantineColorScheme)}
          data={[
            { value: 'auto', label: 'Follow the system' },
            { value: 'light', label: 'Light' },
            { value: 'dark', label: 'Dark' },
          ]}
        />
      </Stack>
    </section>
  )
}
