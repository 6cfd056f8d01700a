import { describe, expect, it } from 'vitest'
import { buildBwrapArgs, parseBwrapFeatures, type HostPathKind } from './bubblewrap'

const probe = (path: string): HostPathKind =>
  path === '/usr' || path.endsWith('/inputs') ? { kind: 'dir' } : { kind: 'absent' }

const base = { dataDir: '/jobs/j1/data', allowNetwork: false, argv: ['/usr/bin/true'], env: {} }
const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1]

describe('buildBwrapArgs', () => {
  it('asks for an unprivileged identity, no capabilities, a seccomp fd and no nested user namespaces', () => {
    const args = buildBwrapArgs(base, probe)
    expect(args).toContain('--unshare-user')
    expect(valueOf(args, '--uid')).toBe('65534')
    expect(valueOf(args, '--gid')).toBe('65534')
    expect(valueOf(args, '--cap-drop')).toBe('ALL')
    expect(valueOf(args, '--seccomp')).toBe('3')
    expect(args).toContain('--disable-userns')
    expect(args.indexOf('--')).toBeGreaterThan(args.indexOf('--seccomp'))
  })

  it('binds /proc/sys read-only after mounting /proc, and caps /tmp and /dev/shm', () => {
    const args = buildBwrapArgs({ ...base, tmpBytesMax: 1_000_000 }, probe)
    const proc = args.indexOf('--proc')
    const sys = args.findIndex((a, i) => a === '--ro-bind' && args[i + 1] === '/proc/sys')
    expect(sys).toBeGreaterThan(proc)
    const tmpfs = args.flatMap((a, i) => (a === '--tmpfs' ? [[args[i - 2], args[i - 1], args[i + 1]]] : []))
    expect(tmpfs).toEqual([
      ['--size', '1000000', '/tmp'],
      ['--size', '1000000', '/dev/shm'],
    ])
  })

  it('leaves out what an older bwrap does not know', () => {
    const args = buildBwrapArgs(
      { ...base, tmpBytesMax: 1_000_000, features: { disableUserns: false, tmpfsSize: false } },
      probe,
    )
    expect(args).not.toContain('--disable-userns')
    expect(args).not.toContain('--size')
  })

  it('reads the features from bwrap --help', () => {
    expect(parseBwrapFeatures('    --disable-userns   Disable\n    --size BYTES   Set size')).toEqual({
      disableUserns: true,
      tmpfsSize: true,
    })
    expect(parseBwrapFeatures('    --bind SRC DEST\n')).toEqual({ disableUserns: false, tmpfsSize: false })
  })
})
