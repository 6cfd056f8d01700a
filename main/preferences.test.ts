import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PREFERENCES_FILE, readPreferences, writePreferences } from './preferences'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const userData = () => {
  const dir = mkdtempSync(join(tmpdir(), 'c2d-prefs-'))
  dirs.push(dir)
  return dir
}

describe('desktop preferences', () => {
  it('defaults: notifications on, background serving off (no file, a broken one, one from before the setting)', () => {
    const dir = userData()
    expect(readPreferences(dir)).toEqual({ keepServingInBackground: false, desktopNotifications: true })
    writeFileSync(join(dir, PREFERENCES_FILE), '{not json')
    expect(readPreferences(dir).desktopNotifications).toBe(true)
    writeFileSync(join(dir, PREFERENCES_FILE), '{"keepServingInBackground": true}')
    expect(readPreferences(dir)).toEqual({ keepServingInBackground: true, desktopNotifications: true })
  })

  it('keeps notifications turned off across a restart', () => {
    const dir = userData()
    writePreferences(dir, { keepServingInBackground: false, desktopNotifications: false })
    expect(readPreferences(dir).desktopNotifications).toBe(false)
  })
})
