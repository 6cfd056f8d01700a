import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet } from 'ethers'
import { sha256Hex0x, signJobReceipt } from '../chain/job-receipt'
import { runVerifyReceipt } from './verify-receipt'

const provider = new Wallet('0x' + '22'.repeat(32))

async function fixture(chainId = 8996) {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-cli-'))
  const output = Buffer.from('a tar, in spirit')
  const receipt = await signJobReceipt(provider, chainId, {
    provider: provider.address,
    jobId: 'j1',
    consumer: provider.address,
    datasets: [],
    algorithm: {
      did: '',
      rawCodeHash: 'ab',
      filesChecksum: '',
      containerChecksum: '',
      image: 'node',
      tag: '20',
    },
    environment: 'env',
    resources: '{}',
    startedAtSec: 1,
    endedAtSec: 2,
    outcome: 'succeeded',
    files: [{ name: 'outputs.tar', sha256: sha256Hex0x(output), sizeBytes: String(output.length) }],
    payment: { token: '', amountWei: '0', lockTx: '', claimTx: '' },
  })
  writeFileSync(join(dir, 'receipt.json'), JSON.stringify(receipt))
  writeFileSync(join(dir, 'outputs.tar'), output)
  return dir
}

async function run(args: string[], root: unknown = { providerAddress: provider.address }) {
  const out: string[] = []
  const err: string[] = []
  const fetched: string[] = []
  const code = await runVerifyReceipt(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    fetchJson: async (url) => (fetched.push(url), root),
  })
  return { code, out: out.join('\n'), err: err.join('\n'), fetched }
}

describe('npm run verify-receipt', () => {
  it("accepts a receipt against the Provider's root document, and refuses a changed output byte", async () => {
    const dir = await fixture()
    const args = [join(dir, 'receipt.json'), join(dir, 'outputs.tar'), '--provider', 'http://127.0.0.1:8001/']
    const ok = await run(args)
    expect(ok).toMatchObject({ code: 0, fetched: ['http://127.0.0.1:8001/'] })
    expect(ok.out).toMatch(/receipt OK/)

    writeFileSync(join(dir, 'outputs.tar'), Buffer.from('a tar, in spirjt'))
    const bad = await run(args)
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^receipt REFUSED: outputs\.tar: sha256 .* differs/)
  })

  it('refuses another provider and bad usage', async () => {
    const dir = await fixture()
    const other = await run([join(dir, 'receipt.json'), '--provider', 'http://x'], {
      providerAddress: Wallet.createRandom().address,
    })
    expect(other.code).toBe(1)
    expect(other.err).toMatch(/not by the Provider/)
    expect((await run([join(dir, 'receipt.json')])).code).toBe(2)
  })

  it("checks the receipt's chain against the Provider's chainIds and providerAddresses", async () => {
    const dir = await fixture(8997)
    const args = [join(dir, 'receipt.json'), join(dir, 'outputs.tar'), '--provider', 'http://127.0.0.1:8001']
    const other = Wallet.createRandom().address
    // The address the root document gives for the receipt's own chain is the one that must have signed.
    const both = {
      providerAddress: other,
      chainIds: ['8996', '8997'],
      providerAddresses: { 8996: other, 8997: provider.address },
    }
    const ok = await run(args, both)
    expect(ok).toMatchObject({ code: 0 })
    expect(ok.out).toMatch(/on chain 8997/)
    expect((await run([...args, '--chain-id', '8997'], both)).code).toBe(0)
    const wanted = await run([...args, '--chain-id', '8996'], both)
    expect(wanted).toMatchObject({
      code: 1,
      err: 'receipt REFUSED: the receipt names chain 8997, not chain 8996',
    })
    const unserved = await run(args, { providerAddress: provider.address, chainIds: ['8996'] })
    expect(unserved.code).toBe(1)
    expect(unserved.err).toMatch(/names chain 8997, which the Provider does not serve/)
    // The chain id altered in the file: the signature no longer recovers the Provider.
    const receipt = JSON.parse(readFileSync(join(dir, 'receipt.json'), 'utf8'))
    receipt.domain.chainId = 8996
    writeFileSync(join(dir, 'receipt.json'), JSON.stringify(receipt))
    const altered = await run(args, {
      ...both,
      providerAddresses: { 8996: provider.address, 8997: provider.address },
    })
    expect(altered.code).toBe(1)
    expect(altered.err).toMatch(/not by the Provider/)
    expect((await run([...args, '--chain-id', 'x'], both)).code).toBe(2)
  })
})
