/**
 * The one test fixture for "a Node (or Python) job whose algorithm is raw code": what tests, crash children and
 * benches register with the Operator-Service when the dataset does not matter; and the two helpers the driver
 * tests share to run such a job to its end and read the statuses it went through.
 */
import type { JobStatus } from '../operator-service/job-status'
import type { JobRecord, OperatorService, RegisterJobInput } from '../operator-service/operator-service'

export interface RawCodeJobOptions {
  code: string
  jobId?: string
  environmentId?: string
  owner?: string
  maxJobDurationSec?: number
  /** The runtime the raw code is for; default node. */
  image?: 'node' | 'python'
}

const RUNTIMES = {
  node: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
  python: { entrypoint: 'python3 $ALGO', image: 'python', tag: '3' },
} as const

export function rawCodeJobInput(options: RawCodeJobOptions): RegisterJobInput {
  const environmentId = options.environmentId ?? 'local-sandbox'
  const maxJobDurationSec = options.maxJobDurationSec ?? 600
  return {
    ...(options.jobId ? { jobId: options.jobId } : {}),
    owner: options.owner ?? '0x00000000000000000000000000000000000000c1',
    environmentId,
    datasets: [],
    algorithm: { isRawCode: true },
    spec: {
      environment: { id: environmentId, allowNetwork: false },
      datasets: [],
      algorithm: {
        container: { ...RUNTIMES[options.image ?? 'node'] },
        source: { type: 'rawcode', code: options.code },
      },
      resources: { cpu: 1, ramGb: 1, diskGb: 1 },
      maxJobDurationSec,
      limits: { inputFileBytesMax: 10_000_000, outputBytesMax: 10_000_000 },
    },
    maxJobDurationSec,
    resources: [],
    isFree: true,
  }
}

/** Registers the job and resolves with it once it reaches 70; `onStatus` sees each status change on the way. */
export function runJobToFinish(
  service: OperatorService,
  input: RegisterJobInput,
  onStatus?: (job: JobRecord, to: JobStatus) => void,
): Promise<JobRecord> {
  return new Promise((resolvePromise) => {
    let jobId = ''
    const off = service.onDidChangeJob((change) => {
      if (change.job.jobId !== jobId) return
      onStatus?.(change.job, change.to)
      if (change.to === 70) {
        off()
        resolvePromise(change.job)
      }
    })
    jobId = service.registerJob(input).jobId
  })
}

/** The statuses the job went through, in order. */
export function jobStatuses(service: OperatorService, jobId: string): JobStatus[] {
  return service.jobEvents(jobId).map((e) => e.to)
}
