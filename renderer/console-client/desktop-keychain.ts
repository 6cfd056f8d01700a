/**
 * The desktop app's "remember the wallet password on this computer" (OS keychain), reached through
 * the Electron preload's `window.c2d` keychain members; null in the browser (`npm run serve`), where
 * there is no keychain and the switch is not shown.
 */
export interface KeychainStatus {
  isAvailable: boolean
  reason?: string
  isRemembered: boolean
}

export interface DesktopKeychain {
  status(): Promise<KeychainStatus>
  remember(password: string): Promise<KeychainStatus>
  forget(): Promise<KeychainStatus>
}

interface KeychainMembers {
  keychainStatus?: () => Promise<KeychainStatus>
  rememberWalletPassword?: (password: string) => Promise<KeychainStatus>
  forgetWalletPassword?: () => Promise<KeychainStatus>
}

export function desktopKeychain(
  win: { c2d?: unknown } = window as unknown as { c2d?: unknown },
): DesktopKeychain | null {
  const c2d = win.c2d as KeychainMembers | undefined
  if (
    !c2d ||
    typeof c2d.keychainStatus !== 'function' ||
    typeof c2d.rememberWalletPassword !== 'function' ||
    typeof c2d.forgetWalletPassword !== 'function'
  )
    return null
  const { keychainStatus, rememberWalletPassword, forgetWalletPassword } = c2d
  return {
    status: () => keychainStatus(),
    remember: (password) => rememberWalletPassword(password),
    forget: () => forgetWalletPassword(),
  }
}
