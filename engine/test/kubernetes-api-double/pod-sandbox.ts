/**
 * How the simulated kubelet sandboxes a container: the local driver's bubblewrap argv
 * (`buildBwrapArgs`: read-only system trees, the least of /etc, --clearenv) with the pod's volumes
 * bound at their mountPaths instead of a job folder, the image's interpreter names on PATH, and
 * egress cut when a NetworkPolicy denies it to the pod (unless the double plays a CNI that
 * ignores NetworkPolicy, as EKS's VPC CNI does by default).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { buildBwrapArgs, SANDBOX_PATH } from '../../operator-engine/drivers/local/bubblewrap'
import { findSystemPython, resolveRuntime } from '../../operator-engine/drivers/local/runtimes'
import { matchesSelector, type KubeObject, type ObjectStore } from './object-store'

/** Where an image's interpreter links appear inside the sandbox (first on PATH). */
const IMAGE_BIN = '/opt/image/bin'

export interface SandboxedContainer {
  image: string
  workingDir?: string
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>
}

/** True when a NetworkPolicy in the pod's namespace selects it for Egress with no egress rules. */
export function egressDenied(store: ObjectStore, pod: KubeObject): boolean {
  const labels = pod.metadata.labels
  return store.list('networkpolicies', pod.metadata.namespace).some((np) => {
    const spec = np.spec as {
      podSelector?: {
        matchLabels?: Record<string, string>
        matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>
      }
      policyTypes?: string[]
      egress?: unknown[]
    }
    if (!spec.policyTypes?.includes('Egress') || (spec.egress?.length ?? 0) > 0) return false
    const equality = Object.entries(spec.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
    const sets = (spec.podSelector?.matchExpressions ?? []).map((e) =>
      e.operator === 'In'
        ? `${e.key} in (${(e.values ?? []).join(',')})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${(e.values ?? []).join(',')})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`,
    )
    return matchesSelector(labels, [...equality, ...sets].join(','))
  })
}

/**
 * The interpreter names a node or python image has on its PATH (`python`, `nodejs`…), as links
 * to this machine's interpreters (runtimes.ts decides which image runs which). Debian has no
 * `python`, yet `python $ALGO` is the usual Ocean entrypoint.
 */
function imageBin(rootDir: string, image: string): string | undefined {
  const busybox = busyboxBin(rootDir, image)
  if (busybox) return busybox
  image = image.split('@')[0]!
  const at = image.lastIndexOf(':')
  const [name, tag] =
    at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest']
  const resolved = resolveRuntime(name, tag, {
    node: process.execPath,
    python3: findSystemPython(existsSync),
  })
  if (!resolved.ok) return undefined
  const dir = join(rootDir, 'image-bin', resolved.runtime.name)
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    const words = resolved.runtime.name === 'node' ? ['node', 'nodejs'] : ['python', 'python3']
    for (const word of words) symlinkSync(resolved.runtime.command, join(dir, word))
  }
  return dir
}

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p))

/**
 * A busybox image (`busybox:1.36`, `mirror.example/library/busybox@sha256:…`) gets this machine's
 * busybox applets first on PATH (sh, find, stat, tar, timeout…), so what the driver runs in such a
 * pod (the publish step's scan and pack) meets busybox's options, not GNU's. Without busybox
 * installed the host's tools answer instead.
 */
function busyboxBin(rootDir: string, image: string): string | undefined {
  const name = image.split('@')[0]!.split('/').pop()!.split(':')[0]
  if (name !== 'busybox' || !BUSYBOX) return undefined
  const dir = join(rootDir, 'image-bin', 'busybox')
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)
    for (const applet of applets) symlinkSync(BUSYBOX, join(dir, applet))
  }
  return dir
}

/**
 * bwrap argv for `argv` in `container` of the pod (its command, or an exec). The /data the local
 * sandbox always binds is an empty per-pod folder unless a volume is mounted there.
 */
export function podSandboxArgs(
  store: ObjectStore,
  rootDir: string,
  run: { namespace: string; name: string; volumes: Map<string, string> },
  pod: KubeObject,
  container: SandboxedContainer,
  env: Map<string, string>,
  argv: string[],
  network: { ignorePolicies?: boolean } = {},
): string[] {
  const binds: Array<{ hostPath: string; sandboxPath: string; readOnly?: boolean }> = []
  for (const mount of container.volumeMounts ?? []) {
    let hostPath = run.volumes.get(mount.name)
    if (!hostPath) continue
    if (mount.subPath) {
      // The kubelet creates a missing subPath folder inside the volume.
      hostPath = join(hostPath, mount.subPath)
      mkdirSync(hostPath, { recursive: true })
    }
    binds.push({ hostPath, sandboxPath: mount.mountPath, readOnly: mount.readOnly })
  }
  const dataDir = join(rootDir, 'pods', run.namespace, run.name, '.root-data')
  mkdirSync(dataDir, { recursive: true })
  const bin = imageBin(rootDir, container.image)
  if (bin) binds.push({ hostPath: bin, sandboxPath: IMAGE_BIN, readOnly: true })
  return buildBwrapArgs({
    dataDir,
    allowNetwork: network.ignorePolicies === true || !egressDenied(store, pod),
    argv,
    env: {
      PATH: bin ? `${IMAGE_BIN}:${SANDBOX_PATH}` : SANDBOX_PATH,
      HOSTNAME: pod.metadata.name,
      ...Object.fromEntries(env),
    },
    readOnlyDataSubdirs: [],
    binds,
    cwd: container.workingDir ?? '/',
  })
}
