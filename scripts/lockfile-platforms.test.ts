/**
 * `npm ci` must succeed on every machine a publisher installs on. npm refuses (EBADPLATFORM) any
 * non-optional package whose os/cpu/libc exclude the machine; this applies that rule to the real
 * package-lock.json for each target, and checks the rule itself against npm's own implementation.
 */
import { describe, it, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import fc from 'fast-check'
import {
  INSTALL_TARGETS,
  listAllows,
  platformAllows,
  refusedOn,
  type LockEntry,
} from './lockfile-platforms.mjs'
import { bindingFor, parseTarget } from './edr-binding.mjs'

const root = join(import.meta.dirname, '..')
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>
}

describe('package-lock.json installs on every publisher platform (npm platform rule)', () => {
  it.each(INSTALL_TARGETS.map((t) => [t.name!, t] as const))(
    '%s: no non-optional package is refused',
    (_, target) => {
      expect(refusedOn(lock, target)).toEqual([])
    },
  )

  it('the lockfile does hold platform-restricted packages, so the check has something to judge', () => {
    const restricted = Object.values(lock.packages).filter((e) => e.os || e.cpu || e.libc)
    expect(restricted.length).toBeGreaterThan(10)
    expect(lock.packages['node_modules/@nomicfoundation/edr-linux-x64-gnu']?.optional).toBe(true)
  })

  it('fails when a platform binary comes back as a direct (non-optional) dependency', () => {
    const packages = structuredClone(lock.packages)
    const edr = packages['node_modules/@nomicfoundation/edr-linux-x64-gnu']!
    delete edr.optional
    packages['']!.dependencies = {
      ...(packages['']!.dependencies as Record<string, string>),
      '@nomicfoundation/edr-linux-x64-gnu': edr.version!,
    }
    const refusedBy = Object.fromEntries(
      INSTALL_TARGETS.map((t) => [t.name, refusedOn({ packages }, t).map((r) => r.path)]),
    )
    expect(refusedBy).toEqual({
      'linux-x64': [],
      'linux-arm64': ['node_modules/@nomicfoundation/edr-linux-x64-gnu'],
      'darwin-arm64': ['node_modules/@nomicfoundation/edr-linux-x64-gnu'],
      'darwin-x64': ['node_modules/@nomicfoundation/edr-linux-x64-gnu'],
      'win32-x64': ['node_modules/@nomicfoundation/edr-linux-x64-gnu'],
    })
  })

  it('a devOptional package (optional only somewhere) is checked like any other', () => {
    const packages = {
      '': { name: 'x' },
      'node_modules/fsevents': { version: '2.3.3', dev: true, os: ['darwin'] },
    }
    expect(refusedOn({ packages }, { os: 'win32', cpu: 'x64' }).map((r) => r.path)).toEqual([
      'node_modules/fsevents',
    ])
    expect(refusedOn({ packages }, { os: 'darwin', cpu: 'arm64' })).toEqual([])
  })
})

describe('the platform rule (npm-install-checks checkList / checkPlatform)', () => {
  it('handles any, negations and libc on machines without one', () => {
    expect(listAllows('linux', ['any'])).toBe(true)
    expect(listAllows('linux', ['!win32'])).toBe(true)
    expect(listAllows('win32', ['!win32'])).toBe(false)
    expect(listAllows('linux', ['darwin', '!win32'])).toBe(false)
    expect(listAllows('darwin', 'darwin')).toBe(true)
    expect(platformAllows({ libc: ['glibc'] }, { os: 'darwin', cpu: 'arm64' })).toBe(false)
    expect(platformAllows({ libc: ['musl'] }, { os: 'linux', cpu: 'x64', libc: 'glibc' })).toBe(false)
    expect(platformAllows({ os: ['linux'], cpu: ['x64'] }, { os: 'linux', cpu: 'x64', libc: 'glibc' })).toBe(
      true,
    )
  })

  // npm ships npm-install-checks; where it is on disk, the rule must agree with it on any input.
  const npmChecks = (() => {
    try {
      const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim()
      const path = join(npmRoot, 'npm', 'node_modules', 'npm-install-checks')
      return existsSync(path)
        ? (createRequire(import.meta.url)(path) as {
            checkPlatform: (t: object, force: boolean, env: object) => void
          })
        : undefined
    } catch {
      return undefined
    }
  })()

  it.skipIf(!npmChecks)('agrees with npm-install-checks on generated fields and machines', () => {
    const value = fc.constantFrom('linux', 'darwin', 'win32', 'x64', 'arm64', 'glibc', 'musl')
    const list = fc.array(
      fc.oneof(
        value,
        value.map((v) => `!${v}`),
        fc.constant('any'),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    fc.assert(
      fc.property(
        fc.record({ os: list, cpu: list, libc: list }, { requiredKeys: [] }),
        fc.constantFrom(...INSTALL_TARGETS),
        (fields, target) => {
          let npmSays = true
          try {
            // libc given explicitly ('' = none) so npm does not look at this machine.
            npmChecks!.checkPlatform(fields, false, {
              os: target.os,
              cpu: target.cpu,
              libc: target.libc ?? '',
            })
          } catch {
            npmSays = false
          }
          expect(platformAllows(fields, target)).toBe(npmSays)
        },
      ),
    )
  })
})

describe('scripts/edr-binding.mjs', () => {
  it('parseTarget reads <os>-<arch>[-libc], glibc by default on Linux', () => {
    expect(parseTarget('darwin-arm64')).toEqual({ os: 'darwin', cpu: 'arm64', libc: undefined })
    expect(parseTarget('linux-x64')).toEqual({ os: 'linux', cpu: 'x64', libc: 'glibc' })
    expect(parseTarget('linux-arm64-musl')).toEqual({ os: 'linux', cpu: 'arm64', libc: 'musl' })
    expect(() => parseTarget('linux')).toThrow(/--target wants/)
    expect(() => parseTarget('')).toThrow(/--target wants/)
  })

  it.each([
    ['linux-x64', '@nomicfoundation/edr-linux-x64-gnu'],
    ['linux-x64-musl', '@nomicfoundation/edr-linux-x64-musl'],
    ['linux-arm64', '@nomicfoundation/edr-linux-arm64-gnu'],
    ['darwin-arm64', '@nomicfoundation/edr-darwin-arm64'],
    ['darwin-x64', '@nomicfoundation/edr-darwin-x64'],
    ['win32-x64', '@nomicfoundation/edr-win32-x64-msvc'],
  ])('bindingFor picks the lockfile binary for %s', (target, name) => {
    const found = bindingFor(lock.packages, parseTarget(target))
    expect(found?.name).toBe(name)
    expect(found?.entry.version).toBe(lock.packages['node_modules/@nomicfoundation/edr']?.version)
  })

  it('bindingFor finds nothing for a target EDR does not ship', () => {
    expect(bindingFor(lock.packages, parseTarget('win32-arm64'))).toBeUndefined()
    expect(bindingFor(lock.packages, parseTarget('freebsd-x64'))).toBeUndefined()
  })
})
