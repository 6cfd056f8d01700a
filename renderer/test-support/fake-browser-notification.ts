/**
 * A fake of the browser's Notification API at its boundary (globalThis.Notification), for the
 * browser console's desktop notifications: a permission the test sets, what requestPermission
 * answers, and the notifications shown. jsdom has none; install() puts this one there.
 */
type Permission = 'default' | 'granted' | 'denied'

export interface FakeBrowserNotifications {
  permission: Permission
  /** What the next requestPermission() answers (and becomes the permission). */
  answer: Permission
  asked: number
  shown: Array<{ title: string; body?: string; tag?: string; click(): void }>
  remove(): void
}

export function installFakeBrowserNotifications(
  initial: Partial<Pick<FakeBrowserNotifications, 'permission' | 'answer'>> = {},
): FakeBrowserNotifications {
  const state: FakeBrowserNotifications = {
    permission: initial.permission ?? 'default',
    answer: initial.answer ?? 'granted',
    asked: 0,
    shown: [],
    remove: () => {
      delete (globalThis as { Notification?: unknown }).Notification
    },
  }
  class FakeNotification {
    onclick: (() => void) | null = null
    static get permission(): Permission {
      return state.permission
    }
    static async requestPermission(): Promise<Permission> {
      state.asked += 1
      state.permission = state.answer
      return state.answer
    }
    constructor(title: string, options: { body?: string; tag?: string } = {}) {
      if (state.permission !== 'granted') throw new TypeError('Notification permission not granted')
      state.shown.push({ title, ...options, click: () => this.onclick?.() })
    }
  }
  ;(globalThis as { Notification?: unknown }).Notification = FakeNotification
  return state
}

/** document.visibilityState as the browser sets it for a tab in front or in the background. */
export function setTabVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
}
