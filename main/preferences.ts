/**
 * The desktop app's own choices (not the engine's config.json): whether closing the window keeps the
 * Provider serving in the background, and whether desktop notifications are shown. `<userData>/desktop-preferences.json`; a missing or broken file
 * means the defaults.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface DesktopPreferences {
  /** Linux: closing the window keeps serving (from the tray) instead of quitting. Default false. */
  keepServingInBackground: boolean
  /** Desktop notifications for failed jobs, refused requests and payments claimed. Default true. */
  desktopNotifications: boolean
}

export const PREFERENCES_FILE = 'desktop-preferences.json'
const DEFAULTS: DesktopPreferences = { keepServingInBackground: false, desktopNotifications: true }

export function readPreferences(userData: string): DesktopPreferences {
  try {
    const raw = JSON.parse(readFileSync(join(userData, PREFERENCES_FILE), 'utf8')) as unknown
    const read = raw as { keepServingInBackground?: unknown; desktopNotifications?: unknown } | null
    return {
      keepServingInBackground: read?.keepServingInBackground === true,
      // Only an explicit false turns them off: a file from before this setting keeps them on.
      desktopNotifications: read?.desktopNotifications !== false,
    }
  } catch {
    return { ...DEFAULTS }
  }
}

export function writePreferences(userData: string, preferences: DesktopPreferences): void {
  writeFileSync(join(userData, PREFERENCES_FILE), JSON.stringify(preferences, null, 2) + '\n')
}
