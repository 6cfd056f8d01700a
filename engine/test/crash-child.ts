/**
 * Child process for crash-recovery.test.ts: starts the real core (startCore) on a data dir.
 *   phase "first":  registers a finished job, a running one and a queued one, prints READY, waits to be killed.
 *   phase "second": restarts on the same data dir, prints every job as JSON, stops gracefully.
 *   phase "result-first": a finished job of a wallet, one signed computeResult over HTTP; prints
 *     ANSWERED <status> <nonce> once the answer arrived, waits to be killed.
 *   phase "result-second": restarts, sends the same signed request (same nonce) again, prints the
 *     answer and the stored nonce as JSON, stops gracefully.
 * Uses the FakeDriver (passed to startCore), so the test proves the core's recovery independently of a sandbox.
 */
import { jobCoreConfig } from './job-core-config'
import { startCore } from '../index'
import { FakeDriver, HAPPY_STORY } from './fake-driver'
import { rawCodeJobInput } from './job-inputs'
import { Wallet, toBeArray } from 'ethers'
import { requestMessageHash } from '../provider/request-signature'

const [, , dataDir, phase] = process.argv
const PHASES = ['first', 'second', 'result-first', 'result-second']
if (!dataDir || !PHASES.includes(phase ?? ''))
  throw new Error(`usage: crash-child <dataDir> ${PHASES.join('|')}`)

const config = jobCoreConfig(dataDir, { operatorApi: true })

const job = (jobId: string) => rawCodeJobInput({ jobId, code: 'setInterval(() => console.log("tick"), 100)' })

const driver = new FakeDriver()
// After the crash, the fake backend has no trace of anything (as after a reboot).
const core = await startCore(config, { driver })

const consumer = new Wallet('0x' + '5a'.repeat(32))

/** The same signed computeResult request in both result phases: nonce 1, result 0 of result-job. */
async function signedResultRequest(): Promise<{ status: number; code: string | null; body: string }> {
  const nonce = 1
  const signature = await consumer.signMessage(
    toBeArray(requestMessageHash(consumer.address, nonce, 'getComputeResult')),
  )
  const qs = `consumerAddress=${consumer.address}&nonce=${nonce}&signature=${signature}&jobId=result-job&index=0`
  const res = await fetch(`${core.providerUrl}/api/services/computeResult?${qs}`)
  return { status: res.status, code: res.headers.get('x-c2d-error-code'), body: await res.text() }
}

async function storedNonce(): Promise<string> {
  const res = await fetch(`${core.providerUrl}/api/services/nonce?userAddress=${consumer.address}`)
  return ((await res.json()) as { nonce: string }).nonce
}

if (phase === 'result-first') {
  const finished = core.operatorService.registerJob({ ...job('result-job'), owner: consumer.address })
  await new Promise((resolve) => setImmediate(resolve))
  const log = driver.writeResult(finished.jobId, 'algorithm.log', 'tick\n', 'algorithmLog')
  driver.play(finished.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log] }])
  const answer = await signedResultRequest()
  // Killed right after this line: nothing after the answer may be needed for the nonce to last.
  console.log(`ANSWERED ${answer.status} ${JSON.stringify(answer.body)}`)
  setInterval(() => undefined, 1_000) // wait for kill -9
} else if (phase === 'result-second') {
  const answer = await signedResultRequest()
  console.log(JSON.stringify({ answer, nonce: await storedNonce() }))
  await core.stop()
} else if (phase === 'first') {
  const finished = core.operatorService.registerJob(job('finished-job'))
  await new Promise((resolve) => setImmediate(resolve))
  const log = driver.writeResult(finished.jobId, 'algorithm.log', 'tick\ntick\n', 'algorithmLog')
  const out = driver.writeResult(
    finished.jobId,
    'outputs.tar',
    Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251)),
    'output',
  )
  driver.play(finished.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log, out] }])
  core.operatorService.registerJob(job('running-job'))
  await new Promise((resolve) => setImmediate(resolve))
  driver.play('running-job', [
    { kind: 'volumes-configuring' },
    { kind: 'provisioning' },
    { kind: 'algorithm-started', atMs: Date.now() },
  ])
  core.operatorService.registerJob(job('queued-job'))
  console.log('READY')
  setInterval(() => undefined, 1_000) // wait for kill -9
} else {
  const jobs = core.operatorService.listJobs({})
  const events = Object.fromEntries(jobs.map((j) => [j.jobId, core.operatorService.jobEvents(j.jobId)]))
  const results = core.operatorService
    .getJob('finished-job')
    ?.results.map((_, i) => core.operatorService.openResult('finished-job', i).path)
  console.log(JSON.stringify({ jobs, events, results, resumed: driver.resumed }))
  await core.stop()
}
