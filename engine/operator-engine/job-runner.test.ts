import { describe, expect, it } from 'vitest'
import { silentLogger } from '../logging'
import { FakeDriver } from '../test/fake-driver'
import type { JobSpec, Observation } from './driver'
import { JobRunner } from './job-runner'

const spec = { jobId: 'j1', jobDir: '/nonexistent/j1' } as JobSpec

describe('JobRunner', () => {
  it('reports a driver that throws on start as container-create-failed with the cause, then ends the job with no results', async () => {
    const driver = new FakeDriver()
    driver.failStartWith = new Error('bwrap: setting up uid map: Permission denied')
    const seen: Observation[] = []
    await new JobRunner(driver, silentLogger).start(spec, (_id, o) => seen.push(o))
    expect(seen).toEqual([
      { kind: 'container-create-failed', reason: expect.stringContaining('uid map') },
      { kind: 'outputs-collected', results: [] },
    ])
  })

  it('reports a job as lost when resume throws', async () => {
    const driver = new FakeDriver()
    driver.resume = async () => {
      throw new Error('namespace gone')
    }
    const seen: Observation[] = []
    await new JobRunner(driver, silentLogger).resume(spec, (_id, o) => seen.push(o))
    expect(seen).toEqual([{ kind: 'lost', reason: expect.stringContaining('namespace gone') }])
  })

  it('forwards the driver’s observations unchanged', async () => {
    const driver = new FakeDriver()
    driver.scripts.set('j1', [{ kind: 'volumes-configuring' }, { kind: 'provisioning' }])
    const seen: Observation[] = []
    await new JobRunner(driver, silentLogger).start(spec, (_id, o) => seen.push(o))
    expect(seen.map((o) => o.kind)).toEqual(['volumes-configuring', 'provisioning'])
  })
})
