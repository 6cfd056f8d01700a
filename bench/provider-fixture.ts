/**
 * The store and Provider the provider bench measures: a real core (`startCore`, chain off, a
 * FakeDriver so nothing runs) in a temp data dir, with 10,000 finished jobs.
 *  - One owner (the first signer) has 5 jobs registered through the real Operator-Service and
 *    driven to 70 by the FakeDriver; one of them published a 1 MiB result file through the same
 *    path a driver uses (results/ + `outputs-collected`). Every bench signer may read it
 *    (additionalViewers), so each load connection can sign with its own address.
 *  - The other jobs are written straight into the store in one transaction, as copies of one of
 *    those real records (same shape and size, other ids, owners and times), spread over 199 owners.
 *    Registering 10,000 jobs one by one would take ~35 s of fsyncs, most of this suite's budget.
 * The per-IP limit on signed commands is raised far above what a run sends (see `RATE_LIMIT`).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Wallet,
  getAddress,
  hexlify,
  keccak256,
  solidityPackedKeccak256,
  toBeArray,
  toUtf8Bytes,
} from 'ethers'
import { loadConfig } from '../engine/config/load'
import { startCore, type Core } from '../engine/index'
import { silentLogger } from '../engine/logging'
import type { JobRecord } from '../engine/operator-service/job-record'
import type { JobStatus } from '../engine/operator-service/job-status'
import { jobDirOf } from '../engine/operator-service/results'
import { openDatabase } from '../engine/store/database'
import { JobsRepo } from '../engine/store/jobs-repo'
import { FakeDriver, HAPPY_STORY } from '../engine/test/fake-driver'
import { rawCodeJobInput } from '../engine/test/job-inputs'
import type { LoadRequest } from './provider-load-client'

/** Signed commands per IP per minute in the bench config (default 120): every request here comes from 127.0.0.1. */
export const RATE_LIMIT_PER_MINUTE = 1_000_000_000
const OWNER_JOB_COUNT = 5
const OTHER_OWNER_COUNT = 199

export interface ProviderFixture {
  core: Core
  providerUrl: string
  /** signers[0] owns the 5 jobs; all of them may read the result job. */
  signers: Wallet[]
  /** A finished job of signers[0] without a big result (the computeStatus lookup). */
  statusJobId: string
  /** The finished job of signers[0] whose result index 0 is `resultBytes`. */
  resultJobId: string
  resultBytes: Buffer
  jobCount: number
  close(): Promise<void>
}

function waitForStatus(core: Core, jobId: string, status: JobStatus, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      off()
      clearTimeout(timer)
      resolve()
    }
    const off = core.operatorService.onDidChangeJob((change) => {
      if (change.job.jobId === jobId && change.to === status) done()
    })
    const timer = setTimeout(() => {
      off()
      reject(
        new Error(
          `bench job ${jobId} did not reach status ${status} (at ${core.operatorService.getJob(jobId)?.status})`,
        ),
      )
    }, timeoutMs)
    if (core.operatorService.getJob(jobId)?.status === status) done()
  })
}

/** Deterministic keys: the same addresses every run, none of them anyone's real account. */
function benchSigner(index: number): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`c2d provider bench signer ${index}`)))
}

export async function startProviderFixture(options: {
  jobCount: number
  signerCount: number
  resultSizeBytes: number
}): Promise<ProviderFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-provider-'))
  const driver = new FakeDriver()
  driver.defaultScript = [
    ...HAPPY_STORY,
    {
      kind: 'outputs-collected',
      results: [
        { filename: 'outputs.tar', filesizeBytes: 2048, type: 'output' },
        { filename: 'algorithm.log', filesizeBytes: 312, type: 'algorithmLog' },
      ],
    },
  ]
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      chain: { mode: 'off' },
      provider: {
        port: 0,
        rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
        requestsPerMinute: RATE_LIMIT_PER_MINUTE,
      },
      operatorApi: { enabled: false },
      logLevel: 'silent',
    },
  })
  const core = await startCore(config, { driver, listenConsole: false, logger: silentLogger })
  try {
    const signers = Array.from({ length: options.signerCount }, (_, i) => benchSigner(i))
    const owner = signers[0]!.address

    // The owner's jobs, through the real service and driver path.
    const ownerJobIds: string[] = []
    for (let i = 0; i < OWNER_JOB_COUNT - 1; i++) {
      const jobId = randomUUID().replaceAll('-', '')
      const reached = waitForStatus(core, jobId, 70)
      core.operatorService.registerJob(rawCodeJobInput({ jobId, code: 'console.log(1)', owner }))
      await reached
      ownerJobIds.push(jobId)
    }
    const resultJobId = randomUUID().replaceAll('-', '')
    driver.scripts.set(resultJobId, HAPPY_STORY) // stops at 60 (publishing): the result is written next
    const publishing = waitForStatus(core, resultJobId, 60)
    core.operatorService.registerJob({
      ...rawCodeJobInput({ jobId: resultJobId, code: 'console.log(1)', owner }),
      additionalViewers: signers.slice(1).map((s) => s.address),
    })
    await publishing
    const resultBytes = randomBytes(options.resultSizeBytes)
    const collected = driver.writeResult(resultJobId, 'result.bin', resultBytes, 'output')
    const finished = waitForStatus(core, resultJobId, 70)
    driver.play(resultJobId, [{ kind: 'outputs-collected', results: [collected] }])
    await finished

    // Everyone else's jobs: copies of a real finished record, in one transaction.
    const template = core.operatorService.getJob(ownerJobIds[0]!)!
    const owners = Array.from({ length: OTHER_OWNER_COUNT }, (_, i) =>
      getAddress('0x' + keccak256(toUtf8Bytes(`bench owner ${i}`)).slice(26)),
    )
    const seedCount = options.jobCount - OWNER_JOB_COUNT
    const db = openDatabase({ file: join(dataDir, 'console.db') })
    try {
      const repo = new JobsRepo(db)
      const nowMs = Date.now()
      db.transaction(() => {
        for (let i = 0; i < seedCount; i++) {
          const jobId = randomUUID().replaceAll('-', '')
          const createdAtMs = nowMs - (seedCount - i) * 60_000
          const record: JobRecord = {
            ...template,
            jobId,
            owner: owners[i % owners.length]!,
            createdAtMs,
            updatedAtMs: createdAtMs + 30_000,
            finishedAtMs: createdAtMs + 30_000,
            algoStartMs: createdAtMs + 5_000,
            algoStopMs: createdAtMs + 25_000,
            spec: { ...template.spec, jobId, jobDir: jobDirOf(dataDir, jobId) },
          }
          repo.insert({
            jobId,
            owner: record.owner,
            environmentId: record.environmentId,
            status: record.status,
            outcomeKind: record.outcome?.kind ?? null,
            isFree: record.isFree,
            agreementId: record.agreementId,
            createdAtMs,
            updatedAtMs: record.updatedAtMs,
            finishedAtMs: record.finishedAtMs,
            record,
          })
        }
      })()
    } finally {
      db.close()
    }
    const jobCount = core.operatorService.countJobs({})
    if (jobCount !== options.jobCount)
      throw new Error(`bench store holds ${jobCount} jobs, expected ${options.jobCount}`)

    return {
      core,
      providerUrl: core.providerUrl,
      signers,
      statusJobId: ownerJobIds[0]!,
      resultJobId,
      resultBytes,
      jobCount,
      close: async () => {
        await core.stop()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await core.stop()
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

/**
 * `count` computeResult requests signed as ocean.js 8 signs them (spec §3.2: keccak of
 * address + nonce + command, `signMessage(toBeArray(hash))`), nonces firstNonce, firstNonce+1, …
 * in the query order of ocean.js' getComputeResultUrl.
 */
export function signedResultRequests(
  signer: Wallet,
  firstNonce: bigint,
  count: number,
  jobId: string,
  index = 0,
): LoadRequest[] {
  const requests: LoadRequest[] = []
  for (let k = 0; k < count; k++) {
    const nonce = (firstNonce + BigInt(k)).toString()
    const hash = solidityPackedKeccak256(
      ['bytes'],
      [hexlify(toUtf8Bytes(signer.address + nonce + 'getComputeResult'))],
    )
    const signature = signer.signMessageSync(toBeArray(hash))
    requests.push({
      method: 'GET',
      path: `/api/services/computeResult?consumerAddress=${signer.address}&jobId=${jobId}&index=${index}&nonce=${nonce}&signature=${signature}`,
    })
  }
  return requests
}
