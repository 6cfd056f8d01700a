import { describe, expect, it } from 'vitest'
import type { Observation } from '../operator-engine/driver'
import { ALL_JOB_STATUSES, FAILURE_STATUSES, JobStatus } from './job-status'
import {
  IllegalJobTransition,
  JOB_TRANSITIONS,
  canTransition,
  decide,
  walk,
  type DecisionInput,
} from './job-state-machine'

const job = (status: JobStatus, over: Partial<DecisionInput> = {}): DecisionInput => ({
  status,
  isFree: true,
  stopRequested: false,
  outcome: null,
  maxJobDurationSec: 60,
  ...over,
})

describe('JOB_TRANSITIONS', () => {
  it('has an entry for every status and only known targets', () => {
    expect(
      Object.keys(JOB_TRANSITIONS)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([...ALL_JOB_STATUSES].sort((a, b) => a - b))
    for (const targets of Object.values(JOB_TRANSITIONS))
      for (const t of targets) expect(ALL_JOB_STATUSES).toContain(t)
  })

  it('reaches every status from 1 (queued) and reaches 70 from every status', () => {
    const seen = new Set<JobStatus>([1])
    const queue: JobStatus[] = [1]
    while (queue.length) {
      for (const n of JOB_TRANSITIONS[queue.shift()!]) {
        if (!seen.has(n)) {
          seen.add(n)
          queue.push(n)
        }
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([...ALL_JOB_STATUSES].sort((a, b) => a - b))
    for (const s of ALL_JOB_STATUSES) if (s !== 70) expect(walkAny(s, 70), `from ${s}`).toBe(true)
  })

  it('lets every failure end in 71 or 70 only, and 70 is terminal', () => {
    for (const f of FAILURE_STATUSES) expect([...JOB_TRANSITIONS[f]].sort()).toEqual([70, 71])
    expect(JOB_TRANSITIONS[70]).toEqual([])
    expect(JOB_TRANSITIONS[71]).toEqual([70])
  })

  it('has no back-edges along the happy path', () => {
    expect(canTransition(40, 20)).toBe(false)
    expect(canTransition(60, 40)).toBe(false)
    expect(canTransition(1, 0)).toBe(true)
  })

  it('names from and to in IllegalJobTransition', () => {
    expect(new IllegalJobTransition('j1', 70, 40).message).toContain('70 → 40')
  })
})

function walkAny(from: JobStatus, to: JobStatus): boolean {
  const seen = new Set<JobStatus>([from])
  const queue = [from]
  while (queue.length) {
    const at = queue.shift()!
    if (at === to) return true
    for (const n of JOB_TRANSITIONS[at]) {
      if (!seen.has(n)) {
        seen.add(n)
        queue.push(n)
      }
    }
  }
  return false
}

describe('walk', () => {
  it('finds the shortest forward path, several steps at once', () => {
    expect(walk(0, 40)).toEqual([20, 30, 40])
    expect(walk(20, 40)).toEqual([30, 40])
    expect(walk(0, 11)).toEqual([10, 11])
    expect(walk(40, 20)).toBeUndefined()
  })
})

const started = (atMs = 5): Observation => ({ kind: 'algorithm-started', atMs })

describe('decide: table of (status, observation) → path', () => {
  const cases: Array<[JobStatus, Observation, JobStatus[]]> = [
    [0, { kind: 'image-pulling' }, [10]],
    [0, { kind: 'image-pull-failed', reason: 'no image' }, [10, 11]],
    [0, { kind: 'volumes-configuring' }, [20]],
    [10, { kind: 'volumes-configuring' }, [20]],
    [0, { kind: 'volume-failed', reason: 'x' }, [20, 21]],
    [20, { kind: 'container-create-failed', reason: 'x' }, [22]],
    [20, { kind: 'provisioning' }, [30]],
    [0, { kind: 'data-provisioning-failed', reason: 'x' }, [20, 30, 31]],
    [30, { kind: 'algorithm-provisioning-failed', reason: 'x' }, [32]],
    [0, started(), [20, 30, 40]],
    [20, started(), [30, 40]],
    [40, started(), []],
    [40, { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs: 9 }, []],
    [40, { kind: 'container-exited', exitCode: 2, oomKilled: false, atMs: 9 }, [41]],
    [40, { kind: 'container-exited', exitCode: 137, oomKilled: true, atMs: 9 }, [41]],
    [40, { kind: 'deadline-exceeded', atMs: 9 }, [41]],
    [40, { kind: 'disk-quota-exceeded', reason: 'x' }, [42]],
    [40, { kind: 'publishing' }, [60]],
    [41, { kind: 'publishing' }, []],
    [60, { kind: 'outputs-collected', results: [] }, [70]],
    [40, { kind: 'outputs-collected', results: [] }, [60, 70]],
    [41, { kind: 'outputs-collected', results: [] }, [70]],
    [60, { kind: 'results-failed', reason: 'x', results: [] }, [61, 70]],
    [60, { kind: 'outputs-refused', reason: 'x', results: [] }, [62, 70]],
    [40, { kind: 'outputs-refused', reason: 'x', results: [] }, [60, 62, 70]],
    [40, { kind: 'lost', reason: 'gone' }, [41, 70]],
    [30, { kind: 'lost', reason: 'gone' }, [31, 70]],
    [0, { kind: 'lost', reason: 'gone' }, [20, 22, 70]],
    [60, { kind: 'lost', reason: 'gone' }, [61, 70]],
    [31, { kind: 'lost', reason: 'gone' }, [70]],
    [70, started(), []],
    [71, { kind: 'outputs-collected', results: [] }, []],
    [1, started(), []],
  ]
  it('a lost job offers the result files still on disk', () => {
    const log = { filename: 'configuration.log', filesizeBytes: 3, type: 'configurationLog' as const }
    const d = decide(job(30), { kind: 'lost', reason: 'not started: inputs gone', results: [log] })
    expect(d.path).toEqual([31, 70])
    expect(d.patch?.results?.map((r) => r.filename)).toEqual(['configuration.log'])
    expect(d.patch?.outcome).toMatchObject({ kind: 'failed', reason: 'not started: inputs gone' })
  })

  it.each(cases)('status %s + %o → %o', (status, observation, path) => {
    const d = decide(job(status), observation)
    expect(d.path).toEqual(path)
    let at = status
    for (const step of d.path) {
      expect(canTransition(at, step), `${at} → ${step}`).toBe(true)
      at = step
    }
  })

  it('every observation from every status yields a legal path', () => {
    const observations: Observation[] = [
      { kind: 'image-pulling' },
      { kind: 'image-pull-failed', reason: 'r' },
      { kind: 'volumes-configuring' },
      { kind: 'volume-failed', reason: 'r' },
      { kind: 'container-create-failed', reason: 'r' },
      { kind: 'provisioning' },
      { kind: 'data-provisioning-failed', reason: 'r' },
      { kind: 'algorithm-provisioning-failed', reason: 'r' },
      started(),
      { kind: 'container-exited', exitCode: 1, oomKilled: false, atMs: 1 },
      { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs: 1 },
      { kind: 'deadline-exceeded', atMs: 1 },
      { kind: 'disk-quota-exceeded', reason: 'r' },
      { kind: 'publishing' },
      { kind: 'outputs-collected', results: [] },
      { kind: 'results-failed', reason: 'r', results: [] },
      { kind: 'outputs-refused', reason: 'r', results: [] },
      { kind: 'lost', reason: 'r' },
    ]
    for (const status of ALL_JOB_STATUSES)
      for (const isFree of [true, false])
        for (const o of observations) {
          const d = decide(job(status, { isFree }), o)
          let at = status
          for (const step of d.path) {
            expect(canTransition(at, step), `${status} + ${o.kind}: ${at} → ${step}`).toBe(true)
            at = step
          }
        }
  })
})

describe('decide: outcomes and patches', () => {
  it('records a failure with its status, reason and termination details', () => {
    const d = decide(job(40), { kind: 'container-exited', exitCode: 3, oomKilled: false, atMs: 77 })
    expect(d.outcome).toEqual({
      kind: 'failed',
      failureStatus: 41,
      reason: 'the algorithm exited with code 3',
    })
    expect(d.patch?.terminationDetails).toEqual({ exitCode: 3, oomKilled: false })
    expect(d.patch?.algoStopMs).toBe(77)
  })

  it('words a deadline with the job’s maxJobDuration', () => {
    const d = decide(job(40, { maxJobDurationSec: 90 }), { kind: 'deadline-exceeded', atMs: 1 })
    expect(d.outcome?.reason).toBe('exceeded maxJobDuration of 90 s')
    expect(d.outcome?.failureStatus).toBe(41)
  })

  it('records algoStartMs when the algorithm starts', () => {
    expect(decide(job(20), started(1234)).patch?.algoStartMs).toBe(1234)
  })

  it('finishes a paid job through 71 with a settle effect, a free one straight to 70', () => {
    const results = [
      { filename: 'algorithm.log', filesizeBytes: 3, type: 'algorithmLog' as const },
      { filename: 'outputs.tar', filesizeBytes: 10, type: 'output' as const },
    ]
    const paid = decide(job(60, { isFree: false }), { kind: 'outputs-collected', results })
    expect(paid.path).toEqual([71])
    expect(paid.effects).toContainEqual({ kind: 'settle' })
    expect(paid.patch?.results?.map((r) => r.index)).toEqual([0, 1])
    expect(paid.outcome).toEqual({ kind: 'succeeded' })
    const free = decide(job(60), { kind: 'outputs-collected', results })
    expect(free.path).toEqual([70])
    expect(free.effects).not.toContainEqual({ kind: 'settle' })
  })

  it('keeps an earlier failure outcome when outputs arrive', () => {
    const d = decide(job(41, { outcome: { kind: 'failed', failureStatus: 41, reason: 'x' } }), {
      kind: 'outputs-collected',
      results: [],
    })
    expect(d.outcome).toBeUndefined()
    expect(d.patch?.outcome).toBeUndefined()
  })

  it('treats the exit of a stopped job as a stop, not a failure: 40 → 60', () => {
    const d = decide(job(40, { stopRequested: true }), {
      kind: 'container-exited',
      exitCode: 137,
      oomKilled: false,
      atMs: 1,
    })
    expect(d.path).toEqual([60])
    expect(d.outcome?.kind).toBe('stopped')
  })

  it('holds the outputs of a job under publisher review at 60, and ignores the driver while held', () => {
    const results = [{ filename: 'outputs.tar', filesizeBytes: 10, type: 'output' as const }]
    const armed = decide(job(40, { review: { state: 'armed' } }), { kind: 'outputs-collected', results })
    expect(armed.path).toEqual([60])
    expect(armed.effects).toEqual([{ kind: 'release-slot' }, { kind: 'hold-for-review' }])
    expect(armed.outcome).toBeUndefined()
    expect(armed.patch?.results).toHaveLength(1)
    const atSixty = decide(job(60, { isFree: false, review: { state: 'armed' } }), {
      kind: 'outputs-collected',
      results,
    })
    expect(atSixty.path).toEqual([])
    expect(atSixty.effects).not.toContainEqual({ kind: 'settle' })
    const held = job(60, { review: { state: 'held' } })
    expect(decide(held, { kind: 'outputs-collected', results })).toEqual({ path: [], effects: [] })
    expect(decide(held, { kind: 'lost', reason: 'restart' })).toEqual({ path: [], effects: [] })
  })
})
