/**
 * Pod admission as the double's API server applies it, from the namespace's own metadata:
 *   - Pod Security (`pod-security.kubernetes.io/enforce: restricted`): the restricted profile's
 *     checks that a job pod could fail, refused with the API server's 403 wording;
 *   - OpenShift's restricted-v2 SCC (`openshift.io/sa.scc.uid-range: <start>/<size>` on the
 *     namespace): a pod that fixes runAsUser/runAsGroup/fsGroup outside the range is refused; one
 *     that leaves them unset gets the range's first UID (runAsUser, fsGroup), as OpenShift does.
 */
import type { KubeObject } from './object-store'

export const PSS_ENFORCE = 'pod-security.kubernetes.io/enforce'
export const OPENSHIFT_UID_RANGE = 'openshift.io/sa.scc.uid-range'

type Admission = { ok: true } | { ok: false; message: string }

interface SecurityContext {
  runAsNonRoot?: boolean
  runAsUser?: number
  runAsGroup?: number
  fsGroup?: number
  allowPrivilegeEscalation?: boolean
  privileged?: boolean
  capabilities?: { drop?: string[]; add?: string[] }
  seccompProfile?: { type?: string }
}
interface PodSpec {
  securityContext?: SecurityContext
  containers?: Array<{ name: string; securityContext?: SecurityContext }>
  initContainers?: Array<{ name: string; securityContext?: SecurityContext }>
  volumes?: Array<Record<string, unknown>>
  hostNetwork?: boolean
  hostPID?: boolean
  hostIPC?: boolean
}

const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
])

function restrictedViolations(spec: PodSpec): string[] {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
  const violations: string[] = []
  const escalating = containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
  if (escalating.length)
    violations.push(
      `allowPrivilegeEscalation != false (${escalating.map((c) => `container "${c.name}"`).join(', ')} must set securityContext.allowPrivilegeEscalation=false)`,
    )
  const caps = containers.filter((c) => !c.securityContext?.capabilities?.drop?.includes('ALL'))
  // Only NET_BIND_SERVICE may be added back.
  const added = containers
    .map((c) => ({
      name: c.name,
      add: (c.securityContext?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE'),
    }))
    .filter((c) => c.add.length > 0)
  if (caps.length || added.length)
    violations.push(
      `unrestricted capabilities (${[
        ...(caps.length
          ? [
              `${caps.map((c) => `container "${c.name}"`).join(', ')} must set securityContext.capabilities.drop=["ALL"]`,
            ]
          : []),
        ...added.map(
          (c) =>
            `container "${c.name}" must not include ${c.add.map((cap) => `"${cap}"`).join(', ')} in securityContext.capabilities.add`,
        ),
      ].join('; ')})`,
    )
  const rootable = containers.filter(
    (c) => (c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true,
  )
  if (rootable.length)
    violations.push('runAsNonRoot != true (pod or containers must set securityContext.runAsNonRoot=true)')
  const seccomp = spec.securityContext?.seccompProfile?.type
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
    violations.push(
      'seccompProfile (pod must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    )
  const volumes = (spec.volumes ?? []).filter(
    (v) => !Object.keys(v).some((key) => key !== 'name' && RESTRICTED_VOLUMES.has(key)),
  )
  if (volumes.length)
    violations.push(`restricted volume types (${volumes.map((v) => String(v.name)).join(', ')})`)
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) violations.push('host namespaces')
  return violations
}

/** Admits (and, for OpenShift, mutates) `pod` in `namespace`, or refuses it with the API's message. */
export function admitPod(namespace: KubeObject | undefined, pod: KubeObject): Admission {
  const spec = (pod.spec ?? {}) as PodSpec
  const labels = namespace?.metadata.labels ?? {}
  const annotations = (namespace?.metadata.annotations ?? {}) as Record<string, string>
  const name = pod.metadata.name
  if (labels[PSS_ENFORCE] === 'restricted') {
    const violations = restrictedViolations(spec)
    if (violations.length)
      return {
        ok: false,
        message: `pods "${name}" is forbidden: violates PodSecurity "restricted:latest": ${violations.join(', ')}`,
      }
  }
  const range = /^(\d+)\/(\d+)$/.exec(annotations[OPENSHIFT_UID_RANGE] ?? '')
  if (range) {
    const first = Number(range[1])
    const last = first + Number(range[2]) - 1
    const fields: Array<[string, number | undefined]> = [
      ['spec.securityContext.runAsUser', spec.securityContext?.runAsUser],
      ['spec.securityContext.fsGroup', spec.securityContext?.fsGroup],
      ...[...(spec.initContainers ?? []), ...(spec.containers ?? [])].map(
        (c, i): [string, number | undefined] => [
          `spec.containers[${i}].securityContext.runAsUser`,
          c.securityContext?.runAsUser,
        ],
      ),
    ]
    const invalid = fields.filter(([, uid]) => uid !== undefined && (uid < first || uid > last))
    if (invalid.length)
      return {
        ok: false,
        message:
          `pods "${name}" is forbidden: unable to validate against any security context constraint: [provider "restricted-v2": Forbidden: not usable by user or serviceaccount, ` +
          invalid
            .map(
              ([field, uid]) =>
                `${field}: Invalid value: ${String(uid)}: must be in the ranges: [${first}, ${last}]`,
            )
            .join(', ') +
          ']',
      }
    spec.securityContext = { ...spec.securityContext, runAsUser: spec.securityContext?.runAsUser ?? first }
    spec.securityContext.fsGroup ??= first
    pod.spec = spec as Record<string, unknown>
  }
  return { ok: true }
}
