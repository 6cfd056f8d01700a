// Ubuntu 24.04 restricts unprivileged user namespaces with AppArmor
// (kernel.apparmor_restrict_unprivileged_userns = 1). Electron's Chromium sandbox then aborts at
// start-up ("The SUID sandbox helper binary was found, but is not configured correctly"), as
// bubblewrap does for the local sandbox. `npm start` says so and prints the fix before launching.
import { readFileSync } from 'node:fs'

const RESTRICT = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns'

/** Lines to print when the restriction is on (Linux only); [] otherwise. `read` is for tests. */
export function appArmorUsernsAdvice({
  platform = process.platform,
  read = (path) => readFileSync(path, 'utf8'),
  electronPath = 'node_modules/electron/dist/electron',
} = {}) {
  if (platform !== 'linux') return []
  let value
  try {
    value = read(RESTRICT).trim()
  } catch {
    return []
  }
  if (value !== '1') return []
  return [
    'npm start: this system restricts unprivileged user namespaces (AppArmor, Ubuntu 24.04+):',
    `  ${RESTRICT} = 1, so Electron's sandbox cannot start and the app may abort at launch.`,
    '  Fix, one of:',
    `    - an AppArmor profile allowing user namespaces for ${electronPath}:`,
    `        printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile c2d-electron "${electronPath}" flags=(unconfined) {\\n  userns,\\n}\\n' | sudo tee /etc/apparmor.d/c2d-electron && sudo apparmor_parser -r /etc/apparmor.d/c2d-electron`,
    '    - or, for this boot only: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    '  The installed .deb and AppImage need the same for their own executable.',
  ]
}
