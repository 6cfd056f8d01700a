// Parts of the console that did not start (or cannot do on-chain work) answer by code, never crash,
// and an on-chain command for an asset this console does not hold reaches no port.
import { describe, it, expect } from 'vitest'
import { isC2dError } from '../c2d-error'
import { dispatchConsoleCall } from './dispatch'
import { createFakePorts } from './fake-ports'
import { createConsoleService, type ConsoleAssetPort } from './service'

const did = 'did:op:' + 'c'.repeat(64)
const to = '0x' + 'a'.repeat(40)

describe('console service: issue 6 methods without their ports', () => {
  it('answers NOT_AVAILABLE when publishing did not start', async () => {
    const ports = createFakePorts()
    const service = createConsoleService({ ...ports, assets: undefined })
    for (const [method, input] of [
      ['getBalances', {}],
      ['mintDatatokens', { did, to, amount: '1', confirm: true }],
      ['setAssetState', { did, state: 'revoked', confirm: true }],
    ] as const) {
      expect(await dispatchConsoleCall(service, method, input)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AVAILABLE' },
      })
    }
  })

  it('answers NOT_AVAILABLE for an asset port without on-chain actions, after the asset check', async () => {
    const ports = createFakePorts()
    const listOnly: ConsoleAssetPort = {
      list: ports.assets!.list,
      publish: ports.assets!.publish,
      remove: ports.assets!.remove,
    }
    const service = createConsoleService({ ...ports, assets: listOnly })
    await service.createWallet({ password: 'correct horse', confirm: true })
    const { asset } = await service.publishAsset({
      draft: {
        kind: 'dataset',
        name: 'A',
        description: '',
        author: '',
        license: 'MIT',
        service: {
          files: [{ type: 'local', path: '/data/a.csv' }],
          timeoutSec: 0,
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: [],
          publisherTrustedAlgorithms: [],
        },
      },
    })
    for (const call of [
      () => service.setAssetState({ did: asset.did, state: 'revoked', confirm: true }),
      () => service.getAssetState({ did: asset.did }),
      () => service.mintDatatokens({ did: asset.did, to, amount: '1', confirm: true }),
      () => service.createDispenser({ did: asset.did, maxTokens: '1', maxBalance: '1', confirm: true }),
      () => service.createFixedRate({ did: asset.did, price: '1', confirm: true }),
      () => service.getBalances({}),
    ]) {
      const error = await call().catch((e: unknown) => e)
      expect(isC2dError(error) && error.code).toBe('NOT_AVAILABLE')
    }
    // An unknown DID is named as such before the missing port is.
    const unknown = await service
      .mintDatatokens({ did, to, amount: '1', confirm: true })
      .catch((e: unknown) => e)
    expect(isC2dError(unknown) && unknown.code).toBe('ASSET_NOT_FOUND')
    expect(ports.chainActions).toEqual([])
  })

  it('answers NOT_AVAILABLE for a wallet that cannot import a mnemonic, WALLET_EXISTS when one exists', async () => {
    const ports = createFakePorts()
    const { importMnemonic: _unused, ...withoutMnemonic } = ports.wallet!
    void _unused
    const mnemonic = 'test test test test test test test test test test test junk'
    const noMnemonic = createConsoleService({ ...ports, wallet: withoutMnemonic })
    expect(
      await dispatchConsoleCall(noMnemonic, 'importMnemonic', {
        mnemonic,
        password: 'correct horse',
        confirm: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } })
    const service = createConsoleService(ports)
    await service.createWallet({ password: 'correct horse', confirm: true })
    expect(
      await dispatchConsoleCall(service, 'importMnemonic', {
        mnemonic,
        password: 'correct horse',
        confirm: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'WALLET_EXISTS' } })
    expect(ports.importedSecret()).toBe('')
  })
})

describe('console service: wallet lock and export (issue 11)', () => {
  it('locks the wallet and keeps its address known; exports the encrypted keystore only with confirm', async () => {
    const ports = createFakePorts()
    const service = createConsoleService(ports)
    const created = await service.createWallet({ password: 'correct horse', confirm: true })
    expect(await dispatchConsoleCall(service, 'lockWallet', {})).toEqual({
      ok: true,
      value: { state: 'locked', address: created.address },
    })
    expect((await service.getSettings({})).walletAddress).toBe(created.address)
    expect(await dispatchConsoleCall(service, 'exportWallet', {})).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
    const exported = await dispatchConsoleCall(service, 'exportWallet', { confirm: true })
    expect(exported).toMatchObject({ ok: true, value: { address: created.address } })
    expect(JSON.stringify(exported)).not.toMatch(/privateKey|mnemonic/)
  })

  it('refuses an edit while the wallet is locked, and asks for confirm', async () => {
    const ports = createFakePorts()
    const edits: unknown[] = []
    const service = createConsoleService({
      ...ports,
      assets: {
        ...ports.assets!,
        list: () => [
          {
            did,
            kind: 'dataset',
            name: 'A',
            chainId: 8996,
            nftAddress: to,
            datatokenAddress: to,
            state: 0,
            serviceIds: ['s'],
            createdAtMs: 1,
            updatedAtMs: 1,
          },
        ],
        edit: async (_did, changes) => (edits.push(changes), undefined as never),
      },
    })
    const input = { did, changes: { publisherTrustedAlgorithms: [] }, confirm: true }
    expect(await dispatchConsoleCall(service, 'editAsset', { ...input, confirm: false })).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
    expect(await dispatchConsoleCall(service, 'editAsset', input)).toMatchObject({
      ok: false,
      error: { code: 'WALLET_LOCKED' },
    })
    expect(edits).toEqual([])
  })
})
