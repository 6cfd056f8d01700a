// npm's platform rule, applied to package-lock.json for the machines publishers install on.
//
// `npm ci` refuses (EBADPLATFORM) any package of the tree that is not optional and whose `os`,
// `cpu` or `libc` fields exclude the machine; optional ones it skips quietly. That is arborist's
// build-ideal-tree check with npm-install-checks' checkPlatform; this module applies the same rule
// to the lockfile, so a platform binary added as a direct dependency fails `npm test` here instead
// of `npm ci` on someone's Mac.

/** The targets `npm ci` must succeed on (docs: README, desktop section). */
export const INSTALL_TARGETS = [
  { name: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc' },
  { name: 'linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { name: 'darwin-arm64', os: 'darwin', cpu: 'arm64' },
  { name: 'darwin-x64', os: 'darwin', cpu: 'x64' },
  { name: 'win32-x64', os: 'win32', cpu: 'x64' },
]

/**
 * npm-install-checks' list rule: 'any' alone matches everything; a value named with '!' is
 * refused; otherwise at least one plain value must match (a list of only negations matches the
 * rest).
 */
export function listAllows(value, list) {
  const entries = typeof list === 'string' ? [list] : list
  if (entries.length === 1 && entries[0] === 'any') return true
  let plain = 0
  let matched = false
  for (const entry of entries) {
    if (entry.startsWith('!')) {
      if (entry.slice(1) === value) return false
    } else {
      plain += 1
      if (entry === value) matched = true
    }
  }
  return matched || plain === 0
}

/** True when a package with these fields installs on the target (checkPlatform without --force). */
export function platformAllows(fields, target) {
  if (fields.os && !listAllows(target.os, fields.os)) return false
  if (fields.cpu && !listAllows(target.cpu, fields.cpu)) return false
  // A libc requirement on a machine without a libc (macOS, Windows) is a refusal, as in npm.
  if (fields.libc && (!target.libc || !listAllows(target.libc, fields.libc))) return false
  return true
}

/** The lockfile's non-optional packages that `npm ci` would refuse on the target. */
export function refusedOn(lock, target) {
  return Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path !== '' && !entry.optional && !platformAllows(entry, target))
    .map(([path, entry]) => ({
      path,
      required: { os: entry.os, cpu: entry.cpu, libc: entry.libc },
    }))
}
