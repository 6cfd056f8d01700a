/**
 * Desktop notifications (Electron's main-process `Notification`) for what a publisher must not miss
 * while the window is hidden or in the background: a failed job, a refused consumer request, a
 * payment claimed. The wording is the contract's `notificationFor…` (the renderer's in-app
 * notifications use the same functions), so the two never say different things.
 *
 * Nothing is shown before 'ready' (Electron's Notification is a main-process module used after it),
 * where the desktop has no notification service (`isSupported()`), or when the user turned them off.
 */
import {
  DESKTOP_NOTIFICATION_KINDS,
  notificationForJobChange,
  notificationForProviderRequest,
  type ConsoleNotification,
  type ConsoleService,
} from '../engine/console-api/contract'
import type { NotificationsLike } from './electron-types'

// The kinds the desktop tells about live in the contract: the browser console tells the same ones.
export { DESKTOP_NOTIFICATION_KINDS }

export interface DesktopNotificationsOptions {
  notifications: NotificationsLike
  isReady(): boolean
  /** The user's setting (desktop-preferences.json), read on each event so a toggle applies at once. */
  isEnabled(): boolean
  /** A click: bring the window up, on the job when there is one. */
  open(jobId: string | undefined): void
  logger?: { warn(msg: string, meta?: Record<string, unknown>): void }
}

/** Subscribes to the console's job and request events; returns the unsubscribe. */
export function showDesktopNotifications(
  service: Pick<ConsoleService, 'subscribe'>,
  options: DesktopNotificationsOptions,
): () => void {
  const show = (notification: ConsoleNotification | null) => {
    if (!notification || !DESKTOP_NOTIFICATION_KINDS.has(notification.kind)) return
    if (!options.isReady() || !options.isEnabled()) return
    try {
      if (!options.notifications.isSupported()) return
      const shown = options.notifications.create({ title: notification.title, body: notification.message })
      shown.on('click', () => options.open(notification.jobId))
      shown.show()
    } catch (error) {
      // A notification service that fails must not break the event stream for the other listeners.
      options.logger?.warn('could not show a desktop notification', { error: String(error) })
    }
  }
  const offJob = service.subscribe('onDidChangeJob', (event) => show(notificationForJobChange(event)))
  const offRequest = service.subscribe('onProviderRequest', (request) =>
    show(notificationForProviderRequest(request)),
  )
  return () => {
    offJob()
    offRequest()
  }
}

/** The console's hash route for a job (renderer's route table: #/jobs/<id>). */
export function jobRouteUrl(entryUrl: string, jobId: string): string {
  return `${entryUrl.split('#')[0]}#/jobs/${encodeURIComponent(jobId)}`
}

export interface DesktopNotificationPreference {
  /** desktop-preferences.json's desktopNotifications. */
  isOn(): boolean
  /** Writes the file (and rebuilds the File menu's check mark). */
  set(isOn: boolean): void
  /** Electron's Notification.isSupported(), false when there is no Notification module at all. */
  isSupported(): boolean
  /** Called after each change, from Settings or from the File menu. */
  onDidChange(listener: () => void): () => void
}

/**
 * The console service the window talks to over IPC, with Settings → Desktop notifications answered
 * from the desktop app's own preference (the same one the File menu toggles and showDesktopNotifications
 * reads), not from the engine's settings table, which serves the browser console.
 */
export function withDesktopNotificationSettings(
  service: ConsoleService,
  preference: DesktopNotificationPreference,
): ConsoleService {
  const answer = () => ({
    desktopNotifications: preference.isOn(),
    surface: 'desktop-app' as const,
    isSupported: safely(() => preference.isSupported()),
  })
  return {
    ...service,
    getNotificationSettings: async () => answer(),
    setNotificationSettings: async ({ desktopNotifications }) => {
      preference.set(desktopNotifications)
      return answer()
    },
    // The engine's event would tell its own settings table, which the desktop app does not use:
    // this one is pushed when the desktop preference changes, so the Settings switch follows the menu.
    subscribe: (event, listener) =>
      event === 'onDidChangeNotificationSettings'
        ? preference.onDidChange(() => (listener as (p: ReturnType<typeof answer>) => void)(answer()))
        : service.subscribe(event, listener),
  }
}

const safely = (read: () => boolean) => {
  try {
    return read()
  } catch {
    return false
  }
}
