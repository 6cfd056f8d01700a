/**
 * A sidecar-injecting mutating webhook for the API double, as Istio's injector behaves on a
 * namespace labelled `istio-injection=enabled`: every new pod gets an `istio-proxy` container that
 * keeps running after the pod's own containers exit, so the pod stays Running (classic injection;
 * Kubernetes-native sidecars, which end with the pod, are not played). It honours the opt-outs
 * (label or annotation `sidecar.istio.io/inject: "false"`, and Linkerd's `linkerd.io/inject:
 * disabled`) unless `ignoreOptOut` plays a mesh or policy that does not read them.
 */
import type { KubeObject } from './object-store'

export const ISTIO_INJECTION_LABEL = 'istio-injection'
export const SIDECAR_IMAGE = 'docker.io/istio/proxyv2:1.24.0'
export const SIDECAR_NAME = 'istio-proxy'

export interface SidecarInjectorOptions {
  /** Inject even into pods that opt out (a mesh or policy that ignores Istio's and Linkerd's opt-outs). */
  ignoreOptOut?: boolean
  /**
   * Also inject Istio's `istio-init` init container (iptables setup: root, NET_ADMIN and NET_RAW),
   * as Istio does without its CNI plugin: Pod Security `restricted` refuses such a pod.
   */
  istioInit?: boolean
}

function optedOut(pod: KubeObject): boolean {
  const labels = pod.metadata.labels ?? {}
  const annotations = (pod.metadata.annotations ?? {}) as Record<string, string>
  // Istio: the label wins over the annotation; Linkerd reads only its annotation.
  const istio = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject']
  return istio === 'false' || annotations['linkerd.io/inject'] === 'disabled'
}

/** Injects the sidecar into `pod` when the namespace asks for it; true when it did. */
export function injectSidecar(
  namespace: KubeObject | undefined,
  pod: KubeObject,
  options: SidecarInjectorOptions,
): boolean {
  if (namespace?.metadata.labels?.[ISTIO_INJECTION_LABEL] !== 'enabled') return false
  if (!options.ignoreOptOut && optedOut(pod)) return false
  const spec = (pod.spec ?? {}) as { containers?: Array<Record<string, unknown>> }
  spec.containers = [
    ...(spec.containers ?? []),
    {
      name: SIDECAR_NAME,
      image: SIDECAR_IMAGE,
      // pilot-agent runs until it is told to stop (or the pod is deleted).
      command: ['sleep', '86400'],
      resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1337,
        capabilities: { drop: ['ALL'] },
      },
    },
  ]
  if (options.istioInit) {
    const init = (spec as { initContainers?: Array<Record<string, unknown>> }).initContainers ?? []
    ;(spec as { initContainers?: Array<Record<string, unknown>> }).initContainers = [
      {
        name: 'istio-init',
        image: SIDECAR_IMAGE,
        command: ['true'],
        securityContext: {
          allowPrivilegeEscalation: false,
          runAsNonRoot: false,
          runAsUser: 0,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        },
      },
      ...init,
    ]
  }
  pod.spec = spec
  pod.metadata.annotations = {
    ...(pod.metadata.annotations ?? {}),
    'sidecar.istio.io/status': JSON.stringify({ containers: [SIDECAR_NAME] }),
  }
  return true
}
