/**
 * The publish step's scan and pack, run for real with busybox (as in the publish pod; the host's sh
 * and GNU tools when busybox is not installed) on a folder holding what a hostile algorithm leaves.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { list as listTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packCommand, parseScan, scanScript, SCAN_NO_OUTPUTS_EXIT, TarEntryFilter } from './publish-script'

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p))
/** argv of `name` as the pod runs it: the busybox applet, or the host's command. */
const tool = (name: string, ...args: string[]): [string, string[]] =>
  BUSYBOX ? [BUSYBOX, [name, ...args]] : [name, args]

let dir: string
let server: Server
const longName = `${'n'.repeat(120)}.txt`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'c2d-publish-script-'))
  const outputs = join(dir, 'outputs')
  mkdirSync(join(outputs, 'sub'), { recursive: true })
  writeFileSync(join(outputs, 'sub', 'result.txt'), 'ok')
  writeFileSync(join(outputs, longName), 'long')
  writeFileSync(join(outputs, 'line\nbreak'), 'x')
  execFileSync('mkfifo', [join(outputs, 'pipe'), join(outputs, 'sub', `${'p'.repeat(110)}`)])
  symlinkSync('/etc/hostname', join(outputs, 'link'))
  server = createServer()
  await new Promise<void>((resolve) => server.listen(join(outputs, 'sock'), resolve))
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function runScan(dataDir: string): { status: number | null; stdout: Buffer } {
  const [cmd, args] = tool('sh', '-c', scanScript(dataDir))
  const r = spawnSync(cmd, args, { timeout: 20_000 })
  return { status: r.status, stdout: r.stdout }
}

describe('the publish scan', () => {
  it('names FIFOs and sockets, measures regular files only, never opens a FIFO', () => {
    const { status, stdout } = runScan(dir)
    expect(status).toBe(0)
    const scan = parseScan(stdout)!
    expect(scan.skipped).toEqual(
      expect.arrayContaining([
        { path: 'outputs/pipe', type: 'fifo' },
        { path: `outputs/sub/${'p'.repeat(110)}`, type: 'fifo' },
        { path: 'outputs/sock', type: 'socket' },
      ]),
    )
    expect(scan.skipped).toHaveLength(3)
    expect(scan.apparentBytes).toBe(2 + 4 + 1)
  })

  it('measures a sparse file by its apparent size and a dense one by its blocks', () => {
    const sparse = mkdtempSync(join(tmpdir(), 'c2d-publish-sparse-'))
    try {
      mkdirSync(join(sparse, 'outputs'))
      writeFileSync(join(sparse, 'outputs', 'sparse.bin'), '')
      truncateSync(join(sparse, 'outputs', 'sparse.bin'), 4 * 1024 ** 3)
      writeFileSync(join(sparse, 'outputs', 'dense.bin'), Buffer.alloc(64 * 1024, 1))
      const scan = parseScan(runScan(sparse).stdout)!
      expect(scan.apparentBytes).toBe(4 * 1024 ** 3 + 64 * 1024)
      expect(scan.allocatedBytes).toBeGreaterThanOrEqual(64 * 1024)
      expect(scan.allocatedBytes).toBeLessThan(1024 ** 3)
    } finally {
      rmSync(sparse, { recursive: true, force: true })
    }
  })

  it('exits with its own code when there is no outputs folder', () => {
    const empty = mkdtempSync(join(tmpdir(), 'c2d-publish-none-'))
    try {
      expect(runScan(empty).status).toBe(SCAN_NO_OUTPUTS_EXIT)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('refuses output that is not the scan’s', () => {
    expect(parseScan(Buffer.from('hello'))).toBeUndefined()
    expect(parseScan(Buffer.from('type:fifo\0outputs/a\0'))).toBeUndefined()
  })

  it('makes control characters in names printable (no forged log lines)', () => {
    const scan = parseScan(Buffer.from('type:fifo\0outputs/a\nresults collected\0sizes:0 0\0'))!
    expect(scan.skipped).toEqual([{ path: 'outputs/a?results collected', type: 'fifo' }])
  })
})

describe('the pack and its filter', () => {
  it('keeps files, folders and links (long names too), drops FIFOs, whatever the chunking', async () => {
    const [cmd, args] = tool(...(packCommand(20, dir) as [string, ...string[]]))
    const r = spawnSync(cmd, args, { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 })
    expect(r.status).toBe(0)
    const archive = r.stdout
    for (const chunkBytes of [1, 7, 512, 1000, archive.length]) {
      const filter = new TarEntryFilter()
      const parts: Buffer[] = []
      for (let at = 0; at < archive.length; at += chunkBytes)
        parts.push(filter.push(archive.subarray(at, at + chunkBytes)))
      const filtered = Buffer.concat(parts)
      expect(filtered.length % 512).toBe(0)
      expect(filter.dropped).toEqual(['fifo', 'fifo'])
      const path = join(dir, `filtered-${chunkBytes}.tar`)
      writeFileSync(path, filtered)
      const entries: Array<{ path: string; type: string; linkpath?: string }> = []
      await listTar({
        file: path,
        strict: true,
        onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath || undefined }),
      })
      rmSync(path)
      expect(entries.map((e) => e.path).sort()).toEqual(
        [
          'outputs/',
          'outputs/sub/',
          'outputs/sub/result.txt',
          `outputs/${longName}`,
          'outputs/line\nbreak',
          'outputs/link',
        ].sort(),
      )
      expect(entries.find((e) => e.path === 'outputs/link')).toMatchObject({
        type: 'SymbolicLink',
        linkpath: '/etc/hostname',
      })
    }
  })
})
