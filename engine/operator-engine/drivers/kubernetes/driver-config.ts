/**
 * The Kubernetes driver's options from the console's configuration (`driver.*`): the timeouts in
 * milliseconds and the manifest options. The cluster connection (kubeconfig, namespace), logger
 * and clock are the caller's (engine/index.ts). Type-only import of the config schema.
 */
import type { ConsoleConfig } from '../../../config/schema'
import type { KubernetesDriverOptions } from './kubernetes-driver'

export type ConfiguredDriverOptions = Pick<
  KubernetesDriverOptions,
  'failedJobRetentionSec' | 'pendingTimeoutMs' | 'imagePullBackoffMaxMs' | 'createRetryMaxMs' | 'manifests'
>

export function kubernetesDriverOptions(driver: ConsoleConfig['driver']): ConfiguredDriverOptions {
  return {
    failedJobRetentionSec: driver.failedJobRetentionSec,
    pendingTimeoutMs: driver.pendingTimeoutSec * 1000,
    imagePullBackoffMaxMs: driver.imagePullBackoffSec * 1000,
    createRetryMaxMs: driver.createRetrySec * 1000,
    manifests: {
      ipfsGateway: driver.ipfsGateway,
      arweaveGateway: driver.arweaveGateway,
      tmpSizeLimit: driver.tmpSizeLimit,
      ...(driver.storageClassName ? { storageClassName: driver.storageClassName } : {}),
      ...(driver.images
        ? {
            images: {
              ...(driver.images.configure ? { configure: driver.images.configure } : {}),
              ...(driver.images.publish ? { publish: driver.images.publish } : {}),
            },
          }
        : {}),
    },
  }
}
