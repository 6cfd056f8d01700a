/**
 * EscrowClient's pure parts and its reading of the contract's answers. The fake node answers
 * eth_call with ABI-encoded results of the real Escrow ABI and refuses anything else, so a test
 * that expects "nothing sent" fails loudly if a transaction is attempted. Chain behaviour itself
 * (locks, claims, fees, expiry) is proven on the dev chain in engine/test/chain-orders-escrow.test.ts.
 */
import { createHash } from 'node:crypto'
import { createServer, type AddressInfo } from 'node:net'
import { Interface, JsonRpcProvider, Wallet, type TransactionRequest } from 'ethers'
import { describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { MemoryLogger } from '../logging'
import { loadAbi } from './contracts'
import { EscrowClient } from './escrow'

const escrowAbi = new Interface(loadAbi('Escrow'))
const ESCROW = '0x9A676e781A523b5d0C0e43731313A708CB607508'
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const OTHER_TOKEN = '0x1111111111111111111111111111111111111111'
const nodeKey = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
const payer = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const otherPayer = '0x2222222222222222222222222222222222222222'

interface LockTuple {
  jobId: bigint
  payer: string
  amount: bigint
  expiry: bigint
  token: string
}

/** A JSON-RPC node that knows getLocks/getUserFunds/getAuthorizations and nothing else. */
class FakeEscrowNode extends JsonRpcProvider {
  locks: LockTuple[] = []
  available = 0n
  auths: Array<[string, bigint, bigint, bigint, bigint, bigint]> = []
  readonly sent: string[] = []

  constructor() {
    super(undefined, 8996, { staticNetwork: true, cacheTimeout: -1 })
  }

  override async call(tx: TransactionRequest): Promise<string> {
    const parsed = escrowAbi.parseTransaction({ data: String(tx.data) })
    switch (parsed?.name) {
      case 'getLocks':
        return escrowAbi.encodeFunctionResult('getLocks', [
          this.locks.map((l) => [l.jobId, l.payer, l.amount, l.expiry, l.token]),
        ])
      case 'getUserFunds':
        return escrowAbi.encodeFunctionResult('getUserFunds', [[this.available, 0n]])
      case 'getAuthorizations':
        return escrowAbi.encodeFunctionResult('getAuthorizations', [this.auths])
      default:
        throw new Error(`unexpected call ${parsed?.name ?? String(tx.data).slice(0, 10)}`)
    }
  }

  override async _send(payload: unknown): Promise<never> {
    this.sent.push(JSON.stringify(payload))
    throw new Error('the fake node accepts no other request')
  }
}

function client(chain?: FakeEscrowNode): { escrow: EscrowClient; node: Wallet } {
  const node = new Wallet(nodeKey, chain)
  return {
    escrow: new EscrowClient({ signer: node, escrowAddress: ESCROW, logger: new MemoryLogger() }),
    node,
  }
}

describe('EscrowClient.escrowJobId', () => {
  it('is uint256(sha256(jobId)) like Ocean Node, stable and distinct per job', () => {
    // FIPS 180-2 test vector: sha256("abc").
    expect(EscrowClient.escrowJobId('abc')).toBe(
      0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adn,
    )
    const id = 'e3c1c5d2-0b5a-4c7b-9a39-7f2f1f6f0c11'
    expect(EscrowClient.escrowJobId(id)).toBe(
      BigInt(`0x${createHash('sha256').update(id, 'utf8').digest('hex')}`),
    )
    expect(EscrowClient.escrowJobId(id)).not.toBe(EscrowClient.escrowJobId(`${id}x`))
    expect(EscrowClient.escrowJobId(id)).toBeLessThan(2n ** 256n)
  })
})

describe('EscrowClient.checkFunds (fake node)', () => {
  it('refuses the node as its own payer before asking the chain', async () => {
    const { escrow, node } = client()
    expect(await escrow.checkFunds(node.address.toLowerCase(), TOKEN, 1n, 60)).toMatchObject({
      ok: false,
      code: 'payer-is-payee',
    })
  })

  it('checks in the order createLock does, and says what is missing', async () => {
    const chain = new FakeEscrowNode()
    const { escrow, node } = client(chain)
    chain.available = 10n
    expect(await escrow.checkFunds(payer, TOKEN, 11n, 60)).toMatchObject({ ok: false, code: 'no-funds' })
    expect(await escrow.checkFunds(payer, TOKEN, 10n, 60)).toMatchObject({
      ok: false,
      code: 'no-authorization',
    })
    // [payee, maxLockedAmount, currentLockedAmount, maxLockSeconds, maxLockCounts, currentLocks]
    chain.auths = [[node.address, 15n, 6n, 600n, 2n, 1n]]
    expect(await escrow.checkFunds(payer, TOKEN, 9n, 601)).toMatchObject({ ok: false, code: 'lock-too-long' })
    expect(await escrow.checkFunds(payer, TOKEN, 10n, 600)).toMatchObject({
      ok: false,
      code: 'over-authorized-amount',
    })
    expect(await escrow.checkFunds(payer, TOKEN, 9n, 600)).toEqual({ ok: true })
    chain.auths = [[node.address, 15n, 6n, 600n, 1n, 1n]]
    expect(await escrow.checkFunds(payer, TOKEN, 9n, 600)).toMatchObject({
      ok: false,
      code: 'too-many-locks',
    })
    expect(chain.sent).toEqual([])
  })
})

describe('EscrowClient.findLock and claim (fake node)', () => {
  it("picks this job's lock out of getLocks' loose answer (2.6.0 filters token OR payer)", async () => {
    const chain = new FakeEscrowNode()
    const { escrow, node } = client(chain)
    const id = EscrowClient.escrowJobId('job-1')
    chain.locks = [
      { jobId: EscrowClient.escrowJobId('job-2'), payer, amount: 1n, expiry: 9n, token: TOKEN },
      { jobId: id, payer: otherPayer, amount: 2n, expiry: 9n, token: TOKEN },
      { jobId: id, payer, amount: 3n, expiry: 9n, token: OTHER_TOKEN },
      { jobId: id, payer, amount: 4n, expiry: 9n, token: TOKEN },
    ]
    expect(await escrow.findLock('job-1', TOKEN, payer.toLowerCase())).toEqual({
      jobId: id,
      payer,
      payee: node.address,
      amount: 4n,
      expiry: 9n,
      token: TOKEN,
    })
    expect(await escrow.findLock('job-3', TOKEN, payer)).toBeUndefined()
  })

  it('sends nothing when the lock is already gone (a repeat after a crash)', async () => {
    const chain = new FakeEscrowNode()
    const { escrow } = client(chain)
    expect(await escrow.claim('job-1', TOKEN, payer, 5n)).toBeUndefined()
    expect(await escrow.cancelExpired('job-1', TOKEN, payer)).toBeUndefined()
    expect(chain.sent).toEqual([])
  })
})

describe('EscrowClient when the RPC does not answer', () => {
  it('throws CHAIN_UNAVAILABLE (502), so the Provider does not blame the payer', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const rpc = new JsonRpcProvider(`http://127.0.0.1:${port}`, 8996, { staticNetwork: true })
    try {
      const escrow = new EscrowClient({
        signer: new Wallet(nodeKey, rpc),
        escrowAddress: ESCROW,
        logger: new MemoryLogger(),
      })
      for (const attempt of [
        escrow.checkFunds(payer, TOKEN, 1n, 60),
        escrow.claim('job-1', TOKEN, payer, 1n),
        escrow.cancelAllExpired(),
      ]) {
        const error = await attempt.catch((e: unknown) => e)
        expect(isC2dError(error) && [error.code, error.status]).toEqual(['CHAIN_UNAVAILABLE', 502])
      }
    } finally {
      rpc.destroy()
    }
  })
})
