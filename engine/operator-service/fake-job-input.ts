/**
 * Test fixture for the Operator-Service unit tests: the registration a consumer's free job on the
 * local sandbox sends, with any field overridden.
 */
import type { RegisterJobInput } from './job-record'

export function fakeJobInput(over: Partial<RegisterJobInput> = {}): RegisterJobInput {
  return {
    owner: '0xAbC0000000000000000000000000000000000001',
    environmentId: 'local-sandbox',
    datasets: [{ did: 'did:op:data', serviceId: 's1' }],
    algorithm: { did: 'did:op:algo', isRawCode: false },
    spec: {
      environment: { id: 'local-sandbox', allowNetwork: false },
      datasets: [],
      algorithm: {
        container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
        source: { type: 'rawcode', code: '' },
      },
      resources: { cpu: 1, ramGb: 1, diskGb: 1 },
      maxJobDurationSec: 60,
      limits: { inputFileBytesMax: 1000, outputBytesMax: 1000 },
    },
    maxJobDurationSec: 60,
    resources: [{ id: 'cpu', amount: 1 }],
    isFree: true,
    ...over,
  }
}
