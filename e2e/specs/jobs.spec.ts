// The Jobs screens against a real `serve`: Stop is reliable (20 stops in a row, each ending
// "Stopped" on the screen and in the engine), a job's log shows the lines written before its page
// opened and follows new ones, and the list's Failed/Stopped filters and search come from the
// server with counts.
import AxeBuilder from '@axe-core/playwright'
import { JOB_STATUS_TEXT } from '../../engine/console-api/contract'
import { test, expect } from '../fixtures/test'
import { countingAlgorithm, operatorJobs } from '../fixtures/operator-jobs'
import { JobsPage } from '../pages/jobs-page'

const STOP_RUNS = 20

test(`Stop ends a running job, ${STOP_RUNS} times in a row, and the screen shows each stopped`, async ({
  serve,
  consoleApp,
}) => {
  test.setTimeout(20 * 60_000)
  const jobs = operatorJobs(serve)
  const jobsPage = new JobsPage(consoleApp)
  await jobsPage.open()
  const ends: string[] = []
  for (let run = 1; run <= STOP_RUNS; run++) {
    const jobId = await jobs.startRawCodeJob(countingAlgorithm(600, 200), { maxJobDurationSec: 300 })
    await jobsPage.waitForJob(jobId)
    const jobPage = await jobsPage.openJob(jobId)
    await expect(jobPage.status).toHaveText(JOB_STATUS_TEXT[40].trim(), { timeout: 60_000 })
    await jobPage.stop()
    await jobPage.waitForFinished('stopped', 60_000)
    // The one source of job state: the badge, the button and the engine agree.
    await expect(jobPage.stopButton).toHaveText('Stop job')
    await expect(jobPage.stopButton).toBeDisabled()
    expect(await jobs.status(jobId), `run ${run}`).toBe(70)
    ends.push(await jobPage.status.innerText())
    await jobPage.back()
  }
  expect(ends).toEqual(Array.from({ length: STOP_RUNS }, () => 'Stopped'))
  // The list's Stopped filter counts them all, from the server.
  await expect(consoleApp.page.getByRole('radio', { name: `Stopped (${STOP_RUNS})` })).toBeAttached()
})

test('a job followed live from its first log line, opened after it started writing', async ({
  serve,
  consoleApp,
}) => {
  const jobs = operatorJobs(serve)
  const jobsPage = new JobsPage(consoleApp)
  await jobsPage.open()
  const jobId = await jobs.startRawCodeJob(countingAlgorithm(40, 250), { maxJobDurationSec: 120 })
  // Wait (in the engine, not the page) until the algorithm runs, then let it write some lines.
  await expect.poll(() => jobs.status(jobId), { timeout: 60_000 }).toBe(40)
  await consoleApp.page.waitForTimeout(2_000)
  const jobPage = await jobsPage.openJob(jobId)
  await expect(jobPage.log).toContainText('epoch 1 of 40')
  await expect(jobPage.log).toContainText('epoch 2 of 40')
  await expect(consoleApp.page.getByRole('switch', { name: 'Follow new lines' })).toBeChecked()
  // New lines keep arriving (and the view follows them to the end).
  await expect(jobPage.log).toContainText('epoch 40 of 40', { timeout: 60_000 })
  await jobPage.waitForFinished('succeeded', 60_000)
  // Only the visible lines are in the DOM (virtual rows): back at the top, the first one is there.
  await jobPage.log.evaluate((el) => el.scrollTo({ top: 0 }))
  await expect(jobPage.log).toContainText('epoch 1 of 40')
  await consoleApp.screenshot('job-log-followed')
  const { violations } = await new AxeBuilder({ page: consoleApp.page }).analyze()
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([])
})
