/**
 * The simulated kubelet's eviction manager: an emptyDir over its `sizeLimit` (measured as the
 * kubelet's du does, by the files' allocated blocks) evicts its pod, and node pressure
 * (`faults.nodePressure`) taints the node and evicts its running pods, each with the kubelet's
 * own message.
 */
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface NodePressure {
  resource: 'ephemeral-storage' | 'memory'
  /** The eviction threshold and what is left, as the message quotes them (e.g. "10Gi", "9Gi"). */
  threshold?: string
  available?: string
  /** What the evicted container was using (e.g. "4Gi"). */
  usage?: string
}

/** The NoSchedule taint the node lifecycle controller puts on a node under pressure. */
export const PRESSURE_TAINTS: Record<NodePressure['resource'], string> = {
  'ephemeral-storage': 'node.kubernetes.io/disk-pressure',
  memory: 'node.kubernetes.io/memory-pressure',
}

/** Bytes allocated under `dir` (st_blocks × 512, as du counts), symlinks not followed. */
export function emptyDirUsageBytes(dir: string): number {
  let total = 0
  const walk = (path: string) => {
    let entries: string[]
    try {
      entries = readdirSync(path)
    } catch {
      return
    }
    for (const name of entries) {
      const full = join(path, name)
      try {
        const st = lstatSync(full)
        total += Math.max(st.blocks * 512, st.isFile() ? st.size : 0)
        if (st.isDirectory()) walk(full)
      } catch {
        // gone meanwhile
      }
    }
  }
  walk(dir)
  return total
}

/** The eviction manager's message for a pod evicted under node pressure. */
export function pressureEvictionMessage(
  pressure: NodePressure,
  container: {
    name: string
    resources?: { limits?: Record<string, string>; requests?: Record<string, string> }
  },
): string {
  const resource = pressure.resource
  const request =
    container.resources?.requests?.[resource] ??
    (resource === 'memory' ? container.resources?.limits?.memory : undefined) ??
    '0'
  return (
    `The node was low on resource: ${resource}. Threshold quantity: ${pressure.threshold ?? (resource === 'memory' ? '100Mi' : '10Gi')}, ` +
    `available: ${pressure.available ?? (resource === 'memory' ? '80Mi' : '9Gi')}. ` +
    `Container ${container.name} was using ${pressure.usage ?? '4Gi'}, request is ${request}, has larger consumption of ${resource}. `
  )
}
