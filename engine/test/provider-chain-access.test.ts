/**
 * Issue 14, Ocean Node parity on the chain side of "who may call": ERC-1271 smart-account
 * signatures and access-list contracts on environments, through the Provider with unmodified
 * ocean.js 8.6.2 on the embedded dev chain.
 */
import { ProviderInstance } from '@oceanprotocol/lib'
import { Contract, ContractFactory, Wallet, toBeArray } from 'ethers'
import { loadArtifact } from '../chain/contracts'
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

/** Ocean's AccessList.sol from @oceanprotocol/contracts, deployed and initialized by the payer. */
async function deployAccessList(members: string[]): Promise<string> {
  const artifact = loadArtifact('AccessList')
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, bed.payer)
  const deployed = await factory.deploy()
  await deployed.waitForDeployment()
  const address = await deployed.getAddress()
  const list = new Contract(address, artifact.abi, bed.payer)
  const owner = await bed.payer.getAddress()
  await (
    await list.getFunction('initialize')(
      owner,
      'C2D testers',
      'C2DT',
      false,
      members,
      members.map(() => ''),
    )
  ).wait()
  return address
}

describe('access-list contracts on environments', () => {
  it('admits token holders and refuses others with ENVIRONMENT_ACCESS_LIST_DENIED, shown as Ocean Node shows it', async () => {
    const { url, consumer, devChain } = bed
    const list = await deployAccessList([consumer.address])
    const base = bed.core.environments.listEnvironments().find((e) => e.free)!
    bed.core.environments.saveEnvironment({
      ...base,
      id: 'listed-only',
      accessLists: [{ [String(devChain.chainId)]: [list] }],
    })
    const shown = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.id === 'listed-only')!
    expect(shown.access).toEqual({ addresses: [], accessLists: [{ [String(devChain.chainId)]: [list] }] })
    expect(shown.free?.access).toEqual({ addresses: [], accessLists: null })

    // A holder of the list's token: the free start is accepted.
    const started = firstJob(
      await ProviderInstance.freeComputeStart(url, consumer, 'listed-only', [], rawAlgorithm),
    )
    expect(started.owner).toBe(consumer.address)
    await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)

    // Someone else: refused at initializeCompute and at the start, no job made.
    const outsider = Wallet.createRandom()
    const initialize = await fetch(`${url}/api/services/initializeCompute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        datasets: [],
        algorithm: {
          meta: { rawcode: QUICK, container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' } },
        },
        environment: 'listed-only',
        payment: { chainId: devChain.chainId, token: devChain.contracts.Ocean },
        consumerAddress: outsider.address,
      }),
    })
    expect(initialize.status).toBe(403)
    expect(initialize.headers.get('x-c2d-error-code')).toBe('ENVIRONMENT_ACCESS_LIST_DENIED')
    expect(
      await refusal(
        ProviderInstance.freeComputeStart(url, outsider as never, 'listed-only', [], rawAlgorithm),
      ),
    ).toMatch(/access list/i)
    const jobs = await fetch(`${url}/api/services/compute?consumerAddress=${outsider.address}`)
    expect(await jobs.json()).toEqual([])

    // Minting the outsider a token admits it: the check reads the chain, not a snapshot.
    const artifact = loadArtifact('AccessList')
    await (await new Contract(list, artifact.abi, bed.payer).getFunction('mint')(outsider.address, '')).wait()
    const admitted = firstJob(
      await ProviderInstance.freeComputeStart(url, outsider as never, 'listed-only', [], rawAlgorithm),
    )
    expect(admitted.owner).toBe(outsider.address)
  }, 180_000)
})
