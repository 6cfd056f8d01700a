import { describe, expect, it } from 'vitest'
import { STATUS_NOTIFIER_WATCHER, detectTrayHost, parseNameHasOwner } from './tray-host'

describe('is a tray icon shown', () => {
  it("reads gdbus's and dbus-send's answers", () => {
    expect(parseNameHasOwner('(true,)\n')).toBe(true)
    expect(parseNameHasOwner('(false,)\n')).toBe(false)
    expect(parseNameHasOwner('method return time=1 sender=org.freedesktop.DBus\n   boolean true\n')).toBe(
      true,
    )
    expect(parseNameHasOwner('   boolean false\n')).toBe(false)
  })

  it('Linux asks the session bus for the StatusNotifier watcher; no bus or no tool means no tray', async () => {
    const asked: string[] = []
    expect(await detectTrayHost('linux', async (name) => (asked.push(name), '(true,)'))).toBe(true)
    expect(asked).toEqual([STATUS_NOTIFIER_WATCHER])
    expect(await detectTrayHost('linux', async () => '(false,)')).toBe(false)
    expect(await detectTrayHost('linux', () => Promise.reject(new Error('spawn gdbus ENOENT')))).toBe(false)
  })

  it('macOS and Windows always show it', async () => {
    const never = () => Promise.reject(new Error('not asked'))
    expect(await detectTrayHost('darwin', never)).toBe(true)
    expect(await detectTrayHost('win32', never)).toBe(true)
  })
})
