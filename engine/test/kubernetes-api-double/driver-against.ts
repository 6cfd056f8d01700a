/**
 * The KubernetesDriver the driver tests point at the API double: its kubeconfig and namespace, a
 * memory logger, the system clock and a 100 ms watch retry unless `options` says otherwise; and the
 * check that a job left no objects behind in the double.
 */
import { expect } from 'vitest'
import { systemClock } from '../../clock'
import { MemoryLogger } from '../../logging'
import {
  KubernetesDriver,
  type KubernetesDriverOptions,
} from '../../operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../../operator-engine/drivers/kubernetes/manifests'
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

/** Waits up to 5 s for the job's objects to go, then expects none left in the namespace. */
export async function expectNothingLeft(
  double: KubernetesApiDouble,
  namespace: string,
  jobId: string,
): Promise<void> {
  for (let i = 0; i < 100 && double.objects(selectorOf(jobId), namespace).length > 0; i++)
    await new Promise((r) => setTimeout(r, 50))
  expect(double.objects(selectorOf(jobId), namespace)).toEqual([])
}
