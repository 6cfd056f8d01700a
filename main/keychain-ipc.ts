/**
 * "Remember the wallet password on this computer": main-only IPC between the Settings screen (through
 * the preload's `window.c2d` keychain members) and the SecretStore (Electron safeStorage: Keychain,
 * DPAPI, libsecret/kwallet). The password is written only when the user asks, never read back to the
 * page, and handed to the engine at the next start (startCore's `secrets`). Same sender rule as the
 * console API: the main frame of a console window, at the app's origin.
 */
import type { IpcInvokeEventLike, IpcMainLike } from './electron-types'
import { SecretName, type SecretStore } from './secrets'
import type { SenderCheck } from './console-ipc/ipc-server'

// Same names as main/preload/c2d-bridge.ts (checked by its test).
export const KEYCHAIN_STATUS_CHANNEL = 'c2d:keychain-status'
export const KEYCHAIN_REMEMBER_CHANNEL = 'c2d:keychain-remember'
export const KEYCHAIN_FORGET_CHANNEL = 'c2d:keychain-forget'

export interface KeychainStatus {
  isAvailable: boolean
  /** Why it cannot remember (no keyring, no encryption): shown beside the greyed switch. */
  reason?: string
  isRemembered: boolean
}

export const MAX_PASSWORD_LENGTH = 1024

export function registerKeychainIpc(deps: {
  ipcMain: IpcMainLike
  secrets: SecretStore
  checkSender(event: IpcInvokeEventLike): SenderCheck
}): void {
  const status = (): KeychainStatus => {
    const s = deps.secrets.status()
    const isRemembered = deps.secrets.read(SecretName.WalletPassword) !== undefined
    return s.isAvailable
      ? { isAvailable: true, isRemembered }
      : { isAvailable: false, reason: s.reason, isRemembered }
  }
  const guarded =
    (run: (...args: unknown[]) => KeychainStatus) =>
    (event: IpcInvokeEventLike, ...args: unknown[]) => {
      const check = deps.checkSender(event)
      if (!check.ok) throw new Error(`refused: ${check.reason}`)
      return run(...args)
    }
  deps.ipcMain.handle(KEYCHAIN_STATUS_CHANNEL, guarded(status))
  deps.ipcMain.handle(
    KEYCHAIN_REMEMBER_CHANNEL,
    guarded((password) => {
      if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH)
        throw new Error('The password must be a non-empty string')
      deps.secrets.save(SecretName.WalletPassword, password) // throws with the reason where it cannot
      return status()
    }),
  )
  deps.ipcMain.handle(
    KEYCHAIN_FORGET_CHANNEL,
    guarded(() => {
      deps.secrets.delete(SecretName.WalletPassword)
      return status()
    }),
  )
}
