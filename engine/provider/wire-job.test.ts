import { describe, expect, it } from 'vitest'
import type { JobRecord } from '../operator-service/job-record'
import { toWireJob } from './wire-job'

const job: JobRecord = {
  jobId: 'job-1',
  owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  environmentId: 'free-local',
  datasets: [{ did: 'did:op:aa', serviceId: 's1' }],
  algorithm: { did: 'did:op:bb', serviceId: 's2', isRawCode: false },
  status: 70,
  outcome: null,
  stopRequested: false,
  createdAtMs: 1_795_572_313_720,
  updatedAtMs: 1_795_572_314_120,
  finishedAtMs: 1_795_572_314_120,
  algoStartMs: 1_795_572_313_800,
  algoStopMs: 1_795_572_314_050,
  maxJobDurationSec: 900,
  queueMaxWaitTimeSec: 0,
  resources: [{ id: 'cpu', amount: 1 }],
  isFree: true,
  additionalViewers: [],
  metadata: {},
  results: [{ filename: 'algorithm.log', filesizeBytes: 141, type: 'algorithmLog', index: 0 }],
  terminationDetails: { exitCode: 0, oomKilled: false },
  payment: null,
  agreementId: '',
  spec: { secretUrl: 'https://secret.example/data.csv' } as unknown as JobRecord['spec'],
}

describe('toWireJob', () => {
  it('maps to the spec §7 shape with float-second strings and never leaks the spec', () => {
    const wire = toWireJob(job)
    expect(wire).toMatchObject({
      jobId: 'job-1',
      did: 'did:op:aa',
      inputDID: ['did:op:aa'],
      algoDID: 'did:op:bb',
      dateCreated: '1795572313.72',
      dateFinished: '1795572314.12',
      status: 70,
      statusText: 'Job finished',
      results: [{ filename: 'algorithm.log', filesize: 141, type: 'algorithmLog', index: 0 }],
      expireTimestamp: 1_795_572_313 + 900,
      algoDuration: 0.25,
      terminationDetails: { exitCode: 0, OOMKilled: false },
    })
    expect(JSON.stringify(wire)).not.toContain('secret')
    expect(wire).not.toHaveProperty('payment')
  })
})
