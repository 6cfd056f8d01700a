/**
 * The browser's Notification API, for the browser console's desktop notifications (the desktop app
 * shows its own from main/). Read from `globalThis.Notification` at each call, so a permission the
 * user changed in the site settings counts at once; tests put a fake of the browser API there.
 */
export type BrowserNotificationPermission = 'default' | 'granted' | 'denied' | 'unsupported'

interface NotificationConstructorLike {
  readonly permission: 'default' | 'granted' | 'denied'
  requestPermission(): Promise<'default' | 'granted' | 'denied'>
  new (title: string, options?: { body?: string; tag?: string }): { onclick: (() => void) | null }
}

const api = () =>
  (globalThis as { Notification?: NotificationConstructorLike }).Notification as
    NotificationConstructorLike | undefined

export function browserNotificationPermission(): BrowserNotificationPermission {
  return api()?.permission ?? 'unsupported'
}

/** Asks the browser (needs a user gesture: call it from the switch's change). */
export async function requestBrowserNotificationPermission(): Promise<BrowserNotificationPermission> {
  const Notification = api()
  if (!Notification) return 'unsupported'
  try {
    return await Notification.requestPermission()
  } catch {
    return Notification.permission
  }
}

/** Shows one when allowed; a click brings the tab up (and runs onClick). Never throws. */
export function showBrowserNotification(
  notification: { id: string; title: string; message: string },
  onClick: () => void,
): boolean {
  const Notification = api()
  if (!Notification || Notification.permission !== 'granted') return false
  try {
    const shown = new Notification(notification.title, { body: notification.message, tag: notification.id })
    shown.onclick = () => {
      globalThis.focus?.()
      onClick()
    }
    return true
  } catch {
    // Some browsers (Chrome on Android) allow only service-worker notifications: the in-app one stays.
    return false
  }
}
