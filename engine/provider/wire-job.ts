/**
 * JobRecord → the spec §7 job object ocean.js reads. The only place with Ocean's float-second
 * strings. Must never copy `spec` (file URLs, headers, secrets) or anything not listed in §7.
 */
import type { JobRecord } from '../operator-service/job-record'
import { JOB_STATUS_TEXT, REVIEW_STATUS_TEXT } from '../operator-service/job-status'

// spec §7: dateCreated etc. are strings of epoch seconds with a fraction; "0" when not set.
function secondsString(ms: number | null): string {
  return ms === null ? '0' : String(ms / 1000)
}

export function toWireJob(job: JobRecord): Record<string, unknown> {
  const algoDurationSec =
    job.algoStartMs !== null && job.algoStopMs !== null
      ? Math.max(0, (job.algoStopMs - job.algoStartMs) / 1000)
      : 0
  // Issue 12: a held job names the review and lists no file; nothing of it can be fetched yet.
  const held = job.review?.state === 'held'
  return {
    owner: job.owner,
    jobId: job.jobId,
    did: job.datasets[0]?.did,
    inputDID: job.datasets.map((dataset) => dataset.did),
    algoDID: job.algorithm.did,
    dateCreated: secondsString(job.createdAtMs),
    dateFinished: job.finishedAtMs === null ? null : secondsString(job.finishedAtMs),
    // A held failure (41, 42) is answered as 60 too, so ocean.js keeps polling until the decision.
    status: held ? 60 : job.status,
    statusText: held ? REVIEW_STATUS_TEXT : JOB_STATUS_TEXT[job.status],
    results: (held ? [] : job.results).map((result) => ({
      filename: result.filename,
      filesize: result.filesizeBytes,
      type: result.type,
      index: result.index,
    })),
    agreementId: job.agreementId,
    expireTimestamp: Math.floor(job.createdAtMs / 1000) + job.queueMaxWaitTimeSec + job.maxJobDurationSec,
    environment: job.environmentId,
    maxJobDuration: job.maxJobDurationSec,
    queueMaxWaitTime: job.queueMaxWaitTimeSec,
    metadata: job.metadata,
    additionalViewers: job.additionalViewers,
    stopRequested: job.stopRequested,
    isFree: job.isFree,
    resources: job.resources,
    ...(job.payment === null
      ? {}
      : {
          payment: {
            chainId: job.payment.chainId,
            token: job.payment.token,
            lockTx: job.payment.lockTx,
            claimTx: job.payment.claimTx,
            cancelTx: job.payment.cancelTx,
            cost: job.payment.costWei,
          },
        }),
    algoStartTimestamp: secondsString(job.algoStartMs),
    algoStopTimestamp: secondsString(job.algoStopMs),
    algoDuration: algoDurationSec,
    terminationDetails: {
      exitCode: job.terminationDetails.exitCode,
      OOMKilled: job.terminationDetails.oomKilled,
    },
  }
}
