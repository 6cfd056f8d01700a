/**
 * A minimal ERC-1271 smart account for tests, hand-assembled EVM bytecode (no compiler, nothing to
 * pin): `isValidSignature(bytes32 hash, bytes signature)` answers the magic value 0x1626ba7e when
 * `ecrecover(toEthSignedMessageHash(hash), signature)` is its owner (as OpenZeppelin's
 * SignatureChecker-style wallets do), else 0xffffffff. Any other selector reverts.
 *
 * `SmartAccountSigner` is how a dApp drives such an account through ocean.js: `getAddress()` is the
 * wallet's address, and messages are signed by the owner key over the 32-byte hash the wallet checks.
 */
import {
  AbstractSigner,
  ContractFactory,
  getBytes,
  hexlify,
  toUtf8Bytes,
  zeroPadValue,
  type Provider,
  type Signer,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers'

type Op = string | { label: string } | { push: string }

/** Opcodes as hex, `{label}` marks a JUMPDEST, `{push: label}` a PUSH1 of its offset (code < 256 bytes). */
function assemble(ops: Op[]): string {
  const size = (op: Op) => (typeof op === 'string' ? op.length / 2 : 'label' in op ? 1 : 2)
  const offsets = new Map<string, number>()
  let at = 0
  for (const op of ops) {
    if (typeof op !== 'string' && 'label' in op) offsets.set(op.label, at)
    at += size(op)
  }
  if (at > 255) throw new Error('erc1271 wallet: code too long for PUSH1 labels')
  return ops
    .map((op) => {
      if (typeof op === 'string') return op
      if ('label' in op) return '5b'
      return '60' + offsets.get(op.push)!.toString(16).padStart(2, '0')
    })
    .join('')
}

const PREFIX = Buffer.from('\x19Ethereum Signed Message:\n32', 'latin1').toString('hex') // 28 bytes

export function erc1271WalletRuntime(owner: string): string {
  const ownerHex = owner.slice(2).toLowerCase()
  return assemble([
    '600035' + '60e01c', // selector = calldata[0] >> 224
    '631626ba7e14',
    { push: 'isValidSignature' },
    '57',
    '600080fd', // other selectors revert
    { label: 'isValidSignature' },
    '7b' + PREFIX + '60201b' + '600052', // mem[0..28] = prefix
    '600435' + '601c52', // mem[28..60] = hash
    '603c600020' + '600052', // mem[0] = keccak256(mem[0..60])
    '60a435' + '60f81c' + '602052', // mem[32] = v (signature byte 64)
    '606435' + '604052', // mem[64] = r
    '608435' + '606052', // mem[96] = s
    '602060806080600060015afa50', // staticcall(gas, ecrecover, 0, 128, 128, 32)
    '608051', // recovered (0 when ecrecover failed: memory at 128 starts zero)
    '73' + ownerHex + '14',
    { push: 'yes' },
    '57',
    '63ffffffff60e01b' + '600052' + '60206000f3', // return bytes4(0xffffffff)
    { label: 'yes' },
    '631626ba7e60e01b' + '600052' + '60206000f3', // return the magic value
  ])
}

/** Init code: copy the runtime to memory and return it. */
export function erc1271WalletInitCode(owner: string): string {
  const runtime = erc1271WalletRuntime(owner)
  const length = runtime.length / 2
  const len = length.toString(16).padStart(2, '0')
  const init = `60${len}600c600039` + `60${len}6000f3`
  if (init.length / 2 !== 12) throw new Error('erc1271 wallet: init code must be 12 bytes')
  return '0x' + init + runtime
}

/** Deploys a wallet owned by `owner`; returns its address. */
export async function deployErc1271Wallet(deployer: Signer, owner: string): Promise<string> {
  const factory = new ContractFactory([], erc1271WalletInitCode(owner), deployer)
  const contract = await factory.deploy()
  await contract.waitForDeployment()
  return contract.getAddress()
}

export class SmartAccountSigner extends AbstractSigner {
  constructor(
    readonly walletAddress: string,
    private readonly owner: Pick<Signer, 'signMessage'>,
    provider: Provider | null = null,
  ) {
    super(provider)
  }

  getAddress(): Promise<string> {
    return Promise.resolve(this.walletAddress)
  }

  connect(provider: Provider | null): SmartAccountSigner {
    return new SmartAccountSigner(this.walletAddress, this.owner, provider)
  }

  /** The wallet checks the prefixed 32-byte hash: ocean.js' toBeArray may drop leading zeros, restore them. */
  signMessage(message: string | Uint8Array): Promise<string> {
    const bytes = typeof message === 'string' ? toUtf8Bytes(message) : message
    const hash = bytes.length <= 32 ? getBytes(zeroPadValue(hexlify(bytes), 32)) : bytes
    return this.owner.signMessage(hash)
  }

  signTransaction(_tx: TransactionRequest): Promise<string> {
    return Promise.reject(new Error('a smart account sends no raw transactions in these tests'))
  }

  signTypedData(
    _domain: TypedDataDomain,
    _types: Record<string, TypedDataField[]>,
    _value: Record<string, unknown>,
  ): Promise<string> {
    return Promise.reject(new Error('not used by the Provider'))
  }
}
