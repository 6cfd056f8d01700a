import { Interface, Wallet, ZeroHash, hexlify, toUtf8Bytes, type TransactionReceipt } from 'ethers'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { MemoryLogger } from '../logging'
import { loadAbi } from '../chain/contracts'
import { AccessRequestsRepo } from '../store/access-requests-repo'
import { openDatabase } from '../store/database'
import { AssetRegistry, type AssetRecord } from './asset-registry'
import type { Ddo } from './ddo'
import { resumeApprovalsOnChain } from './approval-recovery'

const nft = new Interface(loadAbi('ERC721Template'))
const NFT = '0x' + '1'.repeat(40)
const DATASET = 'did:op:' + 'd'.repeat(64)
const TX = '0x' + 'ab'.repeat(32)
const entry = {
  did: 'did:op:' + 'a'.repeat(64),
  filesChecksum: 'f'.repeat(64),
  containerSectionChecksum: 'c'.repeat(64),
}
const ddoTrusting = (trusted: unknown[]) =>
  ({
    id: DATASET,
    services: [{ id: 'svc', compute: { publisherTrustedAlgorithms: trusted } }],
  }) as unknown as Ddo

function receiptTrusting(trusted: unknown[]): Partial<TransactionReceipt> {
  const log = nft.encodeEventLog(nft.getEvent('MetadataUpdated')!, [
    NFT,
    0,
    'http://127.0.0.1:8001',
    '0x00',
    hexlify(toUtf8Bytes(JSON.stringify(ddoTrusting(trusted)))),
    ZeroHash,
    1,
    7,
  ])
  return { status: 1, blockNumber: 9, logs: [{ address: NFT, topics: log.topics, data: log.data } as never] }
}

/** A dataset whose last edit (the approval's setMetaData) was sent but not stored when it stopped. */
function setup(receipt: Partial<TransactionReceipt> | null, known = false) {
  const db = openDatabase({ file: ':memory:' })
  const clock = new FakeClock()
  const registry = new AssetRegistry(db, clock)
  const record: AssetRecord = {
    did: DATASET,
    kind: 'dataset',
    chainId: 8996,
    nftAddress: NFT,
    datatokenAddress: '0x' + '2'.repeat(40),
    state: 0,
    ddo: ddoTrusting([]),
    files: {},
    createdAtMs: 0,
    updatedAtMs: 0,
  }
  registry.upsert(record)
  const requests = new AccessRequestsRepo(db)
  const request = requests.recordAttempt(
    {
      datasetDid: DATASET,
      serviceId: 'svc',
      algorithmKey: entry.did,
      algorithmDid: entry.did,
      container: { image: 'node', tag: '20' },
      containerChecksum: entry.containerSectionChecksum,
      filesChecksum: entry.filesChecksum,
    },
    '0x' + '3'.repeat(40),
    'not trusted',
    clock.nowMs(),
  )
  requests.beginOnChain(request.id, entry, clock.nowMs())
  registry.setPublishProgress(DATASET, {
    op: 'edit',
    startedAtMs: clock.nowMs(),
    steps: { metadata: { hash: TX, status: 'signed' } },
    done: false,
  })
  const approved: string[] = []
  const run = () =>
    resumeApprovalsOnChain({
      requests,
      registry,
      rpc: {
        getTransactionReceipt: async () => receipt as TransactionReceipt | null,
        getTransaction: async () => (known ? ({} as never) : null),
        waitForTransaction: async () => receipt as TransactionReceipt | null,
      },
      nodeKey: Wallet.createRandom(),
      clock,
      logger: new MemoryLogger(),
      onApproved: (_r, txHash) => approved.push(txHash),
    })
  return { run, requests, registry, request, approved }
}

describe('resumeApprovalsOnChain', () => {
  it('approves with the recorded edit tx once mined, and stores the DDO the stop left unstored', async () => {
    const s = setup(receiptTrusting([entry]))
    expect(await s.run()).toEqual([{ requestId: s.request.id, outcome: 'approved', txHash: TX }])
    expect(s.requests.get(s.request.id)).toMatchObject({ status: 'approved', approvedTx: TX, onChain: null })
    expect(s.approved).toEqual([TX])
    const stored = s.registry.get(DATASET)!
    expect(stored.ddo.services[0]!.compute!.publisherTrustedAlgorithms).toEqual([entry])
    expect(stored.publish?.done).toBe(true)
    expect(await s.run()).toEqual([])
  })

  it('puts it back to pending with why when the tx never reached the chain', async () => {
    const s = setup(null)
    const [outcome] = await s.run()
    expect(outcome).toMatchObject({ outcome: 'not-landed', reason: expect.stringContaining(TX) })
    expect(s.requests.get(s.request.id)).toMatchObject({
      status: 'pending',
      onChain: { state: 'not-landed' },
    })
    expect(s.registry.get(DATASET)!.ddo.services[0]!.compute!.publisherTrustedAlgorithms).toEqual([])
  })

  it('puts it back to pending when the mined DDO does not trust the algorithm with these checksums', async () => {
    const s = setup(receiptTrusting([{ ...entry, filesChecksum: 'other' }]))
    const [outcome] = await s.run()
    expect(outcome).toMatchObject({ outcome: 'not-landed', reason: expect.stringMatching(/does not trust/) })
    expect(s.requests.get(s.request.id)?.status).toBe('pending')
    expect(s.approved).toEqual([])
  })

  it('leaves it approving when the chain cannot be read now', async () => {
    const s = setup(null, true)
    const out = await resumeApprovalsOnChain({
      requests: s.requests,
      registry: s.registry,
      rpc: {
        getTransactionReceipt: async () => {
          throw new Error('connect ECONNREFUSED')
        },
        getTransaction: async () => null,
        waitForTransaction: async () => null,
      },
      nodeKey: Wallet.createRandom(),
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      onApproved: () => undefined,
    })
    expect(out).toMatchObject([{ outcome: 'left', reason: expect.stringContaining('ECONNREFUSED') }])
    expect(s.requests.get(s.request.id)?.onChain?.state).toBe('approving')
  })
})
