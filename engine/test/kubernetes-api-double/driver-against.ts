/**
 * The KubernetesDriver the driver tests point at the API double: its kubeconfig and namespace, a
 * memory logger, the system clock and a 100 ms watch retry unless `options` says otherwise.
 */
import { systemClock } from '../../clock'
import { MemoryLogger } from '../../logging'
import {
  KubernetesDriver,
  type KubernetesDriverOptions,
} from '../../operator-engine/drivers/kubernetes/kubernetes-driver'
import type { KubernetesApiDouble } from './api-server'

export function driverAgainst(
  double: KubernetesApiDouble,
  namespace: string,
  options: Partial<KubernetesDriverOptions> = {},
): KubernetesDriver {
  return new KubernetesDriver({
    logger: new MemoryLogger(),
    clock: systemClock,
    kubeConfig: double.kubeConfig(namespace),
    namespace,
    watchRetryMs: 100,
    ...options,
  })
}
