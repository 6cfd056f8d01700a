/**
 * Crash recovery, "list then watch": on start every non-terminal job is accounted for.
 * Queued jobs go back in the queue (their expiry re-armed), settling jobs settle again
 * (settlement is idempotent), started jobs are resumed on the driver; a job the driver cannot
 * find is reported `lost` and fails with a reason through the state machine.
 */
import type { JobRecord } from './job-record'

export interface RecoveryPlan {
  requeue: JobRecord[]
  resume: JobRecord[]
  settle: JobRecord[]
}

export function planRecovery(nonTerminal: readonly JobRecord[]): RecoveryPlan {
  const plan: RecoveryPlan = { requeue: [], resume: [], settle: [] }
  for (const job of nonTerminal) {
    if (job.status === 1) plan.requeue.push(job)
    else if (job.status === 71) plan.settle.push(job)
    else plan.resume.push(job)
  }
  return plan
}
