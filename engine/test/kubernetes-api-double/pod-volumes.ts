/**
 * The simulated kubelet's volumes and environment: each pod volume becomes a host folder (PVC → one
 * folder per claim, kept across pods as a bound PersistentVolume is; emptyDir → one folder per pod;
 * secret/configMap → their keys written as files, `items` and `defaultMode` honoured), and `env`
 * resolves `value` and `valueFrom` (secretKeyRef, configMapKeyRef, fieldRef). A missing Secret or
 * ConfigMap is reported the way the kubelet reports it, so the pod waits instead of running.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { KubeObject, ObjectStore } from './object-store'

export interface KeyToPath {
  key: string
  path: string
  mode?: number
}

export interface VolumeSpec {
  name: string
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean }
  emptyDir?: Record<string, unknown>
  secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }
  configMap?: { name: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }
}

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean }
    configMapKeyRef?: { name: string; key: string; optional?: boolean }
    fieldRef?: { fieldPath: string }
  }
}

/** Why a pod cannot start: the kubelet's condition or container waiting reason and message. */
export type VolumeProblem =
  | { kind: 'unschedulable'; message: string }
  | { kind: 'config'; message: string }
  | { kind: 'mount'; message: string }

/** Keys of a Secret (data base64, stringData plain) or ConfigMap (data plain, binaryData base64) as bytes. */
function keysOf(object: KubeObject, kind: 'secret' | 'configMap'): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const data = (object.data as Record<string, string> | undefined) ?? {}
  if (kind === 'secret') {
    for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v, 'base64'))
    for (const [k, v] of Object.entries((object.stringData as Record<string, string> | undefined) ?? {}))
      out.set(k, Buffer.from(v))
  } else {
    for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v))
    for (const [k, v] of Object.entries((object.binaryData as Record<string, string> | undefined) ?? {}))
      out.set(k, Buffer.from(v, 'base64'))
  }
  return out
}

function writeKeys(
  dir: string,
  keys: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number | undefined,
): void {
  mkdirSync(dir, { recursive: true })
  const entries = items
    ? items.map((i) => ({ path: i.path, bytes: keys.get(i.key), mode: i.mode ?? defaultMode }))
    : [...keys].map(([k, bytes]) => ({ path: k, bytes, mode: defaultMode }))
  for (const entry of entries) {
    if (!entry.bytes) continue
    const file = join(dir, entry.path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, entry.bytes)
    // Mode 0644 is the kubelet's default for projected keys.
    chmodSync(file, entry.mode ?? 0o644)
  }
}

/** Host folders for the pod's volumes, by volume name; or the problem that keeps the pod waiting. */
export function prepareVolumes(
  store: ObjectStore,
  rootDir: string,
  namespace: string,
  podName: string,
  volumes: VolumeSpec[],
): Map<string, string> | VolumeProblem {
  const dirs = new Map<string, string>()
  for (const volume of volumes) {
    const podDir = join(rootDir, 'pods', namespace, podName, volume.name)
    if (volume.persistentVolumeClaim) {
      const claimName = volume.persistentVolumeClaim.claimName
      if (!store.get('persistentvolumeclaims', namespace, claimName)) {
        return {
          kind: 'unschedulable',
          message: `0/1 nodes are available: persistentvolumeclaim "${claimName}" not found.`,
        }
      }
      const dir = join(rootDir, 'pvc', namespace, claimName)
      mkdirSync(dir, { recursive: true })
      dirs.set(volume.name, dir)
    } else if (volume.secret) {
      const secret = store.get('secrets', namespace, volume.secret.secretName)
      if (!secret && !volume.secret.optional)
        return {
          kind: 'mount',
          message: `MountVolume.SetUp failed for volume "${volume.name}" : secret "${volume.secret.secretName}" not found`,
        }
      writeKeys(
        podDir,
        secret ? keysOf(secret, 'secret') : new Map(),
        volume.secret.items,
        volume.secret.defaultMode,
      )
      dirs.set(volume.name, podDir)
    } else if (volume.configMap) {
      const configMap = store.get('configmaps', namespace, volume.configMap.name)
      if (!configMap && !volume.configMap.optional)
        return {
          kind: 'mount',
          message: `MountVolume.SetUp failed for volume "${volume.name}" : configmap "${volume.configMap.name}" not found`,
        }
      writeKeys(
        podDir,
        configMap ? keysOf(configMap, 'configMap') : new Map(),
        volume.configMap.items,
        volume.configMap.defaultMode,
      )
      dirs.set(volume.name, podDir)
    } else {
      // emptyDir, and any other source, is a fresh folder for this pod.
      mkdirSync(podDir, { recursive: true })
      dirs.set(volume.name, podDir)
    }
  }
  return dirs
}

/** The container's environment, or the CreateContainerConfigError message for a missing reference. */
export function resolveEnv(
  store: ObjectStore,
  pod: KubeObject,
  env: EnvVar[] | undefined,
): Map<string, string> | { kind: 'config'; message: string } {
  const out = new Map<string, string>()
  const namespace = pod.metadata.namespace ?? ''
  for (const e of env ?? []) {
    if (e.value !== undefined) {
      // $(VAR) references to earlier variables, as the kubelet expands them.
      out.set(
        e.name,
        e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => out.get(name) ?? whole),
      )
      continue
    }
    const from = e.valueFrom
    const ref = from?.secretKeyRef ?? from?.configMapKeyRef
    if (ref) {
      const kind = from?.secretKeyRef ? 'secret' : 'configMap'
      const object = store.get(kind === 'secret' ? 'secrets' : 'configmaps', namespace, ref.name)
      const value = object ? keysOf(object, kind).get(ref.key) : undefined
      if (value === undefined) {
        if (ref.optional) continue
        return {
          kind: 'config',
          message: object
            ? `couldn't find key ${ref.key} in ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${namespace}/${ref.name}`
            : `${kind === 'secret' ? 'secret' : 'configmap'} "${ref.name}" not found`,
        }
      }
      out.set(e.name, value.toString('utf8'))
    } else if (from?.fieldRef) {
      const field: Record<string, string | undefined> = {
        'metadata.name': pod.metadata.name,
        'metadata.namespace': namespace,
        'metadata.uid': pod.metadata.uid,
        'spec.nodeName': 'sim-node-1',
        'status.podIP': '10.244.0.10',
      }
      out.set(e.name, field[from.fieldRef.fieldPath] ?? '')
    }
  }
  return out
}
