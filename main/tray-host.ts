/**
 * Is a tray icon actually shown? On Linux Electron's Tray is a StatusNotifierItem: it is drawn only
 * when a StatusNotifier host (KDE, GNOME's AppIndicator extension, XFCE, waybar…) owns
 * `org.kde.StatusNotifierWatcher` on the session bus. Stock GNOME has none, so `new Tray()` succeeds
 * and nothing appears: an app that hides its window there keeps port 8030 and cannot be reached or
 * quit. macOS and Windows always show the icon.
 */
import { execFile } from 'node:child_process'

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher'

/** Asks the session bus whether `name` has an owner; resolves the tool's stdout, rejects when it fails. */
export type TrayHostProbe = (name: string) => Promise<string>

/** The default probe: `gdbus` (glib, on every GNOME/GTK desktop), else `dbus-send`; 1 s each. */
export const gdbusProbe: TrayHostProbe = (name) =>
  run('gdbus', [
    'call',
    '--session',
    '--dest',
    'org.freedesktop.DBus',
    '--object-path',
    '/org/freedesktop/DBus',
    '--method',
    'org.freedesktop.DBus.NameHasOwner',
    name,
  ]).catch(() =>
    run('dbus-send', [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${name}`,
    ]),
  )

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 1000, encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  )
}

/** gdbus prints `(true,)`, dbus-send `boolean true`. */
export function parseNameHasOwner(output: string): boolean {
  return /\(true,?\)|boolean true/.test(output)
}

/** true when a tray icon will be visible. Unknown (no bus, no tool) counts as not visible on Linux. */
export async function detectTrayHost(
  platform: NodeJS.Platform,
  probe: TrayHostProbe = gdbusProbe,
): Promise<boolean> {
  if (platform !== 'linux') return true
  try {
    return parseNameHasOwner(await probe(STATUS_NOTIFIER_WATCHER))
  } catch {
    return false
  }
}
