import { describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { systemClock } from '../../../clock'
import { silentLogger } from '../../../logging'
import { killProcessTree, unsandboxedSpawnOptions } from './algorithm-run'
import type { CgroupSupport } from './cgroup-limits'
import { LocalDriver } from './local-driver'

const driver = (platform: NodeJS.Platform, allowUnsandboxed: boolean, cgroups?: () => CgroupSupport) =>
  new LocalDriver({
    logger: silentLogger,
    clock: systemClock,
    allowUnsandboxed,
    ipfsGateway: 'http://127.0.0.1:9',
    arweaveGateway: 'http://127.0.0.1:9',
    platform,
    cgroups,
  })

describe('the local backend on a platform without bubblewrap', () => {
  it.each(['darwin', 'win32'] as const)(
    'on %s reports the sandbox unavailable and what to use instead',
    async (platform) => {
      const health = await driver(platform, false).health()
      expect(health.ok).toBe(false)
      expect(health.summary).toMatch(/sandbox unavailable/)
      const check = health.checks.find((c) => c.name === 'bubblewrap')!
      expect(check.ok).toBe(false)
      expect(check.message).toMatch(/only on Linux/)
      expect(check.fix).toMatch(/Docker Desktop/)
      expect(check.fix).toMatch(/Rancher Desktop/)
      expect(check.fix).toMatch(/kind/)
    },
  )

  it('says it runs unsandboxed when the publisher allowed it, never silently', async () => {
    const health = await driver('darwin', true).health()
    expect(health.ok).toBe(true)
    expect(health.summary).toMatch(/unsandboxed/)
    expect(health.checks.find((c) => c.name === 'bubblewrap')?.ok).toBe(false)
  })

  it('on Linux names the mechanism behind each limit: the watch without cgroups', async () => {
    const health = await driver('linux', false, () => ({ kind: 'none', why: 'not delegated' })).health()
    const messages = health.checks.map((c) => c.message).join('\n')
    expect(messages).toMatch(/memory: rss-watch .*no cgroup: not delegated/)
    expect(messages).toMatch(/pids: task-count watch/)
    expect(messages).toMatch(/size-capped tmpfs/)
  })

  it('on Linux names the mechanism behind each limit: the cgroup where it can be created', async () => {
    const v2 = () => ({ kind: 'v2', parent: '/sys/fs/cgroup/c2d.service' }) as const
    const messages = (await driver('linux', false, v2).health()).checks.map((c) => c.message).join('\n')
    expect(messages).toMatch(/memory: cgroup v2/)
    expect(messages).toMatch(/pids: cgroup v2 pids.max 512/)
  })
})

describe('the unsandboxed process on each platform', () => {
  it('spawns hidden and without a process group on Windows, detached elsewhere', () => {
    const win = unsandboxedSpawnOptions('win32', '/w', {})
    expect(win.windowsHide).toBe(true)
    expect(win.detached).toBeUndefined()
    expect(unsandboxedSpawnOptions('linux', '/w', {}).detached).toBe(true)
    expect(unsandboxedSpawnOptions('darwin', '/w', {}).detached).toBe(true)
  })

  it('kills the tree with taskkill on Windows', () => {
    const killed: number[] = []
    const child = { pid: 4242, exitCode: null, signalCode: null } as unknown as ChildProcess
    killProcessTree(child, 'win32', (pid) => killed.push(pid))
    expect(killed).toEqual([4242])
    const ended = { pid: 4243, exitCode: 0, signalCode: null } as unknown as ChildProcess
    killProcessTree(ended, 'win32', (pid) => killed.push(pid))
    expect(killed).toEqual([4242])
  })
})
