import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packOutputs, scanOutputs } from './outputs'

let dataDir: string
let outputs: string

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-outputs-'))
  outputs = join(dataDir, 'outputs')
  mkdirSync(join(outputs, 'sub'), { recursive: true })
  writeFileSync(join(outputs, 'sub', 'result.txt'), 'ok')
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

function addSpecialFiles(): void {
  execFileSync('mkfifo', [join(outputs, 'pipe'), join(outputs, 'sub', 'pipe2')])
  // A bound unix socket left behind (python leaves the file; node's server removes it on close).
  execFileSync('python3', [
    '-c',
    'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])',
    join(outputs, 'sock'),
  ])
  symlinkSync('/etc/hostname', join(outputs, 'host-link'))
}

const tarEntries = (tarPath: string) => execFileSync('tar', ['-tvf', tarPath], { encoding: 'utf8' })

describe('outputs packing', () => {
  it('packs a folder holding FIFOs and a socket: only files, folders and links, without hanging', async () => {
    addSpecialFiles()
    const tarPath = join(dataDir, 'outputs.tar')
    await packOutputs(dataDir, tarPath, AbortSignal.timeout(30_000))
    const listing = tarEntries(tarPath)
    expect(listing).toContain('outputs/sub/result.txt')
    expect(listing).toMatch(/^l.*outputs\/host-link -> \/etc\/hostname$/m)
    expect(listing).not.toContain('pipe')
    expect(listing).not.toContain('sock')
  })

  it('lists the special files it will skip', async () => {
    addSpecialFiles()
    const scan = await scanOutputs(outputs)
    expect(scan.skipped.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'pipe', type: 'fifo' },
      { path: 'sock', type: 'socket' },
      { path: join('sub', 'pipe2'), type: 'fifo' },
    ])
    expect(scan.apparentBytes).toBe(2)
  })

  it('does not follow an outputs folder that was replaced by a symlink (to a host folder)', async () => {
    const host = mkdtempSync(join(tmpdir(), 'c2d-outputs-host-'))
    try {
      execFileSync('mkfifo', [join(host, 'host-fifo')])
      writeFileSync(join(host, 'host.txt'), 'host')
      rmSync(outputs, { recursive: true })
      symlinkSync(host, outputs)
      expect(await scanOutputs(outputs)).toEqual({
        apparentBytes: 0,
        allocatedBytes: 0,
        skipped: [],
        notAFolder: 'a symlink',
      })
    } finally {
      rmSync(host, { recursive: true, force: true })
    }
  })

  it('measures a sparse file at its apparent size, not its few allocated blocks', async () => {
    writeFileSync(join(outputs, 'sparse.bin'), '')
    truncateSync(join(outputs, 'sparse.bin'), 4 * 1024 ** 3)
    const scan = await scanOutputs(outputs)
    expect(scan.apparentBytes).toBeGreaterThanOrEqual(4 * 1024 ** 3)
    expect(scan.allocatedBytes).toBeLessThan(1024 ** 2)
  })

  it('measures a preallocated file by its allocated blocks', async () => {
    writeFileSync(join(outputs, 'prealloc.bin'), '')
    execFileSync('fallocate', ['--keep-size', '-l', '8M', join(outputs, 'prealloc.bin')])
    const scan = await scanOutputs(outputs)
    expect(scan.allocatedBytes).toBeGreaterThanOrEqual(8 * 1024 ** 2)
    expect(scan.apparentBytes).toBe(2)
  })

  it('gives up when its signal aborts and leaves no partial archive', async () => {
    const tarPath = join(dataDir, 'outputs.tar')
    const controller = new AbortController()
    controller.abort(new Error('stopped by request'))
    await expect(packOutputs(dataDir, tarPath, controller.signal)).rejects.toThrow('stopped by request')
    expect(existsSync(tarPath)).toBe(false)
  })
})
