/**
 * Signs provider fees the way ERC20Template._checkProviderFee verifies them (spec §6). Pure apart
 * from the signer; must not import fastify or the store.
 */
import {
  Signature,
  getBytes,
  hexlify,
  solidityPackedKeccak256,
  toUtf8Bytes,
  verifyMessage,
  type Signer,
} from 'ethers'

export interface ProviderFee {
  providerFeeAddress: string
  providerFeeToken: string
  providerFeeAmount: string // wei, decimal string
  providerData: string // 0x hex of utf8 JSON {"dt","id"}
  v: number
  r: string
  s: string
  validUntil: number // unix seconds, 0 = forever
}

/** spec §6: providerData = hex of the utf8 JSON {"dt":"0x…","id":"<serviceId>"}, keys in this order. */
export function encodeProviderData(datatoken: string, serviceId: string): string {
  return hexlify(toUtf8Bytes(JSON.stringify({ dt: datatoken, id: serviceId })))
}

export function providerFeeHash(fee: Omit<ProviderFee, 'v' | 'r' | 's'>): string {
  return solidityPackedKeccak256(
    ['bytes', 'address', 'address', 'uint256', 'uint256'],
    [
      fee.providerData,
      fee.providerFeeAddress,
      fee.providerFeeToken,
      BigInt(fee.providerFeeAmount),
      BigInt(fee.validUntil),
    ],
  )
}

export async function signProviderFee(
  signer: Signer,
  fee: Omit<ProviderFee, 'v' | 'r' | 's' | 'providerFeeAddress'>,
): Promise<ProviderFee> {
  const unsigned = { ...fee, providerFeeAddress: await signer.getAddress() }
  // spec §6: getBytes, never toBeArray (Ocean Node's bug: ~1 in 256 fees fail on-chain).
  const signature = Signature.from(await signer.signMessage(getBytes(providerFeeHash(unsigned))))
  return { ...unsigned, v: signature.v, r: signature.r, s: signature.s }
}

/** True when `fee` was signed by `providerAddress` over exactly these fields (order validation). */
export function isProviderFeeSignedBy(fee: ProviderFee, providerAddress: string): boolean {
  try {
    const recovered = verifyMessage(
      getBytes(providerFeeHash(fee)),
      Signature.from({ v: fee.v, r: fee.r, s: fee.s }),
    )
    return recovered.toLowerCase() === providerAddress.toLowerCase()
  } catch {
    return false
  }
}
