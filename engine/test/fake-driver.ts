/**
 * A ComputeDriver that replays scripted observations per job (Podman's fake informer idea):
 * tests say what the backend "sees", the Operator-Service does the rest. Nothing runs.
 * Steps are released by the test (`emit`, `play`), so no test depends on timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type {
  ComputeDriver,
  DriverHealth,
  JobSpec,
  Observation,
  ObservationSink,
} from '../operator-engine/driver'

export class FakeDriver implements ComputeDriver {
  readonly kind = 'local' as const
  readonly started: string[] = []
  readonly resumed: string[] = []
  readonly stopped: string[] = []
  readonly cleaned: string[] = []
  private readonly sinks = new Map<string, ObservationSink>()
  private readonly specs = new Map<string, JobSpec>()
  /** Scripts played on `start`, keyed by job id; `defaultScript` for the rest. */
  readonly scripts = new Map<string, Observation[]>()
  defaultScript: Observation[] = []
  /** What `resume` reports per job id; absent = the backend has lost the job. */
  readonly resumeScripts = new Map<string, Observation[]>()
  /** Observations reported when a job is stopped. */
  stopScript: Observation[] = [{ kind: 'container-exited', exitCode: 137, oomKilled: false, atMs: 0 }]
  failStartWith: Error | undefined

  async health(): Promise<DriverHealth> {
    return { ok: true, summary: 'fake driver', checks: [] }
  }

  async start(spec: JobSpec, report: ObservationSink): Promise<void> {
    if (this.failStartWith) throw this.failStartWith
    this.started.push(spec.jobId)
    this.sinks.set(spec.jobId, report)
    this.specs.set(spec.jobId, spec)
    this.play(spec.jobId, this.scripts.get(spec.jobId) ?? this.defaultScript)
  }

  async resume(spec: JobSpec, report: ObservationSink): Promise<void> {
    this.resumed.push(spec.jobId)
    this.sinks.set(spec.jobId, report)
    this.specs.set(spec.jobId, spec)
    const script = this.resumeScripts.get(spec.jobId)
    if (!script) report(spec.jobId, { kind: 'lost', reason: 'the fake backend has no trace of this job' })
    else this.play(spec.jobId, script)
  }

  async stop(jobId: string): Promise<void> {
    this.stopped.push(jobId)
    this.play(jobId, this.stopScript)
  }

  async cleanup(jobId: string): Promise<void> {
    this.cleaned.push(jobId)
  }

  async close(): Promise<void> {
    this.sinks.clear()
  }

  /** Reports observations for a job as if the backend saw them now. */
  play(jobId: string, observations: readonly Observation[]): void {
    const sink = this.sinks.get(jobId)
    if (!sink) throw new Error(`FakeDriver: job ${jobId} was never started or resumed`)
    for (const o of observations) sink(jobId, o)
  }

  /** Writes a result file where a real driver would, and returns its CollectedResult. */
  writeResult(
    jobId: string,
    filename: string,
    content: string | Buffer,
    type: 'algorithmLog' | 'output' | 'configurationLog' | 'publishLog',
  ) {
    const spec = this.specs.get(jobId)
    if (!spec) throw new Error(`FakeDriver: unknown job ${jobId}`)
    const dir = join(spec.jobDir, 'results')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, filename), content)
    return { filename, filesizeBytes: Buffer.byteLength(content), type }
  }
}

/** A driver story for a job that runs to completion (used by tests and the crash script). */
export const HAPPY_STORY: Observation[] = [
  { kind: 'volumes-configuring' },
  { kind: 'provisioning' },
  { kind: 'algorithm-started', atMs: 1 },
  { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs: 2 },
  { kind: 'publishing' },
]
