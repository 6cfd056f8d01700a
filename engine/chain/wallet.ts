/**
 * The publisher's key and the Provider (node) key.
 *
 * The publisher's key lives only as an encrypted ethers JSON keystore (scrypt) in
 * `<dataDir>/wallet.json` (mode 0600, written by rename so it is never half there). It is
 * unlocked with a password into memory for this process; nothing returns or logs it, only its
 * address. A wrong password is a `WALLET_PASSWORD_WRONG` C2dError and changes nothing.
 *
 * The node key signs provider fees and creates escrow locks: by default the publisher's wallet;
 * on the dev chain the fixed dev provider account (dev-chain/dev-accounts.ts).
 * Chain layer: ethers, node:*, config types and logging only.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  Contract,
  HDNodeWallet,
  Mnemonic,
  Wallet,
  encryptKeystoreJson,
  getAddress,
  isAddress,
  type BaseWallet,
  type Provider,
} from 'ethers'
import type { Logger } from '../logging'
import { chainError } from './chain-errors'
import { loadAbi } from './contracts'
import { DEV_ACCOUNTS } from './dev-chain/dev-accounts'
import { toChainError } from './rpc'

export const WALLET_FILE = 'wallet.json'
/** ethers' default scrypt cost (2^17). Tests may lower it; a user's keystore never does. */
export const DEFAULT_SCRYPT_N = 131072
const MIN_PASSWORD_LENGTH = 8

export interface WalletStatus {
  state: 'none' | 'locked' | 'unlocked'
  address: string | null
}

export interface PublisherWalletOptions {
  dataDir: string
  logger: Logger
  scryptN?: number
}

export class PublisherWallet {
  private unlocked: BaseWallet | undefined
  private readonly path: string

  constructor(private readonly options: PublisherWalletOptions) {
    this.path = join(options.dataDir, WALLET_FILE)
  }

  exists(): boolean {
    return existsSync(this.path)
  }

  /** The keystore's address, readable without the password. */
  address(): string | null {
    if (this.unlocked) return this.unlocked.address
    if (!this.exists()) return null
    try {
      const json = JSON.parse(readFileSync(this.path, 'utf8')) as { address?: string }
      return json.address && isAddress(`0x${json.address.replace(/^0x/, '')}`)
        ? getAddress(`0x${json.address.replace(/^0x/, '')}`)
        : null
    } catch {
      return null
    }
  }

  status(): WalletStatus {
    if (this.unlocked) return { state: 'unlocked', address: this.unlocked.address }
    return this.exists() ? { state: 'locked', address: this.address() } : { state: 'none', address: null }
  }

  /** A new random key, stored encrypted with `password`; the wallet is unlocked afterwards. */
  async create(password: string): Promise<WalletStatus & { recoveryPhrase?: string }> {
    this.assertCanStore(password)
    const wallet = Wallet.createRandom()
    await this.store(wallet, password)
    // Shown once for a paper backup; only the encrypted keystore keeps it afterwards.
    return { ...this.status(), ...(wallet.mnemonic ? { recoveryPhrase: wallet.mnemonic.phrase } : {}) }
  }

  /** Imports a 0x private key (64 hex digits). */
  async importKey(privateKey: string, password: string): Promise<WalletStatus> {
    this.assertCanStore(password)
    const hex = privateKey.trim().startsWith('0x') ? privateKey.trim() : `0x${privateKey.trim()}`
    let wallet: Wallet
    try {
      wallet = new Wallet(hex)
    } catch {
      // The message never echoes the input: it may be a real key with a typo.
      throw chainError('WALLET_KEY_INVALID', 'That is not a valid private key (64 hex digits)')
    }
    await this.store(wallet, password)
    return this.status()
  }

  /** Imports a BIP-39 mnemonic (first account, m/44'/60'/0'/0/0 as MetaMask). */
  async importMnemonic(phrase: string, password: string): Promise<WalletStatus> {
    this.assertCanStore(password)
    let wallet: HDNodeWallet
    try {
      wallet = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(phrase.trim().replace(/\s+/g, ' ')))
    } catch {
      throw chainError('WALLET_KEY_INVALID', 'That is not a valid BIP-39 mnemonic')
    }
    await this.store(wallet, password)
    return this.status()
  }

  /** Decrypts the keystore into memory. A wrong password changes nothing. */
  async unlock(password: string): Promise<WalletStatus> {
    if (!this.exists()) throw chainError('WALLET_NOT_FOUND', 'Create or import the publisher wallet first')
    const json = readFileSync(this.path, 'utf8')
    try {
      this.unlocked = await Wallet.fromEncryptedJson(json, password)
    } catch (error) {
      const message = error instanceof Error ? error.message : ''
      if (/incorrect password|invalid password/i.test(message))
        throw chainError('WALLET_PASSWORD_WRONG', 'Wrong wallet password')
      throw chainError('WALLET_KEY_INVALID', `${WALLET_FILE} is not a readable keystore`, {
        cause: new Error(message),
      })
    }
    this.options.logger.info('publisher wallet unlocked', { address: this.unlocked.address })
    return this.status()
  }

  /** The encrypted keystore file as stored (a backup only the password opens); null when none exists. */
  keystoreJson(): string | null {
    return this.exists() ? readFileSync(this.path, 'utf8') : null
  }

  lock(): WalletStatus {
    this.unlocked = undefined
    return this.status()
  }

  /** The unlocked key connected to `provider`; undefined while locked. */
  signer(provider?: Provider): BaseWallet | undefined {
    if (!this.unlocked) return undefined
    return provider ? this.unlocked.connect(provider) : this.unlocked
  }

  private assertCanStore(password: string) {
    if (this.exists())
      throw chainError(
        'WALLET_EXISTS',
        `A publisher wallet already exists (${this.address() ?? 'unreadable'}); delete ${WALLET_FILE} deliberately to replace it`,
      )
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH)
      throw chainError('WALLET_PASSWORD_WEAK')
  }

  private async store(wallet: BaseWallet | HDNodeWallet, password: string) {
    const account = {
      address: wallet.address,
      privateKey: wallet.privateKey,
      ...(wallet instanceof HDNodeWallet && wallet.mnemonic && wallet.path
        ? { mnemonic: { path: wallet.path, entropy: wallet.mnemonic.entropy, locale: 'en' } }
        : {}),
    }
    const json = await encryptKeystoreJson(account, password, {
      scrypt: { N: this.options.scryptN ?? DEFAULT_SCRYPT_N },
    })
    mkdirSync(this.options.dataDir, { recursive: true })
    writeFileSync(`${this.path}.tmp`, json, { mode: 0o600 })
    renameSync(`${this.path}.tmp`, this.path)
    this.unlocked = new Wallet(wallet.privateKey)
    this.options.logger.info('publisher wallet stored', { address: wallet.address })
  }
}

/**
 * The Provider (node) key: on the dev chain the fixed dev provider account, otherwise the
 * publisher's unlocked wallet (undefined while it is locked: paid compute waits for the unlock).
 */
export function nodeKey(
  mode: 'dev' | 'rpc',
  publisher: PublisherWallet,
  provider?: Provider,
): BaseWallet | undefined {
  if (mode === 'dev') return new Wallet(DEV_ACCOUNTS.provider.privateKey, provider)
  return publisher.signer(provider)
}

export interface Balances {
  address: string
  nativeWei: bigint
  oceanWei?: bigint
  datatokensWei: Record<string, bigint>
}

/** Native coin, OCEAN and datatoken balances of `address`; RPC failures become CHAIN_UNAVAILABLE. */
export async function readBalances(
  provider: Provider,
  endpoint: { chainId: number; rpcUrl: string },
  address: string,
  tokens: { ocean?: string; datatokens?: string[] } = {},
): Promise<Balances> {
  const erc20 = loadAbi('ERC20Template')
  const balanceOf = (token: string) =>
    new Contract(token, erc20, provider).getFunction('balanceOf')(address) as Promise<bigint>
  try {
    const out: Balances = {
      address: getAddress(address),
      nativeWei: await provider.getBalance(address),
      datatokensWei: {},
    }
    if (tokens.ocean) out.oceanWei = await balanceOf(tokens.ocean)
    for (const dt of tokens.datatokens ?? []) out.datatokensWei[getAddress(dt)] = await balanceOf(dt)
    return out
  } catch (error) {
    throw toChainError(error, endpoint)
  }
}

/** Throws INSUFFICIENT_FUNDS when `address` cannot pay for gas (the first thing a new publisher hits). */
export async function assertCanPayGas(
  provider: Provider,
  endpoint: { chainId: number; rpcUrl: string },
  address: string,
): Promise<void> {
  const { nativeWei } = await readBalances(provider, endpoint, address)
  if (nativeWei === 0n) {
    throw chainError(
      'INSUFFICIENT_FUNDS',
      `${getAddress(address)} has no native coin on chain ${endpoint.chainId}: fund it to pay for gas`,
      {
        details: { address: getAddress(address), chainId: endpoint.chainId },
      },
    )
  }
}
