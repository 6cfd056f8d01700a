/**
 * Publisher-control suite (control, issue 12):
 *  - receipt signing time per job (EIP-712, the Provider key, a two-file receipt);
 *  - audit append cost on a signed start: the start's signature check (ethers verifyMessage of an
 *    ocean.js-style start message) alone, beside the same plus one audit append to a file-backed
 *    SQLite store (WAL, synchronous=FULL, as the console opens it). Not a whole HTTP start: the
 *    Provider's other start work is the same with or without the trail;
 *  - the leak check of the review screen (output-review.ts) on a 100 MB input CSV with a 10 MB
 *    outputs.tar (1,000 of its lines copied from the input): wall time and peak RSS above the
 *    process's level before it (sampled every 20 ms while the check runs);
 *  - audit verify time over N rows (`BENCH_AUDIT_ROWS`, default 1,000,000; seeded in one
 *    transaction so seeding does not dominate), reported as total seconds and rows/second.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { create as createTar } from 'tar'
import { systemClock } from '../engine/clock'
import { reviewOutputs } from '../engine/operator-service/output-review'
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

    rows.push(...(await leakCheckRows(dir)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

const INPUT_BYTES = 100 * 1000 * 1000
const OUTPUT_BYTES = 10 * 1000 * 1000
const COPIED_LINES = 1000

/** Leak check on a 100 MB input and a 10 MB output; see the header. */
async function leakCheckRows(dir: string): Promise<BenchRow[]> {
  const input = join(dir, 'input.csv')
  const copied: string[] = []
  const stream = createWriteStream(input)
  let written = 0
  let n = 0
  while (written < INPUT_BYTES) {
    const lines: string[] = []
    for (let k = 0; k < 10_000; k++, n++)
      lines.push(
        `station-${n % 977},2026-01-${String((n % 28) + 1).padStart(2, '0')},${(n * 7919) % 100003},row-${n}`,
      )
    if (copied.length < COPIED_LINES) copied.push(...lines.slice(0, 10))
    const chunk = lines.join('\n') + '\n'
    written += chunk.length
    if (!stream.write(chunk)) await once(stream, 'drain')
  }
  stream.end()
  await once(stream, 'finish')

  const jobDir = join(dir, 'job')
  mkdirSync(join(jobDir, 'outputs'), { recursive: true })
  mkdirSync(join(jobDir, 'results'), { recursive: true })
  const out: string[] = copied.slice(0, COPIED_LINES)
  let outBytes = out.reduce((sum, l) => sum + l.length + 1, 0)
  for (let k = 0; outBytes < OUTPUT_BYTES; k++) {
    const line = `aggregate-${k},mean=${(k * 31) % 997},count=${k % 4093},bucket=${k.toString(36)}`
    out.push(line)
    outBytes += line.length + 1
  }
  writeFileSync(join(jobDir, 'outputs', 'result.csv'), out.join('\n') + '\n')
  createTar({ file: join(jobDir, 'results', 'outputs.tar'), cwd: jobDir, sync: true }, ['outputs'])

  global.gc?.()
  const baseRss = process.memoryUsage().rss
  let peakRss = baseRss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 20)
  const t = performance.now()
  const review = await reviewOutputs({
    resultsDir: join(jobDir, 'results'),
    inputFiles: [input],
    limits: { minLineLength: 16, outputIndexBytesMax: 64 * 1024 * 1024, timeBudgetMs: 600_000 },
    clock: systemClock,
  })
  const seconds = (performance.now() - t) / 1000
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const leak = review.guards.find((g) => g.id === 'output-leak')!
  if (leak.status !== 'flag' || !leak.message.startsWith(`${COPIED_LINES} line(s)`))
    throw new Error(`bench leak check missed the copied lines: ${leak.message}`)
  return [
    {
      suite: SUITE,
      name: 'leak check, 100 MB input vs 10 MB outputs.tar (review screen)',
      value: seconds,
      unit: 's',
      note: `${(INPUT_BYTES / 1e6 / seconds).toFixed(1)} MB/s of input; found all ${COPIED_LINES} copied lines`,
    },
    {
      suite: SUITE,
      name: 'leak check peak memory above the process before it',
      value: (peakRss - baseRss) / (1024 * 1024),
      unit: 'MiB',
      note: 'output lines indexed as an exact set (bounded at 64 MiB of lines); the input is streamed',
    },
  ]
}
