/**
 * The desktop app's own choices (not the engine's config.json): whether closing the window keeps the
 * Provider serving in the background. `<userData>/desktop-preferences.json`; a missing or broken file
 * means the defaults.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface DesktopPreferences {
  /** Linux: closing the window keeps serving (from the tray) instead of quitting. Default false. */
  keepServingInBackground: boolean
}

export const PREFERENCES_FILE = 'desktop-preferences.json'
const DEFAULTS: DesktopPreferences = { keepServingInBackground: false }

export function readPreferences(userData: string): DesktopPreferences {
  try {
    const raw = JSON.parse(readFileSync(join(userData, PREFERENCES_FILE), 'utf8')) as unknown
    const keep = (raw as { keepServingInBackground?: unknown } | null)?.keepServingInBackground
    return { keepServingInBackground: keep === true }
  } catch {
    return { ...DEFAULTS }
  }
}

export function writePreferences(userData: string, preferences: DesktopPreferences): void {
  writeFileSync(join(userData, PREFERENCES_FILE), JSON.stringify(preferences, null, 2) + '\n')
}
