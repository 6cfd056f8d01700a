import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, hashMessage, toBeArray } from 'ethers'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { openDatabase } from '../store/database'
import { AuthTokensRepo } from '../store/auth-tokens-repo'
import { NoncesRepo } from '../store/nonces-repo'
import { AuthTokens, loadAuthTokenSecret } from './auth-tokens'
import { RequestAuth } from './request-auth'
import { requestMessageHash } from './request-signature'
import { codeOf } from '../test/error-code'
import { chainError } from '../chain/chain-errors'
import type { SmartAccountCheck } from '../chain/smart-accounts'

/** A chain where `wallet` is an ERC-1271 account that accepts `accepts` hashes (records every ask). */
function fakeSmartAccounts(wallet: string, accepts: (hash: string) => boolean) {
  const asked: Array<{ address: string; hashes: string[]; chainId?: number }> = []
  const check: SmartAccountCheck = {
    isValidSignature: (input) => {
      asked.push({
        address: input.address,
        hashes: input.hashes,
        ...(input.chainId ? { chainId: input.chainId } : {}),
      })
      return Promise.resolve(input.address === wallet && input.hashes.some(accepts))
    },
  }
  return { check, asked }
}

const alice = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const bob = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')

function harness(smartAccounts?: SmartAccountCheck) {
  const dataDir = mkdtempSync(join(tmpdir(), 'reqauth-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const clock = new FakeClock()
  const nonces = new NoncesRepo(db)
  const tokens = new AuthTokens({
    secret: loadAuthTokenSecret(dataDir),
    repo: new AuthTokensRepo(db),
    clock,
    ttlSec: 60,
  })
  return {
    db,
    clock,
    nonces,
    tokens,
    auth: new RequestAuth({ nonces, tokens, clock, ...(smartAccounts ? { smartAccounts } : {}) }),
  }
}

/** ocean.js 8.x signRequest (spec §3.2). */
function sign(
  wallet: Wallet,
  nonce: number | string,
  command: string,
  address = wallet.address,
): Promise<string> {
  return wallet.signMessage(toBeArray(requestMessageHash(address, nonce, command)))
}

describe('RequestAuth', () => {
  it('accepts a signed command, stores the nonce, and refuses its replay and any older nonce', async () => {
    const h = harness()
    expect(h.auth.currentNonce(alice.address)).toBe('0')
    const fields = {
      consumerAddress: alice.address,
      nonce: '3',
      signature: await sign(alice, 3, 'startCompute'),
    }
    expect(await h.auth.authenticate('startCompute', fields)).toBe(alice.address)
    expect(h.auth.currentNonce(alice.address.toLowerCase())).toBe('3')
    expect(await codeOf(h.auth.authenticate('startCompute', fields))).toBe('NONCE_NOT_INCREASING')
    const older = {
      consumerAddress: alice.address,
      nonce: '2',
      signature: await sign(alice, 2, 'startCompute'),
    }
    expect(await codeOf(h.auth.authenticate('startCompute', older))).toBe('NONCE_NOT_INCREASING')
    expect(h.auth.currentNonce(alice.address)).toBe('3')
  })

  it('does not store the nonce of a wrong signer, another command, or a malformed signature', async () => {
    const h = harness()
    const wrongSigner = {
      consumerAddress: alice.address,
      nonce: '1',
      signature: await sign(bob, 1, 'startCompute', alice.address),
    }
    expect(await codeOf(h.auth.authenticate('startCompute', wrongSigner))).toBe('SIGNATURE_INVALID')
    const otherCommand = {
      consumerAddress: alice.address,
      nonce: '1',
      signature: await sign(alice, 1, 'stopCompute'),
    }
    expect(await codeOf(h.auth.authenticate('startCompute', otherCommand))).toBe('SIGNATURE_INVALID')
    expect(
      await codeOf(
        h.auth.authenticate('startCompute', {
          consumerAddress: alice.address,
          nonce: '1',
          signature: '0xdead',
        }),
      ),
    ).toBe('SIGNATURE_INVALID')
    expect(
      await codeOf(h.auth.authenticate('startCompute', { consumerAddress: alice.address, nonce: '1' })),
    ).toBe('SIGNATURE_INVALID')
    expect(h.nonces.get(alice.address)).toBeUndefined()
  })

  it('refuses a bad address or nonce before looking at the signature', async () => {
    const h = harness()
    const signature = await sign(alice, 1, 'startCompute')
    expect(
      await codeOf(h.auth.authenticate('startCompute', { consumerAddress: 'alice', nonce: '1', signature })),
    ).toBe('ADDRESS_INVALID')
    expect(
      await codeOf(
        h.auth.authenticate('startCompute', { consumerAddress: alice.address, nonce: '-1', signature }),
      ),
    ).toBe('NONCE_NOT_INCREASING')
    expect(
      await codeOf(
        h.auth.authenticate('startCompute', { consumerAddress: alice.address, nonce: '1e3', signature }),
      ),
    ).toBe('NONCE_NOT_INCREASING')
    expect(h.nonces.get(alice.address)).toBeUndefined()
  })

  it('accepts a hash with a leading zero byte signed the ocean.js way (toBeArray, spec §3.2), found by search', async () => {
    const h = harness()
    let nonce = 1
    while (!requestMessageHash(alice.address, nonce, 'freeStartCompute').startsWith('0x00')) nonce += 1
    expect(toBeArray(requestMessageHash(alice.address, nonce, 'freeStartCompute')).length).toBeLessThan(32)
    const fields = {
      consumerAddress: alice.address,
      nonce: String(nonce),
      signature: await sign(alice, nonce, 'freeStartCompute'),
    }
    expect(await h.auth.authenticate('freeStartCompute', fields)).toBe(alice.address)
    expect(h.auth.currentNonce(alice.address)).toBe(String(nonce))
  })

  it('accepts a numeric nonce and nonces beyond 2^53', async () => {
    const h = harness()
    expect(
      await h.auth.authenticate('x', {
        consumerAddress: alice.address,
        nonce: 7,
        signature: await sign(alice, 7, 'x'),
      }),
    ).toBe(alice.address)
    const big = '9007199254740993123'
    expect(
      await h.auth.authenticate('x', {
        consumerAddress: alice.address,
        nonce: big,
        signature: await sign(alice, big, 'x'),
      }),
    ).toBe(alice.address)
    expect(h.auth.currentNonce(alice.address)).toBe(big)
  })

  it('accepts an auth token (bare or Bearer) instead of a signature, and ignores the literal "undefined"', async () => {
    const h = harness()
    const { token } = await h.tokens.issue(alice.address)
    expect(await h.auth.authenticate('stopCompute', {}, token)).toBe(alice.address)
    expect(
      await h.auth.authenticate('stopCompute', { consumerAddress: alice.address }, `Bearer ${token}`),
    ).toBe(alice.address)
    expect(await codeOf(h.auth.authenticate('stopCompute', { consumerAddress: bob.address }, token))).toBe(
      'AUTH_TOKEN_INVALID',
    )
    expect(await codeOf(h.auth.authenticate('stopCompute', {}, 'not-a-jwt'))).toBe('AUTH_TOKEN_INVALID')
    // "undefined" is no token: the signature path answers (here: no address).
    expect(await codeOf(h.auth.authenticate('stopCompute', {}, 'undefined'))).toBe('ADDRESS_INVALID')
    expect(h.nonces.get(alice.address)).toBeUndefined()
  })

  it('a token for an expired or revoked grant is refused', async () => {
    const h = harness()
    const { token } = await h.tokens.issue(alice.address)
    h.clock.advance(61_000)
    expect(await codeOf(h.auth.authenticate('stopCompute', {}, token))).toBe('AUTH_TOKEN_INVALID')
    const { token: second } = await h.tokens.issue(alice.address)
    await h.tokens.revoke(second, alice.address)
    expect(await codeOf(h.auth.authenticate('stopCompute', {}, second))).toBe('AUTH_TOKEN_INVALID')
  })

  it('authenticateAny accepts any of the listed command texts (ocean.js command-less invalidate)', async () => {
    const h = harness()
    const fields = { consumerAddress: alice.address, nonce: '1', signature: await sign(alice, 1, '') }
    expect(await h.auth.authenticateAny(['', 'invalidateAuthToken'], fields)).toBe(alice.address)
    const second = { consumerAddress: alice.address, nonce: '2', signature: await sign(alice, 2, 'other') }
    expect(await codeOf(h.auth.authenticateAny(['', 'invalidateAuthToken'], second))).toBe(
      'SIGNATURE_INVALID',
    )
  })

  describe('ERC-1271 smart accounts', () => {
    const walletAddress = '0x' + 'ab'.repeat(20)

    it("asks the wallet only when recovery does not give the claimed address, with Ocean Node's two hashes in order", async () => {
      const message = walletAddress + '4' + 'startCompute'
      const fake = fakeSmartAccounts(walletAddress, (hash) => hash === hashMessage(message))
      const h = harness(fake.check)
      // An EOA's own signature: the chain is never asked.
      await h.auth.authenticate('startCompute', {
        consumerAddress: alice.address,
        nonce: '1',
        signature: await sign(alice, 1, 'startCompute'),
      })
      expect(fake.asked).toEqual([])
      // The wallet's owner signs; recovery gives the owner, not the wallet: ERC-1271 decides.
      const fields = {
        consumerAddress: walletAddress,
        nonce: '4',
        signature: await sign(bob, 4, 'startCompute', walletAddress),
        chainId: 8996,
      }
      expect(await h.auth.authenticate('startCompute', fields)).toBe(walletAddress)
      expect(fake.asked).toEqual([
        {
          address: walletAddress,
          hashes: [requestMessageHash(walletAddress, 4, 'startCompute'), hashMessage(message)],
          chainId: 8996,
        },
      ])
      expect(h.auth.currentNonce(walletAddress)).toBe('4')
    })

    it('refuses when the wallet says no, and says CHAIN_UNAVAILABLE when the chain cannot tell; no nonce spent', async () => {
      const no = harness(fakeSmartAccounts(walletAddress, () => false).check)
      const fields = {
        consumerAddress: walletAddress,
        nonce: '2',
        signature: await sign(bob, 2, 'startCompute', walletAddress),
      }
      expect(await codeOf(no.auth.authenticate('startCompute', fields))).toBe('SIGNATURE_INVALID')
      expect(no.auth.currentNonce(walletAddress)).toBe('0')
      const down = harness({
        isValidSignature: () => Promise.reject(chainError('CHAIN_UNAVAILABLE', 'RPC unreachable')),
      })
      expect(await codeOf(down.auth.authenticate('startCompute', fields))).toBe('CHAIN_UNAVAILABLE')
      expect(down.auth.currentNonce(walletAddress)).toBe('0')
    })
  })
})
