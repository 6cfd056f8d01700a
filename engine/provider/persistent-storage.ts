/**
 * Ocean Node's persistent storage (its `localfs` backend), for ocean.js 8.6's
 * `createPersistentStorageBucket` … `deletePersistentStorageFile`: a consumer keeps files on this
 * node in buckets it owns, for compute jobs on this node to read. Layout, under the data dir:
 * `persistent-storage/buckets/<uuid>/<fileName>` (the files) and `persistent-storage/meta/<uuid>.json`
 * (owner, access lists, label, creation time). A bucket id is a UUID v4 we generated and a file name
 * one path segment, checked before any path is built, so no request reaches outside its bucket.
 *
 * Access: the owner always; anyone else only through the bucket's access lists (Ocean's AccessList
 * contracts, balanceOf > 0, as Ocean Node's checkAddressOnAccessList). Only the owner renames.
 * Uploads stream to a temporary file that is renamed into place only once it fits the limits, so a
 * refused or broken upload leaves the bucket as it was.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { getAddress } from 'ethers'
import { list as listTar } from 'tar'
import type { AccessListCheck } from '../chain/access-lists'
import { providerError } from './errors'

/** Ocean's AccessList: chain id → AccessList contract addresses. */
export type StorageAccessList = Record<string, string[]>

export interface BucketRecord {
  bucketId: string
  owner: string
  createdAt: number
  accessLists: StorageAccessList[]
  label: string | null
}

export interface StorageFileEntry {
  bucketId: string
  name: string
  size: number
  lastModified: number
}

export interface PersistentStorageLimits {
  fileBytesMax: number
  bucketBytesMax: number
  bucketsPerOwnerMax: number
}

/** Decides whether an address is on one of the access lists (the chain's AccessList contracts). */
export type OnAccessList = (lists: StorageAccessList[], address: string) => Promise<boolean>

/** Ocean Node's checkAddressOnAccessList: holds a token of any listed contract. No chain: no one. */
export function onAnAccessList(check: AccessListCheck | undefined): OnAccessList {
  return async (lists, address) => {
    if (!check) return false
    for (const map of lists)
      for (const [chainId, contracts] of Object.entries(map))
        for (const contract of contracts)
          if (await check.holdsToken({ chainId: Number(chainId), contract, address })) return true
    return false
  }
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
export const LABEL_LENGTH_MAX = 256
const PARTIAL_SUFFIX = '.partial'

export function checkBucketId(value: unknown): string {
  if (typeof value !== 'string' || !UUID_V4.test(value))
    throw providerError('REQUEST_INVALID', 'Invalid parameter: "bucketId" is not a bucket id')
  return value
}

/** One path segment: no separators, no "." / "..", no control characters, at most 255 bytes. */
export function checkFileName(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value === '' ||
    value === '.' ||
    value === '..' ||
    value.endsWith(PARTIAL_SUFFIX) ||
    /[/\\\u0000-\u001f\u007f]/.test(value) ||
    Buffer.byteLength(value) > 255
  )
    throw providerError('FILE_NAME_INVALID', 'Invalid parameter: "fileName" must be one file name')
  return value
}

export function checkLabel(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value
  if (typeof value !== 'string')
    throw providerError('REQUEST_INVALID', 'Invalid parameter: "label" must be a string')
  if (value.length > LABEL_LENGTH_MAX)
    throw providerError(
      'REQUEST_INVALID',
      `Invalid parameter: "label" must be at most ${LABEL_LENGTH_MAX} characters`,
    )
  return value
}

export function checkAccessLists(value: unknown): StorageAccessList[] {
  if (!Array.isArray(value))
    throw providerError('REQUEST_INVALID', 'Invalid parameter: "accessLists" must be an array of objects')
  return value.map((map) => {
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      throw providerError('REQUEST_INVALID', 'Invalid parameter: "accessLists" must be an array of objects')
    const out: StorageAccessList = {}
    for (const [chainId, contracts] of Object.entries(map as Record<string, unknown>)) {
      if (
        !/^\d{1,12}$/.test(chainId) ||
        !Array.isArray(contracts) ||
        !contracts.every((c) => typeof c === 'string' && /^0x[0-9a-fA-F]{40}$/.test(c))
      )
        throw providerError(
          'REQUEST_INVALID',
          'Invalid parameter: "accessLists" maps chain ids to contract addresses',
        )
      out[chainId] = contracts as string[]
    }
    return out
  })
}

export class PersistentStorage {
  private readonly bucketsDir: string
  private readonly metaDir: string
  /** Per key (a bucket, or "create:<owner>"), the tail of its queue: a limit is checked and used in one turn. */
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(
    dataDir: string,
    private readonly options: {
      limits: PersistentStorageLimits
      onAccessList: OnAccessList
      nowMs: () => number
    },
  ) {
    this.bucketsDir = join(dataDir, 'persistent-storage', 'buckets')
    this.metaDir = join(dataDir, 'persistent-storage', 'meta')
  }

  /** Runs `task` after every earlier task of `key`: two uploads cannot both fit in the last free bytes. */
  private serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(task, task)
    const tail = run.catch(() => undefined)
    this.queues.set(key, tail)
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key)
    })
    return run
  }

  async createBucket(
    owner: string,
    accessLists: StorageAccessList[],
    label?: string | null,
  ): Promise<BucketRecord> {
    const ownerAddress = getAddress(owner)
    return this.serial(`create:${ownerAddress}`, () => this.createNow(ownerAddress, accessLists, label))
  }

  private async createNow(
    ownerAddress: string,
    accessLists: StorageAccessList[],
    label?: string | null,
  ): Promise<BucketRecord> {
    if ((await this.listBuckets(ownerAddress)).length >= this.options.limits.bucketsPerOwnerMax)
      throw providerError(
        'STORAGE_LIMIT_REACHED',
        `An owner may keep at most ${this.options.limits.bucketsPerOwnerMax} buckets on this node`,
      )
    const record: BucketRecord = {
      bucketId: randomUUID(),
      owner: ownerAddress,
      createdAt: Math.floor(this.options.nowMs() / 1000),
      accessLists,
      label: label?.trim() ? label.trim() : null,
    }
    await mkdir(this.metaDir, { recursive: true })
    await mkdir(join(this.bucketsDir, record.bucketId), { recursive: true })
    // The record last: a bucket exists once its record does.
    await this.writeRecord(record)
    return record
  }

  /** The owner's buckets, oldest first. */
  async listBuckets(owner: string): Promise<BucketRecord[]> {
    const ownerAddress = getAddress(owner)
    let names: string[]
    try {
      names = await readdir(this.metaDir)
    } catch {
      return []
    }
    const records: BucketRecord[] = []
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const record = await this.readRecord(name.slice(0, -'.json'.length))
      if (record && record.owner === ownerAddress) records.push(record)
    }
    return records.sort((a, b) => a.createdAt - b.createdAt || a.bucketId.localeCompare(b.bucketId))
  }

  /** Buckets of `owner` that `caller` may read: all if it is the owner, else those whose lists admit it. */
  async bucketsVisibleTo(owner: string, caller: string): Promise<BucketRecord[]> {
    const buckets = await this.listBuckets(owner)
    if (getAddress(caller) === getAddress(owner)) return buckets
    const visible: BucketRecord[] = []
    for (const bucket of buckets) if (await this.mayAccess(bucket, caller)) visible.push(bucket)
    return visible
  }

  async updateLabel(
    bucketId: string,
    label: string | null | undefined,
    caller: string,
  ): Promise<string | null> {
    const record = await this.bucket(bucketId)
    if (record.owner !== getAddress(caller))
      throw providerError('BUCKET_ACCESS_DENIED', 'Only the bucket owner may rename it')
    // PATCH: an omitted label leaves the name; null or '' clears it (Ocean Node).
    if (label === undefined) return record.label
    const next = label?.trim() ? label.trim() : null
    await this.writeRecord({ ...record, label: next })
    return next
  }

  async listFiles(bucketId: string, caller: string): Promise<StorageFileEntry[]> {
    const record = await this.accessible(bucketId, caller)
    return this.entries(record.bucketId)
  }

  async fileObject(
    bucketId: string,
    fileName: string,
    caller: string,
  ): Promise<{ type: 'nodePersistentStorage'; bucketId: string; fileName: string }> {
    const record = await this.accessible(bucketId, caller)
    await this.fileEntry(record.bucketId, fileName)
    return { type: 'nodePersistentStorage', bucketId: record.bucketId, fileName }
  }

  /**
   * A file a compute job of `caller` reads (a `nodePersistentStorage` dataset): the same access rule
   * as the routes (owner or access list), a regular file (not a link) directly in its bucket's folder.
   */
  async inputFile(
    bucketId: string,
    fileName: string,
    caller: string,
  ): Promise<{ bucketId: string; fileName: string; path: string }> {
    const record = await this.accessible(bucketId, caller)
    await this.fileEntry(record.bucketId, fileName)
    const path = join(this.bucketsDir, record.bucketId, checkFileName(fileName))
    if (!(await lstat(path)).isFile())
      throw providerError('STORAGE_FILE_NOT_FOUND', `File not found: ${fileName}`)
    return { bucketId: record.bucketId, fileName, path }
  }

  /**
   * A bucket a compute job of `caller` writes its outputs into (Ocean Node's `outputBucketId`):
   * the same access rule as reading (owner or access list; Ocean Node's validateOutputBucket).
   */
  async outputBucket(bucketId: string, caller: string): Promise<{ bucketId: string }> {
    const record = await this.accessible(bucketId, caller)
    return { bucketId: record.bucketId }
  }

  /**
   * A finished job's outputs into the bucket (Ocean Node mounts the bucket at /data/outputs, so each
   * file the algorithm wrote there lands in the bucket under its own name). From the job's
   * outputs.tar: every regular file directly in `outputs/`, each becoming the bucket file of that
   * name (replacing one already there). Files in sub-folders, links and names a bucket cannot hold
   * are skipped and returned (a bucket is flat; computeResult still serves them in the archive).
   * All or nothing: the access is checked again, the sizes against fileBytesMax and bucketBytesMax
   * before anything is written, every file goes to a partial file first and is renamed into place
   * only once all of them were written; on any failure the partial files are removed, the bucket
   * stays as it was, and the error says why.
   */
  async writeOutputs(
    bucketId: string,
    caller: string,
    tarPath: string,
  ): Promise<{ written: StorageFileEntry[]; skipped: string[] }> {
    const record = await this.accessible(bucketId, caller)
    return this.serial(record.bucketId, () => this.writeOutputsNow(record, tarPath))
  }

  private async writeOutputsNow(
    record: BucketRecord,
    tarPath: string,
  ): Promise<{ written: StorageFileEntry[]; skipped: string[] }> {
    const chosen = new Map<string, number>()
    const skipped: string[] = []
    const pick = (entryPath: string, type: string): string | undefined => {
      const path = entryPath.replace(/^\.\//, '')
      if (type === 'Directory') return undefined
      const match = /^outputs\/([^/]+)$/.exec(path)
      if (type !== 'File' || !match) {
        if (path.startsWith('outputs/') && path !== 'outputs/') skipped.push(path.slice('outputs/'.length))
        return undefined
      }
      try {
        return checkFileName(match[1])
      } catch {
        skipped.push(match[1]!)
        return undefined
      }
    }
    await listTar({
      file: tarPath,
      onReadEntry: (entry) => {
        const name = pick(entry.path, entry.type)
        if (name !== undefined) chosen.set(name, entry.size ?? 0)
        entry.resume()
      },
    })
    const { fileBytesMax, bucketBytesMax } = this.options.limits
    const tooLarge = [...chosen].find(([, size]) => size > fileBytesMax)
    if (tooLarge)
      throw providerError(
        'STORAGE_QUOTA_EXCEEDED',
        `Output ${tooLarge[0]} holds ${tooLarge[1]} bytes; a file may hold at most ${fileBytesMax} bytes on this node`,
      )
    const kept = (await this.entries(record.bucketId)).filter((e) => !chosen.has(e.name))
    const used = kept.reduce((sum, e) => sum + e.size, 0)
    const adding = [...chosen.values()].reduce((sum, size) => sum + size, 0)
    if (used + adding > bucketBytesMax)
      throw providerError(
        'STORAGE_QUOTA_EXCEEDED',
        `The outputs (${adding} bytes) do not fit in the bucket: it holds ${used} bytes of other files and may hold at most ${bucketBytesMax} bytes on this node`,
      )
    if (chosen.size === 0) return { written: [], skipped }
    const dir = join(this.bucketsDir, record.bucketId)
    const partials = new Map<string, string>()
    const writes: Array<Promise<void>> = []
    try {
      await listTar({
        file: tarPath,
        onReadEntry: (entry) => {
          const path = entry.path.replace(/^\.\//, '')
          const match = /^outputs\/([^/]+)$/.exec(path)
          const name = entry.type === 'File' && match ? match[1]! : undefined
          if (name === undefined || !chosen.has(name) || partials.has(name)) {
            entry.resume()
            return
          }
          const partial = join(dir, `.${randomUUID()}${PARTIAL_SUFFIX}`)
          partials.set(name, partial)
          let written = 0
          const expected = chosen.get(name)!
          entry.on('data', (chunk: Buffer) => {
            written += chunk.length
          })
          writes.push(
            pipeline(entry, createWriteStream(partial, { flags: 'wx', mode: 0o644 })).then(() => {
              if (written !== expected)
                throw new Error(`output ${name}: ${written} bytes read, the archive says ${expected}`)
            }),
          )
        },
      })
      await Promise.all(writes)
      if (partials.size !== chosen.size) throw new Error('the outputs archive changed while it was read')
      for (const [name, partial] of partials) await rename(partial, join(dir, name))
    } catch (error) {
      await Promise.allSettled(writes)
      await Promise.all([...partials.values()].map((partial) => rm(partial, { force: true })))
      throw error
    }
    const written: StorageFileEntry[] = []
    for (const name of [...chosen.keys()].sort()) written.push(await this.fileEntry(record.bucketId, name))
    return { written, skipped }
  }

  /** Streams `content` into the bucket; the limits are checked while it arrives. */
  async upload(
    bucketId: string,
    fileName: string,
    content: Readable,
    caller: string,
  ): Promise<StorageFileEntry> {
    const record = await this.accessible(bucketId, caller)
    return this.serial(record.bucketId, () => this.uploadNow(record, fileName, content))
  }

  private async uploadNow(
    record: BucketRecord,
    fileName: string,
    content: Readable,
  ): Promise<StorageFileEntry> {
    const dir = join(this.bucketsDir, record.bucketId)
    const target = join(dir, fileName)
    const others = (await this.entries(record.bucketId)).filter((e) => e.name !== fileName)
    const used = others.reduce((sum, e) => sum + e.size, 0)
    const { fileBytesMax, bucketBytesMax } = this.options.limits
    const allowed = Math.min(fileBytesMax, bucketBytesMax - used)
    const partial = join(dir, `.${randomUUID()}${PARTIAL_SUFFIX}`)
    let received = 0
    const out = createWriteStream(partial, { flags: 'wx' })
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (error: unknown) => {
          content.unpipe(out)
          out.destroy()
          content.resume() // drain, so the client reads our answer
          reject(error)
        }
        content.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > allowed)
            fail(
              providerError(
                'STORAGE_QUOTA_EXCEEDED',
                received > fileBytesMax
                  ? `A file may hold at most ${fileBytesMax} bytes on this node`
                  : `The bucket may hold at most ${bucketBytesMax} bytes on this node`,
              ),
            )
        })
        content.on('error', fail)
        out.on('error', fail)
        out.on('finish', () => resolve())
        content.pipe(out)
      })
      await rename(partial, target)
    } catch (error) {
      // The stream opens its file asynchronously: removed before it has closed, a refused upload
      // could leave its partial file behind (its open landing after the rm).
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()))
      await rm(partial, { force: true })
      throw error
    }
    return this.fileEntry(record.bucketId, fileName)
  }

  async deleteFile(bucketId: string, fileName: string, caller: string): Promise<void> {
    const record = await this.accessible(bucketId, caller)
    await this.fileEntry(record.bucketId, fileName)
    await rm(join(this.bucketsDir, record.bucketId, fileName))
  }

  private async mayAccess(record: BucketRecord, caller: string): Promise<boolean> {
    if (record.owner === getAddress(caller)) return true
    return record.accessLists.length > 0 && this.options.onAccessList(record.accessLists, caller)
  }

  private async accessible(bucketId: string, caller: string): Promise<BucketRecord> {
    const record = await this.bucket(bucketId)
    if (!(await this.mayAccess(record, caller)))
      throw providerError('BUCKET_ACCESS_DENIED', 'You are not allowed to access this bucket')
    return record
  }

  private async bucket(bucketId: string): Promise<BucketRecord> {
    const record = await this.readRecord(checkBucketId(bucketId))
    if (!record) throw providerError('BUCKET_NOT_FOUND', `Bucket not found: ${bucketId}`)
    return record
  }

  private async entries(bucketId: string): Promise<StorageFileEntry[]> {
    const dir = join(this.bucketsDir, bucketId)
    const out: StorageFileEntry[] = []
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith(PARTIAL_SUFFIX)) continue
      const info = await stat(join(dir, entry.name))
      out.push({ bucketId, name: entry.name, size: info.size, lastModified: Math.floor(info.mtimeMs) })
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  private async fileEntry(bucketId: string, fileName: string): Promise<StorageFileEntry> {
    try {
      const info = await stat(join(this.bucketsDir, bucketId, checkFileName(fileName)))
      if (info.isFile())
        return { bucketId, name: fileName, size: info.size, lastModified: Math.floor(info.mtimeMs) }
    } catch (error) {
      if ((error as { code?: unknown }).code === 'FILE_NAME_INVALID') throw error
    }
    throw providerError('STORAGE_FILE_NOT_FOUND', `File not found: ${fileName}`)
  }

  private async readRecord(bucketId: string): Promise<BucketRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.metaDir, `${bucketId}.json`), 'utf8')) as BucketRecord
    } catch {
      return undefined
    }
  }

  /** Written beside, then renamed: a crash never leaves half a record. */
  private async writeRecord(record: BucketRecord): Promise<void> {
    const file = join(this.metaDir, `${record.bucketId}.json`)
    await writeFile(`${file}.tmp`, JSON.stringify(record))
    await rename(`${file}.tmp`, file)
  }
}
