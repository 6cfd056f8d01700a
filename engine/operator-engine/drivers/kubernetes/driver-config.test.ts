import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../config/load'
import { kubernetesDriverOptions } from './driver-config'

const configWith = (driver: Record<string, unknown>) =>
  loadConfig({
    env: {},
    overrides: { dataDir: '/tmp/c2d-driver-config', driver: { kind: 'kubernetes', ...driver } },
  })

describe('the Kubernetes driver options from driver.* config', () => {
  it('takes the create-retry limit from driver.createRetrySec, 300 s by default', () => {
    expect(kubernetesDriverOptions(configWith({}).driver).createRetryMaxMs).toBe(300_000)
    expect(kubernetesDriverOptions(configWith({ createRetrySec: 45 }).driver).createRetryMaxMs).toBe(45_000)
  })

  it('refuses a create-retry limit that is not a positive whole number of seconds', () => {
    expect(() => configWith({ createRetrySec: 0 })).toThrow(/createRetrySec/)
    expect(() => configWith({ createRetrySec: 1.5 })).toThrow(/createRetrySec/)
  })

  it('turns the other timeouts into milliseconds and keeps the manifest settings', () => {
    const options = kubernetesDriverOptions(
      configWith({
        pendingTimeoutSec: 60,
        imagePullBackoffSec: 30,
        failedJobRetentionSec: 5,
        storageClassName: 'fast',
        images: { publish: 'mirror.example/busybox@sha256:' + 'a'.repeat(64) },
      }).driver,
    )
    expect(options).toMatchObject({
      pendingTimeoutMs: 60_000,
      imagePullBackoffMaxMs: 30_000,
      failedJobRetentionSec: 5,
    })
    expect(options.manifests).toMatchObject({
      storageClassName: 'fast',
      tmpSizeLimit: '256Mi',
      images: { publish: 'mirror.example/busybox@sha256:' + 'a'.repeat(64) },
    })
    expect(options.manifests?.images).not.toHaveProperty('configure')
  })
})
