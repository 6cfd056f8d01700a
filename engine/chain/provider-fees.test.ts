import { Wallet, toUtf8String } from 'ethers'
import { describe, expect, it } from 'vitest'
import { encodeProviderData, isProviderFeeSignedBy, providerFeeHash, signProviderFee } from './provider-fees'

const node = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const datatoken = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

describe('provider fees', () => {
  it('encodes providerData as utf8 JSON {dt,id}', () => {
    expect(toUtf8String(encodeProviderData(datatoken, 'svc-1'))).toBe(`{"dt":"${datatoken}","id":"svc-1"}`)
  })

  it('signs so the fee verifies for the node and fails for a changed field or another signer', async () => {
    const fee = await signProviderFee(node, {
      providerFeeToken: datatoken,
      providerFeeAmount: '0',
      providerData: encodeProviderData(datatoken, 'svc-1'),
      validUntil: 1_800_000_000,
    })
    expect(fee.providerFeeAddress).toBe(node.address)
    expect([27, 28]).toContain(fee.v)
    expect(isProviderFeeSignedBy(fee, node.address.toLowerCase())).toBe(true)
    expect(isProviderFeeSignedBy({ ...fee, validUntil: 1_800_000_001 }, node.address)).toBe(false)
    expect(isProviderFeeSignedBy(fee, Wallet.createRandom().address)).toBe(false)
  })

  it('signs all 32 bytes when the hash starts with a zero byte', async () => {
    let validUntil = 0
    const base = {
      providerFeeAddress: node.address,
      providerFeeToken: datatoken,
      providerFeeAmount: '0',
      providerData: encodeProviderData(datatoken, 'svc-1'),
    }
    while (!providerFeeHash({ ...base, validUntil }).startsWith('0x00')) validUntil++
    const fee = await signProviderFee(node, { ...base, validUntil })
    expect(isProviderFeeSignedBy(fee, node.address)).toBe(true)
  })
})
