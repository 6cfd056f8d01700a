/**
 * The cgroup v2 code path, on a machine that has none to give: this host is cgroup v1 (hybrid), and
 * a real `mount -t cgroup2` here works but offers only the controllers v1 does not hold (hugetlb):
 * memory and pids are bound to their v1 hierarchies, so no memory.max or pids.max appears in it.
 * The v2 path is therefore run against a fake cgroupfs: a directory tree with the kernel's file
 * names and formats (cgroup.controllers, cgroup.subtree_control, cgroup.procs, memory.max,
 * memory.swap.max, pids.max, memory.events, pids.events, memory.peak). What it proves: the exact
 * files the console writes and reads, and that a real sandboxed job enters the cgroup (its launcher
 * writes its pid into cgroup.procs) and is stopped on the kernel's oom_kill / pids max counts.
 * What it cannot prove: that a kernel enforces them (the v1 path does that on this machine, in
 * sandbox-hostile.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { createJobCgroup, detectCgroups } from '../operator-engine/drivers/local/cgroup-limits'
import { rawCodeJobInput } from './job-inputs'
import { sandboxedLocalDriver } from './sandboxed-local-driver'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'c2d-cgroup2-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A cgroup directory as the kernel shows it (the interface files of memory and pids). */
function fakeCgroup(dir: string, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true })
  const defaults: Record<string, string> = {
    'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
    'cgroup.subtree_control': '\n',
    'cgroup.procs': '',
    'memory.max': 'max\n',
    'memory.swap.max': 'max\n',
    'memory.peak': '0\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
    'pids.max': 'max\n',
    'pids.events': 'max 0\n',
  }
  for (const [name, content] of Object.entries({ ...defaults, ...files }))
    writeFileSync(join(dir, name), content)
  return dir
}

let treeCount = 0
function fakeTree(self: string, cgroups: Record<string, Record<string, string>>) {
  const tree = join(root, `tree-${++treeCount}`)
  for (const [path, files] of Object.entries(cgroups)) fakeCgroup(join(tree, 'fs', path), files)
  writeFileSync(join(tree, 'self'), self)
  return { fs: join(tree, 'fs'), self: join(tree, 'self') }
}

describe('detecting cgroup v2 (fake cgroupfs)', () => {
  it('as the root of its namespace (a container): enables memory and pids in its own subtree_control', () => {
    const tree = fakeTree('0::/\n', { '/': { 'cgroup.procs': '1\n' } })
    expect(detectCgroups({ root: tree.fs, selfCgroup: tree.self })).toEqual({
      kind: 'v2',
      parent: join(tree.fs, '/'),
    })
    expect(readFileSync(join(tree.fs, 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids')
  })

  it('in a delegated unit: its own cgroup holds processes, so job cgroups go beside it, enabled in the parent', () => {
    const tree = fakeTree('0::/system.slice/c2d.service/console\n', {
      '/system.slice/c2d.service': {},
      '/system.slice/c2d.service/console': { 'cgroup.procs': '4242\n' },
    })
    const parent = join(tree.fs, 'system.slice/c2d.service')
    expect(detectCgroups({ root: tree.fs, selfCgroup: tree.self })).toEqual({ kind: 'v2', parent })
    expect(readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids')
    // The console's own cgroup (with processes) was not written: the kernel would refuse (EBUSY).
    expect(readFileSync(join(parent, 'console/cgroup.subtree_control'), 'utf8')).toBe('\n')
  })

  it('uses controllers already enabled without writing', () => {
    const tree = fakeTree('0::/a/b\n', {
      '/a': { 'cgroup.subtree_control': 'memory pids\n', 'cgroup.procs': '9\n' },
      '/a/b': { 'cgroup.procs': '10\n' },
    })
    expect(detectCgroups({ root: tree.fs, selfCgroup: tree.self })).toEqual({
      kind: 'v2',
      parent: join(tree.fs, 'a'),
    })
    expect(readFileSync(join(tree.fs, 'a/cgroup.subtree_control'), 'utf8')).toBe('memory pids\n')
  })

  it('says why when memory and pids are not available to delegate (bound to v1, as on this host)', () => {
    const tree = fakeTree('0::/a/b\n', {
      '/a': { 'cgroup.controllers': 'hugetlb\n', 'cgroup.procs': '' },
      '/a/b': { 'cgroup.controllers': 'hugetlb\n', 'cgroup.procs': '10\n' },
    })
    expect(detectCgroups({ root: tree.fs, selfCgroup: tree.self })).toMatchObject({
      kind: 'none',
      why: expect.stringMatching(/cgroup v2: memory and pids are not delegated/),
    })
  })
})

describe('a job cgroup on the v2 path (fake cgroupfs)', () => {
  it('writes memory.max, memory.swap.max and pids.max, and reads oom_kill, pids max and memory.peak', () => {
    const parent = fakeCgroup(join(root, 'unit'))
    const dir = fakeCgroup(join(parent, 'c2d-job-unit'))
    const cgroup = createJobCgroup({ kind: 'v2', parent }, 'c2d-job-unit', {
      memoryBytes: 536870912,
      tasks: 64,
    })
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe('536870912')
    expect(readFileSync(join(dir, 'memory.swap.max'), 'utf8')).toBe('0')
    expect(readFileSync(join(dir, 'pids.max'), 'utf8')).toBe('64')
    expect(cgroup.procsFiles).toEqual([join(dir, 'cgroup.procs')])
    expect(cgroup.oomKilled()).toBe(false)
    expect(cgroup.taskLimitHit()).toBe(false)
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n')
    writeFileSync(join(dir, 'pids.events'), 'max 3\n')
    writeFileSync(join(dir, 'memory.peak'), '536866816\n')
    expect(cgroup.oomKilled()).toBe(true)
    expect(cgroup.taskLimitHit()).toBe(true)
    expect(cgroup.peakBytes()).toBe(536866816)
  })

  it('a real sandboxed job enters it (cgroup.procs) and is stopped as OOM killed when memory.events counts an oom_kill', async () => {
    const parent = fakeCgroup(join(root, 'driver'), { 'cgroup.subtree_control': 'memory pids\n' })
    const jobId = 'v2-oom'
    const dir = fakeCgroup(join(parent, `c2d-job-${jobId}`))
    const jobDir = join(root, 'jobs', jobId)
    const spec: JobSpec = {
      ...structuredClone(
        rawCodeJobInput({
          code: `require('fs').writeFileSync('/data/outputs/ready', '1'); setTimeout(() => {}, 30000)`,
        }).spec,
      ),
      jobId,
      jobDir,
    }
    spec.resources.ramGb = 0.5
    const driver = sandboxedLocalDriver({ cgroups: () => ({ kind: 'v2', parent }), tasksMax: 77 })
    const seen: Observation[] = []
    const done = new Promise<void>((resolve) =>
      driver.start(spec, (_id, o) => {
        seen.push(o)
        if (o.kind === 'outputs-collected' || o.kind === 'results-failed') resolve()
      }),
    )
    try {
      const ready = join(jobDir, 'data/outputs/ready')
      for (let i = 0; i < 300 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(ready)).toBe(true)
      expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(0.5 * 1024 ** 3))
      expect(readFileSync(join(dir, 'memory.swap.max'), 'utf8')).toBe('0')
      expect(readFileSync(join(dir, 'pids.max'), 'utf8')).toBe('77')
      // The launcher wrote its own pid, which became bwrap: the process the driver watches.
      const pid = Number(readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim())
      expect(pid).toBeGreaterThan(1)
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/bwrap$/)
      // What the kernel reports when its OOM killer acted in the cgroup.
      writeFileSync(join(dir, 'memory.peak'), String(600 * 1024 ** 2))
      writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n')
      await done
    } finally {
      await driver.close()
    }
    expect(seen.find((o) => o.kind === 'container-exited')).toMatchObject({
      oomKilled: true,
      reason: expect.stringMatching(/used 600 MiB, more than the environment's 0\.5 GB of memory/),
    })
  }, 60_000)
})
