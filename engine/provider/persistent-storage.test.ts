/**
 * PersistentStorage.writeOutputs (Ocean Node's outputBucketId): a job's outputs.tar into a bucket,
 * all or nothing, within the bucket limits, never following the archive out of the bucket.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { Readable } from 'node:stream'
import { join } from 'node:path'
import { create as createTar } from 'tar'
import { describe, expect, it } from 'vitest'
import { codeOf } from '../test/error-code'
import { PersistentStorage } from './persistent-storage'

const OWNER = '0x00000000000000000000000000000000000000A1'
const STRANGER = '0x00000000000000000000000000000000000000B2'

async function setup(limits: Partial<{ fileBytesMax: number; bucketBytesMax: number }> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'storage-outputs-'))
  const storage = new PersistentStorage(dataDir, {
    limits: { fileBytesMax: 1 << 20, bucketBytesMax: 1 << 20, bucketsPerOwnerMax: 5, ...limits },
    onAccessList: async () => false,
    nowMs: () => 0,
  })
  const { bucketId } = await storage.createBucket(OWNER, [])
  const bucketDir = join(dataDir, 'persistent-storage', 'buckets', bucketId)
  return { dataDir, storage, bucketId, bucketDir }
}

/** An outputs.tar as the drivers pack it: the `outputs` folder of a job's data dir. */
async function outputsTar(dir: string, files: Record<string, string>, links: Record<string, string> = {}) {
  const data = join(dir, 'data')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(data, 'outputs', path, '..'), { recursive: true })
    writeFileSync(join(data, 'outputs', path), content)
  }
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(data, 'outputs', path))
  const tarPath = join(dir, 'outputs.tar')
  await createTar({ cwd: data, file: tarPath, portable: true, follow: false }, ['outputs'])
  return tarPath
}

describe('PersistentStorage.writeOutputs', () => {
  it('writes each top-level regular file under its name, replaces one of the same name, skips the rest', async () => {
    const { storage, bucketId, bucketDir, dataDir } = await setup()
    await storage.upload(bucketId, 'a.txt', Readable.from(['old']), OWNER)
    const tarPath = await outputsTar(
      dataDir,
      { 'a.txt': 'new-a', 'b.csv': 'x,y\n', 'sub/c.txt': 'deep' },
      { 'link.txt': '/etc/passwd' },
    )
    const { written, skipped } = await storage.writeOutputs(bucketId, OWNER, tarPath)
    expect(written.map((f) => [f.name, f.size])).toEqual([
      ['a.txt', 5],
      ['b.csv', 4],
    ])
    expect(skipped.sort()).toEqual(['link.txt', 'sub/c.txt'])
    expect(readFileSync(join(bucketDir, 'a.txt'), 'utf8')).toBe('new-a')
    expect(readdirSync(bucketDir).sort()).toEqual(['a.txt', 'b.csv'])
  })

  it('refuses outputs over fileBytesMax or bucketBytesMax before writing anything', async () => {
    const small = await setup({ fileBytesMax: 4 })
    const tar1 = await outputsTar(small.dataDir, { 'ok.txt': 'ok', 'big.txt': 'too big' })
    await expect(small.storage.writeOutputs(small.bucketId, OWNER, tar1)).rejects.toThrow(
      /big.txt holds 7 bytes; a file may hold at most 4 bytes/,
    )
    expect(readdirSync(small.bucketDir)).toEqual([])

    const full = await setup({ bucketBytesMax: 10 })
    await full.storage.upload(full.bucketId, 'keep.txt', Readable.from(['1234567']), OWNER)
    const tar2 = await outputsTar(full.dataDir, { 'x.txt': 'abcd' })
    expect(await codeOf(full.storage.writeOutputs(full.bucketId, OWNER, tar2))).toBe('STORAGE_QUOTA_EXCEEDED')
    expect(readdirSync(full.bucketDir)).toEqual(['keep.txt'])
  })

  it('refuses a caller without access, and a broken archive leaves no file and no partial file', async () => {
    const { storage, bucketId, bucketDir, dataDir } = await setup()
    const tarPath = await outputsTar(dataDir, { 'a.txt': 'a'.repeat(5000), 'b.txt': 'b'.repeat(5000) })
    expect(await codeOf(storage.writeOutputs(bucketId, STRANGER, tarPath))).toBe('BUCKET_ACCESS_DENIED')
    truncateSync(tarPath, 6000)
    await expect(storage.writeOutputs(bucketId, OWNER, tarPath)).rejects.toThrow(
      /output a.txt: \d+ bytes read, the archive says 5000/,
    )
    expect(readdirSync(bucketDir)).toEqual([])
  })
})
