/**
 * Issue 14, Ocean Node parity on the chain side of "who may call": ERC-1271 smart-account
 * signatures and access-list contracts on environments, through the Provider with unmodified
 * ocean.js 8.6.2 on the embedded dev chain.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet, toBeArray } from 'ethers'
import { requestMessageHash } from '../provider/request-signature'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployErc1271Wallet, SmartAccountSigner } from './erc1271-wallet'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-chain-access-')
}, 90_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

const QUICK = "console.log('hello from a smart account')"
const rawAlgorithm = {
  meta: {
    rawcode: QUICK,
    container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
  },
} as never

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as Error).message ?? error)
  }
  throw new Error('the Provider accepted the request')
}

describe('ERC-1271 smart accounts', () => {
  it('accepts ocean.js requests signed for a smart wallet, and refuses them when the wallet says no', async () => {
    const owner = Wallet.createRandom()
    const walletAddress = await deployErc1271Wallet(bed.payer, owner.address)
    expect(await bed.rpc.getCode(walletAddress)).not.toBe('0x')
    const account = new SmartAccountSigner(walletAddress, owner)
    const { url } = bed

    // Signed command 1: an auth token for the wallet's address.
    const token = await ProviderInstance.generateAuthToken(account as never, url)
    expect(typeof token).toBe('string')
    // Signed command 2: a free job owned by the smart wallet, then its signed status and stop.
    const free = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const started = firstJob(
      await ProviderInstance.freeComputeStart(url, account as never, free.id, [], rawAlgorithm),
    )
    expect(started.owner).toBe(walletAddress)
    const finished = await waitForStatus(url, account as never, started.jobId, (j) => j.status === 70)
    expect(finished.owner).toBe(walletAddress)

    // The wallet refuses a signature of another key: the Provider refuses the request, no nonce spent.
    const nonceBefore = await ProviderInstance.getNonce(url, walletAddress)
    const stranger = new SmartAccountSigner(walletAddress, Wallet.createRandom())
    expect(await refusal(ProviderInstance.generateAuthToken(stranger as never, url))).toMatch(/failed/)
    // The same request by hand, to read the answer ocean.js hides.
    const nonce = Number(nonceBefore) + 1
    const response = await fetch(`${url}/api/services/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        address: walletAddress,
        nonce,
        signature: await stranger.signMessage(
          toBeArray(requestMessageHash(walletAddress, nonce, 'createAuthToken')),
        ),
      }),
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('x-c2d-error-code')).toBe('SIGNATURE_INVALID')
    expect(await ProviderInstance.getNonce(url, walletAddress)).toBe(nonceBefore)
  }, 120_000)

  it('does not take a smart wallet owner key for the wallet when the address has no code', async () => {
    const owner = Wallet.createRandom()
    const notAContract = Wallet.createRandom().address
    const response = await fetch(`${bed.url}/api/services/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: notAContract, nonce: 1, signature: await owner.signMessage('x') }),
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('x-c2d-error-code')).toBe('SIGNATURE_INVALID')
  })
})
