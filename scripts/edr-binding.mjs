#!/usr/bin/env node
// Makes sure EDR (the embedded dev chain's EVM) has its native binding for a target platform.
//
// Why this exists: EDR ships one binary package per platform (@nomicfoundation/edr-<os>-<arch>),
// listed as optional dependencies of @nomicfoundation/edr. Those packages declare engines
// node >= 22, and npm marks an optional package whose engines do not match as "inert" and skips it,
// whatever --force or --engine-strict say. EDR 0.22 runs on Node 20.19, so on Node 20 `npm ci` would
// leave the dev chain without its binary. Listing the binary as a direct dependency is no way out:
// npm then refuses to install on every other platform (EBADPLATFORM).
//
// So: `postinstall` runs this for the machine itself (a no-op where npm installed the binding), and
// the packaging step runs it with `--target <os>-<arch>[-<libc>]` to put another target's binding in
// place before electron-builder packs it. The tarball comes from the registry npm uses (`npm pack`)
// and must match the integrity recorded in package-lock.json, as an `npm ci` install would.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const edrDir = join(root, 'node_modules', '@nomicfoundation', 'edr')

/** The libc of this Linux machine, as npm names it ('glibc' | 'musl'); undefined elsewhere. */
function hostLibc() {
  if (process.platform !== 'linux') return undefined
  const report = process.report?.getReport?.()
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl'
}

/** The lockfile's binary packages of EDR that fit a target, by npm's own os/cpu/libc fields. */
export function bindingFor(lockPackages, target) {
  return Object.entries(lockPackages)
    .filter(([path]) => path.startsWith('node_modules/@nomicfoundation/edr-'))
    .map(([path, entry]) => ({ name: path.slice('node_modules/'.length), entry }))
    .find(
      ({ entry }) =>
        (entry.os ?? []).includes(target.os) &&
        (entry.cpu ?? []).includes(target.cpu) &&
        (target.libc === undefined || entry.libc === undefined || entry.libc.includes(target.libc)),
    )
}

export function parseTarget(text) {
  const [os, cpu, libc] = text.split('-')
  if (!os || !cpu) throw new Error(`--target wants <os>-<arch>[-glibc|-musl], got "${text}"`)
  return { os, cpu, libc: libc ?? (os === 'linux' ? 'glibc' : undefined) }
}

function installed(name, version) {
  const manifest = join(root, 'node_modules', name, 'package.json')
  if (!existsSync(manifest)) return false
  return JSON.parse(readFileSync(manifest, 'utf8')).version === version
}

function integrityOf(file, expected) {
  const [algorithm] = expected.split('-')
  return `${algorithm}-${createHash(algorithm).update(readFileSync(file)).digest('base64')}`
}

function main() {
  const targetArg = process.argv.indexOf('--target')
  const target =
    targetArg > 0
      ? parseTarget(process.argv[targetArg + 1] ?? '')
      : { os: process.platform, cpu: process.arch, libc: hostLibc() }
  if (!existsSync(edrDir)) return // EDR not installed (e.g. a production-only install without it)
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  const binding = bindingFor(lock.packages, target)
  if (!binding) {
    console.error(
      `edr-binding: EDR has no binary for ${Object.values(target).filter(Boolean).join('-')}; the dev chain will be unavailable there`,
    )
    return
  }
  const { name, entry } = binding
  if (installed(name, entry.version)) return
  console.error(
    `edr-binding: installing ${name}@${entry.version} (npm skipped it: its engines field asks for Node 22)`,
  )
  const work = mkdtempSync(join(tmpdir(), 'edr-binding-'))
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${name}@${entry.version}`, '--json', '--pack-destination', work], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        shell: process.platform === 'win32',
      }),
    )
    const tarball = join(work, packed[0].filename)
    if (entry.integrity && integrityOf(tarball, entry.integrity) !== entry.integrity)
      throw new Error(`${name}@${entry.version}: the tarball does not match package-lock.json's integrity`)
    const destination = join(root, 'node_modules', name)
    rmSync(destination, { recursive: true, force: true })
    mkdirSync(destination, { recursive: true })
    execFileSync('tar', ['-xzf', tarball, '-C', destination, '--strip-components=1'], { stdio: 'inherit' })
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (error) {
    // Never fail the install: without the binding only the embedded dev chain is missing, and the
    // console says so where it is used.
    console.error(`edr-binding: ${error instanceof Error ? error.message : String(error)}`)
  }
}
