/**
 * The publisher's journey (the spec), in Chromium against `npm run serve`:
 * connect the local backend, publish a compute service on the sample dataset, a consumer starts a
 * free job, the Jobs screen follows it live through each stage to finished, its log and result are
 * visible and downloadable, Stop works on a second job, a bad input in a form shows its error.
 *
 * Jobs reach the engine two ways: ocean.js through the Provider (the real consumer path) and the
 * Operator-Service API (the same engine path from the Operator-Service down, with jobs the test
 * shapes itself: long-running, failing).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { JOB_STATUS_TEXT, type JobStatus } from '../../engine/console-api/contract'
import { JOB_STAGE_WORDS } from '../../renderer/screens/jobs/job-stage-words'
import { test, expect } from '../fixtures/test'
import { countingAlgorithm, operatorJobs } from '../fixtures/operator-jobs'
import { ARTIFACTS_DIR, SCREEN_NAMES } from '../pages/console-app'
import { JobsPage } from '../pages/jobs-page'
import { AssetsPage } from '../pages/assets-page'
import { ComputeBackendPage } from '../pages/compute-backend-page'
import { SettingsPage } from '../pages/settings-page'

const STAGES_OF_A_SUCCESSFUL_LOCAL_JOB: JobStatus[] = [1, 0, 20, 30, 40, 60, 70]

test('every screen renders against the local backend', async ({ consoleApp }) => {
  for (const screen of SCREEN_NAMES) {
    await consoleApp.goTo(screen)
    await expect(consoleApp.page.getByRole('heading', { level: 2 }).first()).toBeVisible()
    // No screen may greet a connected publisher with a transport error.
    await expect(
      consoleApp.page.getByRole('alert').filter({ hasText: /Missing or wrong console token|not answering/ }),
    ).toHaveCount(0)
    await consoleApp.screenshot(`screen-${screen.toLowerCase().replace(/ /g, '-')}`)
  }
})

test('the Jobs screen follows a job live through each stage to finished; its log and results are visible and downloadable', async ({
  serve,
  consoleApp,
}) => {
  const jobsPage = new JobsPage(consoleApp)
  await jobsPage.open()
  await expect(consoleApp.page.getByText('No jobs')).toBeVisible()

  // The page is open before the job exists: everything from here on arrives live.
  const jobId = await operatorJobs(serve).startRawCodeJob(countingAlgorithm(8, 400))
  await jobsPage.waitForJob(jobId)
  await consoleApp.screenshot('jobs-list-live')

  const jobPage = await jobsPage.openJob(jobId)
  await jobPage.recordStatuses()
  await expect(jobPage.log).toContainText('epoch', { timeout: 60_000 })
  await consoleApp.screenshot('job-running')
  await jobPage.waitForFinished('succeeded')

  const seen = await jobPage.seenStatuses()
  expect(seen.at(-1)).toBe(70)
  expect(seen.length, `statuses shown live: ${seen.join(' → ')}`).toBeGreaterThan(1)
  for (const [i, status] of STAGES_OF_A_SUCCESSFUL_LOCAL_JOB.entries()) {
    await expect(jobPage.timeline.getByRole('listitem').nth(i)).toContainText(JOB_STAGE_WORDS[status])
  }
  // The whole log, last line included, once the job has finished (soft: the downloads below still run).
  await expect
    .soft(jobPage.log, 'the live log shows the last line the algorithm printed')
    .toContainText('epoch 8 of 8')
  await expect(jobPage.results).toContainText('algorithm.log')
  await expect(jobPage.results).toContainText('outputs.tar')
  await consoleApp.screenshot('job-finished')

  const logDownload = await jobPage.download('algorithm.log')
  const logPath = join(ARTIFACTS_DIR, 'downloads', `${jobId}-algorithm.log`)
  await logDownload.saveAs(logPath)
  expect(readFileSync(logPath, 'utf8')).toContain('epoch 8 of 8')

  const outputDownload = await jobPage.download('outputs.tar')
  const tarPath = join(ARTIFACTS_DIR, 'downloads', `${jobId}-outputs.tar`)
  await outputDownload.saveAs(tarPath)
  expect(execFileSync('tar', ['-xOf', tarPath, 'outputs/result.txt'], { encoding: 'utf8' })).toBe(
    'epochs: 8\n',
  )
})

test('Stop ends a running job and the screen shows it stopped', async ({ serve, consoleApp }) => {
  const jobs = operatorJobs(serve)
  const jobsPage = new JobsPage(consoleApp)
  await jobsPage.open()
  const jobId = await jobs.startRawCodeJob(countingAlgorithm(600, 200), { maxJobDurationSec: 300 })
  await jobsPage.waitForJob(jobId)
  const jobPage = await jobsPage.openJob(jobId)
  await expect(jobPage.status).toHaveText(JOB_STATUS_TEXT[40].trim(), { timeout: 60_000 })
  await expect(jobPage.log).toContainText('epoch')
  await jobPage.stop()
  await jobPage.waitForFinished('stopped', 60_000)
  await consoleApp.screenshot('job-stopped')
  expect(await jobs.status(jobId)).toBe(70)
  await expect(jobPage.stopButton).toBeDisabled()
})

test('a bad input in a form shows its error and changes nothing', async ({ consoleApp }) => {
  const backend = new ComputeBackendPage(consoleApp)
  await backend.open()
  const environmentsBefore = await consoleApp.page.getByRole('main').innerText()
  await backend.addEnvironment({ id: 'bad id!' })
  await expect(backend.environmentProblems).toContainText('Letters, digits, dot, dash, underscore')
  await consoleApp.screenshot('error-environment-form')
  await consoleApp.page.reload()
  await consoleApp.waitForShell()
  await backend.open()
  await expect(consoleApp.page.getByRole('main')).not.toContainText('bad id!')
  expect(environmentsBefore).not.toContain('bad id!')

  // The publish wizard (shown once a wallet exists) puts each message next to its field, in words.
  await new SettingsPage(consoleApp).ensureWalletUnlocked('e2e wallet password')
  const assets = new AssetsPage(consoleApp)
  await assets.open()
  await assets.submitDataset({ name: '', file: '' })
  await expect(assets.validationProblems).toBeVisible()
  await expect(assets.field('File (URL or local path)')).toHaveAccessibleDescription(/Add at least one file/)
  await consoleApp.screenshot('error-asset-form')
  await assets.submitDataset({ name: '', file: '/nowhere/weather.csv' })
  await expect(assets.field('Name')).toHaveAccessibleDescription(/Give the asset a name/)
})

test('a publisher publishes the sample dataset and an ocean.js consumer runs a free job on it', async ({
  serve,
  consoleApp,
}) => {
  expect(serve.providerUrl, `serve printed "Provider: ${serve.providerLine}"`).not.toBeNull()
  const { createConsumer } = await import('../fixtures/consumer')
  await new SettingsPage(consoleApp).ensureWalletUnlocked('e2e wallet password')
  const assets = new AssetsPage(consoleApp)
  await assets.open()
  // The dev chain's sample algorithm (its DID); the console pins its checksums when it is trusted.
  const devChain = JSON.parse(readFileSync(join(serve.dataDir, 'dev-chain.json'), 'utf8')) as {
    samples: { dataset: { did: string }; algorithm: { did: string } }
  }
  // Published trusting nothing; the sample algorithm is trusted afterwards on the asset page
  // (editAsset: setMetaData again), and the consumer's job below proves the edited DDO is served.
  const did = await assets.publishSample([])
  expect(did).not.toBe(devChain.samples.dataset.did)
  await consoleApp.screenshot('assets-published')
  await assets.editTrustedAlgorithms([devChain.samples.algorithm.did])
  await consoleApp.screenshot('asset-trusted-algorithms-edited')

  const consumer = await createConsumer({ dataDir: serve.dataDir, providerUrl: serve.providerUrl! })
  const jobsPage = new JobsPage(consoleApp)
  await jobsPage.open()
  const jobId = await consumer.startFreeJob({ datasetDid: did })
  await jobsPage.waitForJob(jobId)
  const jobPage = await jobsPage.openJob(jobId)
  await jobPage.waitForFinished('succeeded')
  const status = await consumer.status(jobId)
  expect(status.status).toBe(70)
  expect(status.results?.length ?? 0).toBeGreaterThan(0)
  const resultUrl = await consumer.resultUrl(jobId, 0)
  expect((await fetch(resultUrl)).ok).toBe(true)
})

test('a paying ocean.js consumer runs a job against serve: escrow locked at start, claimed at the end, shown on the job page', async ({
  serve,
  consoleApp,
}) => {
  // The paid flow of spec §8, exactly as ocean.js does it: initializeCompute, escrow deposit +
  // authorize, datatoken orders naming the node, computeStart; the console claims the cost after.
  const { oceanConsumer, runPaidStart, waitForStatus } = await import('../../engine/test/ocean-consumer')
  const me = oceanConsumer(serve.providerUrl!, serve.dataDir)
  try {
    const { samples } = me.devChain
    const started = await runPaidStart(me, {
      datasets: [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    })
    expect(started.agreementId).toMatch(/^0x[0-9a-f]{64}$/)
    const done = await waitForStatus(me.url, me.consumer, started.jobId, (j) => j.status === 70, 600)
    const payment = (done as unknown as { payment: { lockTx: string; claimTx?: string } }).payment
    expect(payment.lockTx).toBe(started.agreementId)
    expect(payment.claimTx).toMatch(/^0x[0-9a-f]{64}$/)
    const jobsPage = new JobsPage(consoleApp)
    await jobsPage.open()
    const jobPage = await jobsPage.openJob(started.jobId)
    // The claim tx is shown short, with the full hash on hover (title) and behind its copy button.
    await expect(jobPage.root).toContainText('claimed')
    await expect(jobPage.root.getByTitle(payment.claimTx!, { exact: true })).toBeVisible()
    await consoleApp.screenshot('job-paid')
  } finally {
    me.rpc.destroy()
  }
})
