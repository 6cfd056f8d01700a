/**
 * Child process for crash-recovery.test.ts with the real LocalDriver (bubblewrap):
 *   phase "first":  runs a finished job and a long-running one; prints READY <pid-file> once the
 *                   long one's algorithm runs, then waits to be killed with SIGKILL.
 *   phase "staging": registers one job whose dataset is a URL (argv[4]) and waits to be killed
 *                   (the test kills it while that URL is being fetched: before the algorithm ran).
 *   phase "second": restarts on the same data dir, waits until no job is left unfinished, prints
 *                   every job as JSON, stops gracefully.
 */
import { jobCoreConfig } from './job-core-config'
import { startCore } from '../index'
import { rawCodeJobInput } from './job-inputs'

const [, , dataDir, phase, datasetUrl] = process.argv
if (!dataDir || (phase !== 'first' && phase !== 'second' && phase !== 'staging'))
  throw new Error('usage: crash-child-local <dataDir> first|second|staging [url]')

const config = jobCoreConfig(dataDir, { environmentId: 'sandbox', cpu: 2, maxJobs: 2 })

const job = (jobId: string, code: string) => rawCodeJobInput({ jobId, code, environmentId: 'sandbox' })

const core = await startCore(config, { listenConsole: false })
const unfinished = () => core.operatorService.listJobs({}).filter((j) => j.status !== 70).length

if (phase === 'first') {
  await new Promise<void>((resolve) => {
    const off = core.operatorService.onDidChangeJob((c) => {
      if (c.job.jobId === 'finished-job' && c.to === 70) {
        off()
        resolve()
      }
    })
    core.operatorService.registerJob(
      job('finished-job', 'require("fs").writeFileSync("/data/outputs/answer.txt", "42")'),
    )
  })
  core.operatorService.onDidChangeJob((c) => {
    if (c.job.jobId === 'running-job' && c.to === 40) console.log('READY')
  })
  core.operatorService.registerJob(job('running-job', 'setInterval(() => console.log("tick"), 50)'))
  setInterval(() => undefined, 1_000) // wait for kill -9
} else if (phase === 'staging') {
  const input = job(
    'staging-job',
    `const fs = require('fs'); fs.writeFileSync('/data/outputs/copy.csv', fs.readFileSync('/data/inputs/did:op:remote/0'))`,
  )
  input.spec.datasets.push({ did: 'did:op:remote', ddo: {}, files: [{ type: 'url', url: datasetUrl! }] })
  core.operatorService.registerJob(input)
  setInterval(() => undefined, 1_000) // wait for kill -9
} else {
  while (unfinished() > 0) await new Promise((r) => setTimeout(r, 50))
  const jobs = core.operatorService.listJobs({})
  const events = Object.fromEntries(jobs.map((j) => [j.jobId, core.operatorService.jobEvents(j.jobId)]))
  console.log(JSON.stringify({ jobs: jobs.map(({ spec: _s, ...j }) => j), events }))
  await core.stop()
}
