/**
 * Secrets the user chose to keep (today: the provider wallet's password, so the Provider can sign
 * after a restart without asking). Encrypted with Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet) into `<userData>/secrets/<name>.bin`, mode 0600. Never stored when the OS
 * offers no real encryption (Linux 'basic_text' backend): the user is told and asked each launch
 * instead. Secrets never go to config files or logs, and are handed to the engine only through
 * startCore's `secrets` option.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SafeStorageLike } from './electron-types'

export const SecretName = { WalletPassword: 'wallet-password' } as const
export type SecretName = (typeof SecretName)[keyof typeof SecretName]

export type SecretStoreStatus = { isAvailable: true } | { isAvailable: false; reason: string }

export class SecretStore {
  private readonly dir: string

  constructor(
    private readonly safeStorage: SafeStorageLike,
    userDataDir: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.dir = join(userDataDir, 'secrets')
  }

  /** Only meaningful after app 'ready' (safeStorage needs it). */
  status(): SecretStoreStatus {
    if (!this.safeStorage.isEncryptionAvailable())
      return { isAvailable: false, reason: 'this system offers no encryption for app secrets' }
    if (this.platform === 'linux' && this.safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return {
        isAvailable: false,
        reason:
          'no keyring (GNOME Keyring or KWallet) is running, so secrets would be stored with a fixed key',
      }
    }
    return { isAvailable: true }
  }

  private file(name: SecretName): string {
    return join(this.dir, `${name}.bin`)
  }

  save(name: SecretName, value: string): void {
    const status = this.status()
    if (!status.isAvailable) throw new Error(`Cannot remember this secret: ${status.reason}.`)
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    writeFileSync(this.file(name), this.safeStorage.encryptString(value), { mode: 0o600 })
  }

  /** undefined when none is saved or it cannot be decrypted any more (keyring reset): ask again. */
  read(name: SecretName): string | undefined {
    if (!existsSync(this.file(name)) || !this.status().isAvailable) return undefined
    try {
      return this.safeStorage.decryptString(readFileSync(this.file(name)))
    } catch {
      return undefined
    }
  }

  delete(name: SecretName): void {
    rmSync(this.file(name), { force: true })
  }

  /** What startCore's `secrets` option receives. */
  forEngine(): Record<string, string> {
    const walletPassword = this.read(SecretName.WalletPassword)
    return walletPassword === undefined ? {} : { walletPassword }
  }
}
