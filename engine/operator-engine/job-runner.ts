/**
 * Runs one job on a driver: starts (or resumes) it and forwards the driver's observations.
 * Knows no Ocean status codes; the Operator-Service decides what observations mean. A driver
 * that throws while starting is reported as an observation, so a job never hangs silently.
 */
import type { ComputeDriver, JobSpec, ObservationSink } from './driver'
import type { Logger } from '../logging'

export class JobRunner {
  constructor(
    private readonly driver: ComputeDriver,
    private readonly logger: Logger,
  ) {}

  async start(spec: JobSpec, report: ObservationSink): Promise<void> {
    try {
      await this.driver.start(spec, report)
    } catch (error) {
      this.logger.warn('driver could not start job', { jobId: spec.jobId, error: String(error) })
      report(spec.jobId, {
        kind: 'container-create-failed',
        reason: `the ${this.driver.kind} driver could not start the job: ${errorText(error)}`,
      })
      // Nothing will publish for a job that never started: end it (no results) instead of leaving it at 22.
      report(spec.jobId, { kind: 'outputs-collected', results: [] })
    }
  }

  /** After a restart: re-attach, or report the job lost when the driver cannot find it. */
  async resume(spec: JobSpec, report: ObservationSink): Promise<void> {
    try {
      await this.driver.resume(spec, report)
    } catch (error) {
      report(spec.jobId, {
        kind: 'lost',
        reason: `the job could not be resumed after a restart: ${errorText(error)}`,
      })
    }
  }

  stop(jobId: string): Promise<void> {
    return this.driver.stop(jobId)
  }

  cleanup(jobId: string): Promise<void> {
    return this.driver.cleanup(jobId)
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
