// Issue 11, one address everywhere: on the embedded dev chain the address the console API shows as
// the publisher wallet is the key the Provider signs with (`GET /` providerAddress, the provider
// fee's signer, recovered with ethers from the fee ocean.js gets) — the throwaway dev key while no
// wallet exists, the publisher's wallet once one is created, and nothing while that wallet is locked.
import { ProviderInstance } from '@oceanprotocol/lib'
import { Signature, getBytes, solidityPackedKeccak256, verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_ACCOUNTS } from '../chain/dev-chain/dev-accounts'
import { createConsoleClient, type ConsoleClient } from '../console-api/contract'
import { createInProcessTransport } from '../console-api/in-process-transport'
import { paidEnvironment, startOceanTestbed, type OceanTestbed } from './ocean-consumer'

const PASSWORD = 'correct horse battery'
let bed: OceanTestbed
let client: ConsoleClient

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-one-address-')
  client = createConsoleClient(createInProcessTransport(bed.core.consoleService))
}, 120_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

async function providerAddress(): Promise<string | undefined> {
  const root = (await (await fetch(`${bed.url}/`)).json()) as { providerAddress?: string }
  return root.providerAddress
}

/** Who signed the provider fee ocean.js receives for the dev samples, recovered from v, r, s. */
async function feeSigner(): Promise<{ signer: string; feeAddress: string }> {
  const { samples, chainId, contracts } = bed.devChain
  const { envId } = await paidEnvironment(bed)
  const init = await ProviderInstance.initializeCompute(
    [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
    { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    envId,
    contracts.Ocean!,
    60,
    bed.url,
    bed.consumer.address,
    [{ id: 'cpu', amount: 1 }],
    chainId,
  )
  const fee = init.datasets![0]!.providerFee!
  const hash = solidityPackedKeccak256(
    ['bytes', 'address', 'address', 'uint256', 'uint256'],
    [
      fee.providerData,
      fee.providerFeeAddress,
      fee.providerFeeToken,
      BigInt(fee.providerFeeAmount!),
      BigInt(fee.validUntil!),
    ],
  )
  const signature = Signature.from({ v: fee.v, r: fee.r, s: fee.s })
  return { signer: verifyMessage(getBytes(hash), signature), feeAddress: fee.providerFeeAddress! }
}

describe('one address everywhere on the dev chain', () => {
  it('shows the dev key as the (throwaway) wallet while none exists, and the Provider signs with it', async () => {
    const wallet = await client.getWallet()
    expect(wallet).toEqual({ state: 'none', address: DEV_ACCOUNTS.provider.address, devKey: true })
    expect(await providerAddress()).toBe(wallet.address)
    expect(await feeSigner()).toEqual({ signer: wallet.address, feeAddress: wallet.address })
    expect((await client.getSettings()).walletAddress).toBe(wallet.address)
    expect((await client.getBalances()).address).toBe(wallet.address)
  }, 60_000)

  it('once a wallet is created, it is the Provider key: GET /, the fee signer and balances name it', async () => {
    const created = await client.createWallet({ password: PASSWORD, confirm: true })
    expect(created.state).toBe('unlocked')
    expect(created.devKey).toBeUndefined()
    expect(created.address).not.toBe(DEV_ACCOUNTS.provider.address)
    const wallet = await client.getWallet()
    expect(wallet.address).toBe(created.address)
    expect(await providerAddress()).toBe(wallet.address)
    expect(await feeSigner()).toEqual({ signer: wallet.address, feeAddress: wallet.address })
    expect((await client.getSettings()).walletAddress).toBe(wallet.address)
    expect((await client.getBalances()).address).toBe(wallet.address)
  }, 120_000)

  it('a locked wallet is no node key (as on an RPC chain): the dev key does not stand in for it', async () => {
    const locked = await client.lockWallet()
    expect(locked).toMatchObject({ state: 'locked' })
    expect(locked.devKey).toBeUndefined()
    expect(await providerAddress()).not.toBe(DEV_ACCOUNTS.provider.address)
    const unlocked = await client.unlockWallet({ password: PASSWORD })
    expect(await providerAddress()).toBe(unlocked.address)
  }, 60_000)
})
