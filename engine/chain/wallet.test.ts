import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { MemoryLogger } from '../logging'
import { DEV_ACCOUNTS } from './dev-chain/dev-accounts'
import { PublisherWallet, WALLET_FILE, nodeKey } from './wallet'

// Low scrypt cost keeps the suite fast; the production default (2^17) is exercised by nothing here.
const make = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'c2d-wallet-'))
  const logger = new MemoryLogger()
  return { dataDir, logger, wallet: new PublisherWallet({ dataDir, logger, scryptN: 1024 }) }
}
const KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba'

describe('PublisherWallet', () => {
  it('stores an imported key only as an encrypted keystore and returns the address only', async () => {
    const { dataDir, logger, wallet } = make()
    const status = await wallet.importKey(KEY, 'correct horse')
    expect(status).toEqual({ state: 'unlocked', address: new Wallet(KEY).address })
    const file = readFileSync(join(dataDir, WALLET_FILE), 'utf8')
    expect(file.toLowerCase()).not.toContain(KEY.slice(2))
    const keystore = JSON.parse(file) as { Crypto?: { kdf: string }; crypto?: { kdf: string } }
    expect((keystore.Crypto ?? keystore.crypto)?.kdf).toBe('scrypt')
    expect(statSync(join(dataDir, WALLET_FILE)).mode & 0o077).toBe(0)
    expect(JSON.stringify(logger.lines)).not.toContain(KEY.slice(2))
    expect(JSON.stringify(status)).not.toContain(KEY.slice(2))
  })

  it('a wrong password fails with WALLET_PASSWORD_WRONG and changes nothing', async () => {
    const { dataDir, wallet } = make()
    await wallet.importKey(KEY, 'correct horse')
    const before = readFileSync(join(dataDir, WALLET_FILE))
    const reopened = new PublisherWallet({ dataDir, logger: new MemoryLogger() })
    expect(reopened.status()).toEqual({ state: 'locked', address: new Wallet(KEY).address })
    const error = await reopened.unlock('wrong battery').catch((e: unknown) => e)
    expect(isC2dError(error) && error.code).toBe('WALLET_PASSWORD_WRONG')
    expect(isC2dError(error) && error.status).toBe(401)
    expect(reopened.status().state).toBe('locked')
    expect(reopened.signer()).toBeUndefined()
    expect(readFileSync(join(dataDir, WALLET_FILE)).equals(before)).toBe(true)
    await reopened.unlock('correct horse')
    expect(reopened.signer()?.address).toBe(new Wallet(KEY).address)
  })

  it('creates a random key, refuses to overwrite it, and refuses weak passwords and bad keys', async () => {
    const { dataDir, wallet } = make()
    const created = await wallet.create('long enough')
    expect(created.state).toBe('unlocked')
    const before = readFileSync(join(dataDir, WALLET_FILE))
    const again = await wallet.importKey(KEY, 'long enough').catch((e: unknown) => e)
    expect(isC2dError(again) && again.code).toBe('WALLET_EXISTS')
    expect(readFileSync(join(dataDir, WALLET_FILE)).equals(before)).toBe(true)

    const other = make().wallet
    const weak = await other.create('short').catch((e: unknown) => e)
    expect(isC2dError(weak) && weak.code).toBe('WALLET_PASSWORD_WEAK')
    const bad = await other.importKey('0x1234', 'long enough').catch((e: unknown) => e)
    expect(isC2dError(bad) && bad.code).toBe('WALLET_KEY_INVALID')
    expect(isC2dError(bad) && bad.message).not.toContain('1234')
    expect(other.exists()).toBe(false)
  })

  it('imports a mnemonic as its first account', async () => {
    const { dataDir, wallet } = make()
    const phrase = 'test test test test test test test test test test test junk'
    const status = await wallet.importMnemonic(phrase, 'long enough')
    expect(status.address).toBe(DEV_ACCOUNTS.deployer.address)
    expect(readFileSync(join(dataDir, WALLET_FILE), 'utf8')).not.toContain('junk')
  })

  it('the node key is the dev provider account on the dev chain, else the unlocked publisher', async () => {
    const { wallet } = make()
    expect(nodeKey('dev', wallet)?.address).toBe(DEV_ACCOUNTS.provider.address)
    expect(nodeKey('rpc', wallet)).toBeUndefined()
    await wallet.importKey(KEY, 'long enough')
    expect(nodeKey('rpc', wallet)?.address).toBe(new Wallet(KEY).address)
  })
})
