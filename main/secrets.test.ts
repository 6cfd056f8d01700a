import { describe, it, expect, afterEach } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeSafeStorage } from './test/fake-electron'
import { SecretName, SecretStore } from './secrets'

const dirs: string[] = []
const userData = () => {
  const d = mkdtempSync(join(tmpdir(), 'c2d-secrets-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('secret store (safeStorage)', () => {
  it('stores the wallet password encrypted, 0600, and gives it to the engine', () => {
    const dir = userData()
    const store = new SecretStore(new FakeSafeStorage(), dir, 'linux')
    store.save(SecretName.WalletPassword, 'correct horse battery')
    const file = join(dir, 'secrets', 'wallet-password.bin')
    expect(readFileSync(file).toString('latin1')).not.toContain('correct horse')
    expect(statSync(file).mode & 0o077).toBe(0)
    expect(new SecretStore(new FakeSafeStorage(), dir, 'linux').forEngine()).toEqual({
      walletPassword: 'correct horse battery',
    })
    store.delete(SecretName.WalletPassword)
    expect(store.forEngine()).toEqual({})
  })

  it('refuses to store when the OS has no real encryption (Linux basic_text) or none at all', () => {
    expect(() =>
      new SecretStore(new FakeSafeStorage(true, 'basic_text'), userData(), 'linux').save(
        SecretName.WalletPassword,
        'pw',
      ),
    ).toThrow(/keyring/)
    expect(() =>
      new SecretStore(new FakeSafeStorage(false), userData(), 'darwin').save(SecretName.WalletPassword, 'pw'),
    ).toThrow(/no encryption/)
    expect(new SecretStore(new FakeSafeStorage(true, 'basic_text'), userData(), 'darwin').status()).toEqual({
      isAvailable: true,
    })
  })

  it('treats an undecryptable secret as absent (ask again) instead of failing the start', () => {
    const dir = userData()
    const store = new SecretStore(new FakeSafeStorage(), dir, 'linux')
    store.save(SecretName.WalletPassword, 'pw')
    writeFileSync(join(dir, 'secrets', 'wallet-password.bin'), 'garbage')
    expect(store.read(SecretName.WalletPassword)).toBeUndefined()
  })
})
