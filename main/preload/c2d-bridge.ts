/**
 * What the preload puts in the page: ONE global, `window.c2d`, with exactly `call(method, input)`
 * and `subscribe(event, listener) → unsubscribe` (the ConsoleTransport shape the renderer's client
 * expects), plus `startupState()` and `onStartup(listener)` for the starting window and
 * `keychainStatus()`, `rememberWalletPassword(password)`, `forgetWalletPassword()` for Settings. Modelled on VS Code's sandbox preload: a namespaced global with a few validated
 * methods. It must never hand the page ipcRenderer, an IpcRendererEvent (it reaches `sender`), or
 * a way to pick a channel. May import electron (types) and the contract only.
 */
import { isConsoleEvent, type ConsoleTransport } from '../../engine/console-api/contract'
import type { ContextBridgeLike, IpcRendererLike } from '../electron-types'

// Same names as main/console-ipc/ipc-server.ts (checked by its test).
export const IPC_CALL_CHANNEL = 'c2d:call'
export const IPC_EVENT_CHANNEL = 'c2d:event'
export const C2D_GLOBAL = 'c2d'
// Same names as main/startup.ts (the starting window; checked by its test).
export const STARTUP_CHANNEL = 'c2d:startup'
export const STARTUP_STATE_CHANNEL = 'c2d:startup-state'

/** The starting window's members: the engine's start steps, pushed by main, and the current state. */
export interface StartupBridge {
  startupState(): Promise<unknown>
  onStartup(listener: (state: unknown) => void): () => void
}

// Same names as main/keychain-ipc.ts (checked by its test): "remember the wallet password".
export const KEYCHAIN_STATUS_CHANNEL = 'c2d:keychain-status'
export const KEYCHAIN_REMEMBER_CHANNEL = 'c2d:keychain-remember'
export const KEYCHAIN_FORGET_CHANNEL = 'c2d:keychain-forget'

/** The Settings screen's "remember on this computer" members (the password goes one way: to main). */
export function createKeychainBridge(ipcRenderer: IpcRendererLike) {
  return {
    keychainStatus: () => ipcRenderer.invoke(KEYCHAIN_STATUS_CHANNEL),
    rememberWalletPassword: (password: unknown) => {
      if (typeof password !== 'string')
        return Promise.reject(new TypeError('c2d.rememberWalletPassword: the password must be a string'))
      return ipcRenderer.invoke(KEYCHAIN_REMEMBER_CHANNEL, password)
    },
    forgetWalletPassword: () => ipcRenderer.invoke(KEYCHAIN_FORGET_CHANNEL),
  }
}

export function createStartupBridge(ipcRenderer: IpcRendererLike): StartupBridge {
  const listeners = new Set<(state: unknown) => void>()
  ipcRenderer.on(STARTUP_CHANNEL, (_event, state) => {
    for (const listener of [...listeners]) listener(state)
  })
  return {
    startupState: () => ipcRenderer.invoke(STARTUP_STATE_CHANNEL),
    onStartup(listener) {
      if (typeof listener !== 'function') throw new TypeError('c2d.onStartup: listener must be a function')
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

export function createC2dBridge(ipcRenderer: IpcRendererLike): ConsoleTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name, payload) => {
    if (typeof name !== 'string') return
    // Copy the set: a listener may unsubscribe while we iterate.
    for (const listener of [...(listeners.get(name) ?? [])]) listener(payload)
  })
  return {
    call(method, input) {
      if (typeof method !== 'string')
        return Promise.reject(new TypeError('c2d.call: method must be a string'))
      return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input ?? {})
    },
    subscribe(event, listener) {
      if (!isConsoleEvent(event))
        throw new TypeError(`c2d.subscribe: unknown console event "${String(event)}"`)
      if (typeof listener !== 'function') throw new TypeError('c2d.subscribe: listener must be a function')
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
  }
}

export function exposeC2d(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): void {
  const bridge = createC2dBridge(ipcRenderer)
  const startup = createStartupBridge(ipcRenderer)
  const keychain = createKeychainBridge(ipcRenderer)
  // A fresh object literal: exactly these members cross the bridge, nothing inherited.
  contextBridge.exposeInMainWorld(C2D_GLOBAL, {
    call: bridge.call,
    subscribe: bridge.subscribe,
    startupState: startup.startupState,
    onStartup: startup.onStartup,
    keychainStatus: keychain.keychainStatus,
    rememberWalletPassword: keychain.rememberWalletPassword,
    forgetWalletPassword: keychain.forgetWalletPassword,
  })
}
