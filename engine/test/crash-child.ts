/**
 * Child process for crash-recovery.test.ts: starts the real core (startCore) on a data dir.
 *   phase "first":  registers a finished job, a running one and a queued one, prints READY, waits to be killed.
 *   phase "second": restarts on the same data dir, prints every job as JSON, stops gracefully.
 * Uses the FakeDriver (passed to startCore), so the test proves the core's recovery independently of a sandbox.
 */
import { jobCoreConfig } from './job-core-config'
import { startCore } from '../index'
import { FakeDriver, HAPPY_STORY } from './fake-driver'
import { rawCodeJobInput } from './job-inputs'

const [, , dataDir, phase] = process.argv
if (!dataDir || (phase !== 'first' && phase !== 'second'))
  throw new Error('usage: crash-child <dataDir> first|second')

const config = jobCoreConfig(dataDir, { operatorApi: true })

const job = (jobId: string) => rawCodeJobInput({ jobId, code: 'setInterval(() => console.log("tick"), 100)' })

const driver = new FakeDriver()
// After the crash, the fake backend has no trace of anything (as after a reboot).
const core = await startCore(config, { driver })

if (phase === 'first') {
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
