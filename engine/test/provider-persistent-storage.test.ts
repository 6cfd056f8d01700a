/**
 * Persistent storage (Ocean Node's buckets) through the Provider over HTTP, with ocean.js 8.6.2's own
 * calls, unmodified: create, upload (streamed), list, file object, rename, list buckets, delete; the
 * owner/ACL rule, the size limits, name and id checks, nonces, and the switch that turns it all off.
 * No chain: the consumers are plain ethers wallets signing ocean.js' `address + nonce + command`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet, toBeArray, type HDNodeWallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { requestMessageHash } from '../provider/request-signature'
import { jobCoreConfig } from './job-core-config'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(persistentStorage: Record<string, unknown>): Promise<{ core: Core; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-storage-'))
  const config = jobCoreConfig(dataDir, { overrides: { provider: { port: 0, persistentStorage } } })
  const core = await startCore(config, { logger: new MemoryLogger() })
  cleanups.push(() => core.stop())
  return { core, dataDir }
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part
}

/** A signed request by hand: the nonce after the stored one, over `address + nonce + command`. */
async function signed(core: Core, wallet: HDNodeWallet, command: string): Promise<URLSearchParams> {
  const nonce = String((await ProviderInstance.getNonce(core.providerUrl, wallet.address)) + 1)
  const signature = await wallet.signMessage(toBeArray(requestMessageHash(wallet.address, nonce, command)))
  return new URLSearchParams({ consumerAddress: wallet.address, nonce, signature })
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect({ status: res.status, code: res.headers.get('x-c2d-error-code') }).toEqual({ status, code })
  expect(typeof JSON.parse(await res.text())).toBe('string')
}

const base = (core: Core) => `${core.providerUrl}/api/services/persistentStorage/buckets`

describe('persistent storage (provider.persistentStorage)', () => {
  it("ocean.js' calls: create, upload, list, object, rename, list buckets, ACL, delete; files kept under the data dir", async () => {
    const { core, dataDir } = await start({ enabled: true })
    const owner = Wallet.createRandom()
    const stranger = Wallet.createRandom()
    const status = await ProviderInstance.getNodeStatus(core.providerUrl)
    expect(status.persistentStorage).toEqual({ accessLists: [] })

    const created = await ProviderInstance.createPersistentStorageBucket(core.providerUrl, owner, {
      accessLists: [],
      label: '  inputs ',
    })
    expect(created).toEqual({
      bucketId: expect.any(String),
      owner: owner.address,
      accessList: [],
      label: 'inputs',
    })
    const { bucketId } = created
    const entry = await ProviderInstance.uploadPersistentStorageFile(
      core.providerUrl,
      owner,
      bucketId,
      'data.csv',
      chunks('a,b\n', '1,2\n'),
    )
    expect(entry).toEqual({ bucketId, name: 'data.csv', size: 8, lastModified: expect.any(Number) })
    expect(readFileSync(join(dataDir, 'persistent-storage', 'buckets', bucketId, 'data.csv'), 'utf8')).toBe(
      'a,b\n1,2\n',
    )

    expect(await ProviderInstance.listPersistentStorageFiles(core.providerUrl, owner, bucketId)).toEqual([
      entry,
    ])
    expect(
      await ProviderInstance.getPersistentStorageFileObject(core.providerUrl, owner, bucketId, 'data.csv'),
    ).toEqual({ type: 'nodePersistentStorage', bucketId, fileName: 'data.csv' })

    const renamed = await ProviderInstance.updatePersistentStorageBucket(
      core.providerUrl,
      owner,
      bucketId,
      'renamed',
    )
    expect(renamed).toEqual({ bucketId, label: 'renamed' })
    const buckets = await ProviderInstance.getPersistentStorageBuckets(core.providerUrl, owner, owner.address)
    expect(buckets).toEqual([
      { bucketId, owner: owner.address, createdAt: expect.any(Number), accessLists: [], label: 'renamed' },
    ])

    // Someone else: denied on every bucket call, sees none of the owner's buckets, renames nothing.
    await expect(
      ProviderInstance.listPersistentStorageFiles(core.providerUrl, stranger, bucketId),
    ).rejects.toThrow(/not allowed/)
    await expect(
      ProviderInstance.uploadPersistentStorageFile(core.providerUrl, stranger, bucketId, 'x', chunks('x')),
    ).rejects.toThrow(/not allowed/)
    await expect(
      ProviderInstance.deletePersistentStorageFile(core.providerUrl, stranger, bucketId, 'data.csv'),
    ).rejects.toThrow(/not allowed/)
    await expect(
      ProviderInstance.updatePersistentStorageBucket(core.providerUrl, stranger, bucketId, 'mine'),
    ).rejects.toThrow(/owner/)
    expect(
      await ProviderInstance.getPersistentStorageBuckets(core.providerUrl, stranger, owner.address),
    ).toEqual([])

    expect(
      await ProviderInstance.deletePersistentStorageFile(core.providerUrl, owner, bucketId, 'data.csv'),
    ).toEqual({ success: true })
    expect(await ProviderInstance.listPersistentStorageFiles(core.providerUrl, owner, bucketId)).toEqual([])
    await expectError(
      await fetch(
        `${base(core)}/${bucketId}/files/data.csv?${await signed(core, owner, 'persistentStorageDeleteFile')}`,
        { method: 'DELETE' },
      ),
      404,
      'STORAGE_FILE_NOT_FOUND',
    )
  })

  it('limits: a file or bucket over its size is refused and leaves what was there; the bucket count per owner', async () => {
    const { core, dataDir } = await start({
      enabled: true,
      fileBytesMax: 1000,
      bucketBytesMax: 1500,
      bucketsPerOwnerMax: 1,
    })
    const owner = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(core.providerUrl, owner, {
      accessLists: [],
    })
    await ProviderInstance.uploadPersistentStorageFile(
      core.providerUrl,
      owner,
      bucketId,
      'a',
      chunks('x'.repeat(900)),
    )
    const upload = async (name: string, size: number) =>
      fetch(
        `${base(core)}/${bucketId}/files/${name}?${await signed(core, owner, 'persistentStorageUploadFile')}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: 'y'.repeat(size),
        },
      )
    await expectError(await upload('a', 1001), 413, 'STORAGE_QUOTA_EXCEEDED') // over the file limit
    await expectError(await upload('b', 700), 413, 'STORAGE_QUOTA_EXCEEDED') // 900 + 700 > 1500
    expect((await upload('a', 1000)).status).toBe(200) // replacing a: 1000 ≤ 1500
    const dir = join(dataDir, 'persistent-storage', 'buckets', bucketId)
    expect(readdirSync(dir)).toEqual(['a']) // no partial file left behind
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('y'.repeat(1000))
    await expect(
      ProviderInstance.createPersistentStorageBucket(core.providerUrl, owner, { accessLists: [] }),
    ).rejects.toThrow(/at most 1 buckets/)
    // Two uploads at once into the last 500 free bytes (an auth token: no nonce orders them): one fits.
    const token = await ProviderInstance.generateAuthToken(owner, core.providerUrl)
    const both = await Promise.all(
      ['c0', 'c1'].map((name) =>
        fetch(`${base(core)}/${bucketId}/files/${name}`, {
          method: 'POST',
          headers: { authorization: token, 'content-type': 'application/octet-stream' },
          body: 'c'.repeat(400),
        }),
      ),
    )
    expect(both.map((r) => r.status).sort()).toEqual([200, 413])
    const stored = readdirSync(dir).filter((n) => n !== 'a')
    expect(stored).toHaveLength(1)
  })

  it('an auth token works as a signature; create is refused to callers off provider.persistentStorage.accessLists', async () => {
    const open = await start({ enabled: true })
    const owner = Wallet.createRandom()
    const token = await ProviderInstance.generateAuthToken(owner, open.core.providerUrl)
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(open.core.providerUrl, token, {
      accessLists: [],
    })
    await ProviderInstance.uploadPersistentStorageFile(
      open.core.providerUrl,
      token,
      bucketId,
      'f',
      chunks('hi'),
    )
    expect(
      await ProviderInstance.listPersistentStorageFiles(open.core.providerUrl, owner, bucketId),
    ).toMatchObject([{ name: 'f', size: 2 }])
    // No chain in this run: an access list admits no one.
    const listed = await start({
      enabled: true,
      accessLists: [{ 8996: ['0x0000000000000000000000000000000000000001'] }],
    })
    expect((await ProviderInstance.getNodeStatus(listed.core.providerUrl)).persistentStorage).toEqual({
      accessLists: [{ 8996: ['0x0000000000000000000000000000000000000001'] }],
    })
    const c = Object.fromEntries(await signed(listed.core, owner, 'persistentStorageCreateBucket'))
    await expectError(
      await fetch(base(listed.core), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...c, accessLists: [] }),
      }),
      403,
      'STORAGE_CREATE_DENIED',
    )
    expect(existsSync(join(listed.dataDir, 'persistent-storage', 'meta'))).toBe(false)
  })

  it('bad ids, names, labels and access lists are 400s that spend no nonce; a replayed signature is 401', async () => {
    const { core, dataDir } = await start({ enabled: true })
    const owner = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(core.providerUrl, owner, {
      accessLists: [],
    })
    const before = await ProviderInstance.getNonce(core.providerUrl, owner.address)
    const q = await signed(core, owner, 'persistentStorageUploadFile')
    for (const [path, code] of [
      [`not-a-bucket/files/x`, 'REQUEST_INVALID'],
      // ("..", "%2E%2E" never leave the client: URL parsing resolves them as dot segments.)
      [`${bucketId}/files/..%2F..%2Fmeta`, 'FILE_NAME_INVALID'],
      [`${bucketId}/files/a%2Fb`, 'FILE_NAME_INVALID'],
      [`${bucketId}/files/a%5Cb`, 'FILE_NAME_INVALID'],
      [`${bucketId}/files/a%00b`, 'FILE_NAME_INVALID'],
    ] as const)
      await expectError(await fetch(`${base(core)}/${path}?${q}`, { method: 'POST', body: 'x' }), 400, code)
    const create = (body: unknown) =>
      fetch(base(core), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const c = Object.fromEntries(await signed(core, owner, 'persistentStorageCreateBucket'))
    await expectError(await create({ ...c, accessLists: 'x' }), 400, 'REQUEST_INVALID')
    await expectError(await create({ ...c, accessLists: [{ 8996: ['nope'] }] }), 400, 'REQUEST_INVALID')
    await expectError(await create({ ...c, accessLists: [], label: 'l'.repeat(257) }), 400, 'REQUEST_INVALID')
    expect(await ProviderInstance.getNonce(core.providerUrl, owner.address)).toBe(before)
    // A well-formed bucket id this node does not have.
    const list = await signed(core, owner, 'persistentStorageListFiles')
    await expectError(
      await fetch(`${base(core)}/3b241101-e2bb-4255-8caf-4136c566a962/files?${list}`),
      404,
      'BUCKET_NOT_FOUND',
    )
    // The same signature again: the nonce is spent.
    await expectError(
      await fetch(`${base(core)}/3b241101-e2bb-4255-8caf-4136c566a962/files?${list}`),
      401,
      'NONCE_NOT_INCREASING',
    )
    // A signature over another command.
    const other = await signed(core, owner, 'persistentStorageDeleteFile')
    await expectError(await fetch(`${base(core)}/${bucketId}/files?${other}`), 401, 'SIGNATURE_INVALID')
    expect(existsSync(join(dataDir, 'persistent-storage', 'buckets', '..', 'x'))).toBe(false)
  })

  it('off by default: every route is 404 STORAGE_DISABLED and the status does not offer it', async () => {
    const { core, dataDir } = await start({})
    const owner = Wallet.createRandom()
    expect((await ProviderInstance.getNodeStatus(core.providerUrl)).persistentStorage).toBeUndefined()
    await expect(
      ProviderInstance.createPersistentStorageBucket(core.providerUrl, owner, { accessLists: [] }),
    ).rejects.toThrow(/not enabled/)
    await expectError(await fetch(`${base(core)}?owner=${owner.address}`), 404, 'STORAGE_DISABLED')
    expect(existsSync(join(dataDir, 'persistent-storage'))).toBe(false)
  })
})
