/**
 * Issue 14, persistent storage over P2P: unmodified ocean.js 8.6.2 (ProviderInstance's P2pProvider,
 * chosen because the node URI is a multiaddr) calls Ocean Node's seven `persistentStorage*`
 * commands on `/ocean/nodes/1.0.0` and gets the JSON the HTTP routes answer. The upload streams
 * its body as frames after the command (`p2pStreamBody`). Refusals carry the HTTP route's error.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOceanTestbed, type OceanTestbed } from './ocean-consumer'
import { setupOceanP2p, stopOceanP2p } from './ocean-p2p-consumer'

let bed: OceanTestbed
let dataDir: string
let node: string

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part
}

beforeAll(async () => {
  // The peer ID derives from the node key, so P2P needs the testbed's chain and unlocked key.
  bed = await startOceanTestbed('c2d-storage-p2p-', {
    provider: { port: 0, persistentStorage: { enabled: true } } as never,
    p2p: {
      enabled: true,
      listenAddresses: ['/ip4/127.0.0.1/tcp/0/ws'],
      bootstrapPeers: [],
      relayClient: false,
      upnp: false,
    },
  })
  dataDir = bed.core.config.dataDir
  node = bed.core.p2p!.reachability().direct.find((a) => a.includes('/ws'))!
  await setupOceanP2p()
}, 60_000)
afterAll(async () => {
  await stopOceanP2p()
  await bed?.core.stop()
  bed?.rpc.destroy()
})

describe('persistent storage with ocean.js over P2P', () => {
  it('creates a bucket, uploads in chunks, lists, gets the file object, renames, lists buckets, deletes', async () => {
    const owner = Wallet.createRandom()
    const created = await ProviderInstance.createPersistentStorageBucket(node, owner, {
      accessLists: [],
      label: 'p2p',
    })
    expect(created).toMatchObject({ owner: owner.address, accessList: [], label: 'p2p' })
    const { bucketId } = created

    const uploaded = await ProviderInstance.uploadPersistentStorageFile(
      node,
      owner,
      bucketId,
      'data.csv',
      chunks('a,b\n', '1,2\n', '3,4\n'),
    )
    expect(uploaded).toMatchObject({ name: 'data.csv', size: 12 })
    // Every chunk arrived, in order, in the bucket on disk.
    expect(readFileSync(join(dataDir, 'persistent-storage', 'buckets', bucketId, 'data.csv'), 'utf8')).toBe(
      'a,b\n1,2\n3,4\n',
    )

    const listed = await ProviderInstance.listPersistentStorageFiles(node, owner, bucketId)
    expect(listed.map((f) => [f.name, f.size])).toEqual([['data.csv', 12]])
    // The same answer as over HTTP.
    expect(listed).toEqual(
      await ProviderInstance.listPersistentStorageFiles(bed.core.providerUrl, owner, bucketId),
    )

    expect(await ProviderInstance.getPersistentStorageFileObject(node, owner, bucketId, 'data.csv')).toEqual({
      type: 'nodePersistentStorage',
      bucketId,
      fileName: 'data.csv',
    })

    expect(await ProviderInstance.updatePersistentStorageBucket(node, owner, bucketId, 'renamed')).toEqual({
      bucketId,
      label: 'renamed',
    })
    const buckets = await ProviderInstance.getPersistentStorageBuckets(node, owner, owner.address)
    expect(buckets.map((b) => [b.bucketId, b.label])).toEqual([[bucketId, 'renamed']])

    expect(await ProviderInstance.deletePersistentStorageFile(node, owner, bucketId, 'data.csv')).toEqual({
      success: true,
    })
    expect(await ProviderInstance.listPersistentStorageFiles(node, owner, bucketId)).toEqual([])
  }, 60_000)

  it("refuses a stranger's upload, listing and delete with the route's error, and keeps the bucket as it was", async () => {
    const owner = Wallet.createRandom()
    const stranger = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(node, owner, {
      accessLists: [],
    })
    await ProviderInstance.uploadPersistentStorageFile(node, owner, bucketId, 'mine.txt', chunks('mine\n'))

    await expect(
      ProviderInstance.uploadPersistentStorageFile(node, stranger, bucketId, 'mine.txt', chunks('theirs\n')),
    ).rejects.toThrow(/not allowed to access this bucket/)
    await expect(ProviderInstance.listPersistentStorageFiles(node, stranger, bucketId)).rejects.toThrow(
      /not allowed to access this bucket/,
    )
    await expect(
      ProviderInstance.deletePersistentStorageFile(node, stranger, bucketId, 'mine.txt'),
    ).rejects.toThrow(/not allowed to access this bucket/)
    await expect(
      ProviderInstance.getPersistentStorageFileObject(node, owner, bucketId, 'missing.txt'),
    ).rejects.toThrow(/File not found/)

    expect(readFileSync(join(dataDir, 'persistent-storage', 'buckets', bucketId, 'mine.txt'), 'utf8')).toBe(
      'mine\n',
    )
    expect(
      (await ProviderInstance.listPersistentStorageFiles(node, owner, bucketId)).map((f) => f.name),
    ).toEqual(['mine.txt'])
  }, 60_000)
})
