// Desktop app only: "Remember the password on this computer" (the OS keychain through the preload).
// In the browser there is no keychain and nothing is shown.
import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Checkbox, Group, Text } from '@mantine/core'
import { desktopKeychain, type KeychainStatus } from '../../console-client/desktop-keychain'

export interface KeychainRemember {
  /** The switch, for the create and unlock forms (null in the browser). */
  toggle: React.ReactNode
  /** What is remembered and the Forget button, plus any keychain error. */
  status: React.ReactNode
  /** Called once the wallet accepted the password: hands it to the keychain if the switch is on. */
  afterUnlock: (password: string) => void
}

export function useKeychainRemember(): KeychainRemember {
  const keychain = useMemo(() => desktopKeychain(), [])
  const [status, setStatus] = useState<KeychainStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [remember, setRemember] = useState(false)
  useEffect(() => {
    keychain?.status().then(setStatus, (e: unknown) => setError(String(e)))
  }, [keychain])
  const call = (pending: Promise<KeychainStatus>) =>
    pending.then(
      (next) => {
        setStatus(next)
        setError(null)
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  if (!keychain) return { toggle: null, status: null, afterUnlock: () => undefined }
  return {
    toggle: (
      <>
        <Checkbox
          label="Remember the password on this computer (OS keychain)"
          checked={remember}
          disabled={!status?.isAvailable}
          onChange={(e) => setRemember(e.currentTarget.checked)}
        />
        {status && !status.isAvailable && (
          <Text size="sm" data-testid="keychain-unavailable">
            Cannot remember it here: {status.reason}.
          </Text>
        )}
      </>
    ),
    status: (
      <>
        {status?.isRemembered && (
          <Group gap="xs" mt="sm" role="status">
            <Text size="sm">
              The wallet password is remembered on this computer; the Provider key unlocks at start.
            </Text>
            <Button size="xs" variant="default" onClick={() => call(keychain.forget())}>
              Forget the password
            </Button>
          </Group>
        )}
        {error && (
          <Alert color="red" mt="sm" role="alert" title="Keychain">
            {error}
          </Alert>
        )}
      </>
    ),
    afterUnlock: (password) => {
      if (remember) call(keychain.remember(password))
    },
  }
}
