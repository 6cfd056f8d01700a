/**
 * Publisher-control suite (control, issue 12):
 *  - receipt signing time per job (EIP-712, the Provider key, a two-file receipt);
 *  - audit append cost on a signed start: the start's signature check (ethers verifyMessage of an
 *    ocean.js-style start message) alone, beside the same plus one audit append to a file-backed
 *    SQLite store (WAL, synchronous=FULL, as the console opens it). Not a whole HTTP start: the
 *    Provider's other start work is the same with or without the trail;
 *  - audit verify time over N rows (`BENCH_AUDIT_ROWS`, default 1,000,000; seeded in one
 *    transaction so seeding does not dominate), reported as total seconds and rows/second.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Wallet, solidityPackedKeccak256, getBytes, verifyMessage } from 'ethers'
import { sha256Hex0x, signJobReceipt } from '../engine/chain/job-receipt'
import { AuditEventType, AuditRepo } from '../engine/store/audit-repo'
import { openDatabase } from '../engine/store/database'
import type { BenchRow } from './bench-row'

const SUITE = 'control'
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000)

export default async function control(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const key = new Wallet('0x' + '33'.repeat(32))
  const out = new Uint8Array(1024 * 1024)

  // Receipt signing per job.
  const N_SIGN = 200
  const t0 = performance.now()
  for (let i = 0; i < N_SIGN; i++) {
    await signJobReceipt(key, 8996, {
      provider: key.address,
      jobId: `job${i}`,
      consumer: key.address,
      datasets: [{ did: 'did:op:' + 'a'.repeat(64), serviceId: 's', filesChecksum: 'f'.repeat(64) }],
      algorithm: {
        did: 'did:op:' + 'b'.repeat(64),
        rawCodeHash: '',
        filesChecksum: 'c',
        containerChecksum: 'd',
        image: 'node',
        tag: '20',
      },
      environment: 'env',
      resources: '{"cpu":1}',
      startedAtSec: 1,
      endedAtSec: 2,
      outcome: 'succeeded',
      files: [
        { name: 'outputs.tar', sha256: sha256Hex0x(out), sizeBytes: String(out.length) },
        { name: 'algorithm.log', sha256: sha256Hex0x(out.subarray(0, 100)), sizeBytes: '100' },
      ],
      payment: { token: '', amountWei: '0', lockTx: '', claimTx: '' },
    })
  }
  rows.push({
    suite: SUITE,
    name: 'receipt signing per job (EIP-712, incl. sha256 of a 1 MiB output)',
    value: (performance.now() - t0) / N_SIGN,
    unit: 'ms',
  })

  // Signed start: signature check alone, and with one audit append.
  const dir = mkdtempSync(join(tmpdir(), 'bench-control-'))
  try {
    const db = openDatabase({ file: join(dir, 'console.db') })
    const audit = new AuditRepo(db)
    const N_START = 300
    const signed = await Promise.all(
      Array.from({ length: N_START }, async (_, i) => {
        const message = solidityPackedKeccak256(['string'], [key.address + 'did:op:x' + String(i + 1)])
        return { message, signature: await key.signMessage(getBytes(message)) }
      }),
    )
    let t = performance.now()
    for (const s of signed) verifyMessage(getBytes(s.message), s.signature)
    const bare = (performance.now() - t) / N_START
    t = performance.now()
    let i = 0
    for (const s of signed) {
      const who = verifyMessage(getBytes(s.message), s.signature)
      audit.append(
        {
          type: AuditEventType.AccessAccepted,
          actor: who,
          subject: `job${i++}`,
          details: { endpoint: 'computeStart', status: 200 },
        },
        Date.now(),
      )
    }
    const withAudit = (performance.now() - t) / N_START
    rows.push({
      suite: SUITE,
      name: 'signed start check + audit append (file DB, synchronous=FULL)',
      value: withAudit,
      unit: 'ms',
      baseline: { name: 'signed start check alone', value: bare },
      note: `append adds ${(withAudit - bare).toFixed(3)} ms per start`,
    })
    db.close()

    // Verify over many rows.
    const big = openDatabase({ file: join(dir, 'big.db') })
    const repo = new AuditRepo(big)
    t = performance.now()
    big.transaction(() => {
      for (let n = 0; n < ROWS; n++)
        repo.append(
          {
            type: AuditEventType.ResultDownloaded,
            actor: key.address,
            subject: `job${n}`,
            details: { index: 0, bytes: n },
          },
          n,
        )
    })()
    const seedSec = (performance.now() - t) / 1000
    t = performance.now()
    const result = repo.verify()
    const verifySec = (performance.now() - t) / 1000
    if (!result.ok) throw new Error(`bench chain did not verify: ${result.reason}`)
    rows.push({
      suite: SUITE,
      name: `audit verify, ${ROWS.toLocaleString('en')} rows`,
      value: verifySec,
      unit: 's',
      note: `${Math.round(ROWS / verifySec).toLocaleString('en')} rows/s; seeding took ${seedSec.toFixed(1)} s`,
    })
    big.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
