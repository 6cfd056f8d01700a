/**
 * Maps an Ocean algorithm container (image + tag) to an interpreter installed on this machine,
 * so the local sandbox can run what a Docker-based C2D would run in a container. Exported for the
 * Kubernetes API double's simulated kubelet. Must not import operator-service, provider or store.
 */

export interface LocalRuntime {
  /** Short name shown to publishers: "node", "python3". */
  name: 'node' | 'python3'
  /** Absolute or PATH-relative interpreter the entrypoint's first word is replaced by. */
  command: string
}

export type RuntimeResolution = { ok: true; runtime: LocalRuntime } | { ok: false; reason: string }

/** What this driver can run; listed in the error so a publisher can fix the algorithm's DDO. */
export const SUPPORTED_IMAGES = [
  'node:<version>',
  'python:<version>',
  'oceanprotocol/algo_dockers:node',
  'oceanprotocol/algo_dockers:python-branin (or any python-* tag)',
] as const

export function resolveRuntime(image: string, tag: string, nodeExecPath: string): RuntimeResolution {
  // Registry prefixes (docker.io/, library/) do not change what the image runs.
  const name = image.trim().toLowerCase().replace(/^docker\.io\//, '').replace(/^library\//, '')
  const t = tag.trim().toLowerCase()
  const node: LocalRuntime = { name: 'node', command: nodeExecPath }
  const python: LocalRuntime = { name: 'python3', command: 'python3' }
  if (name === 'node') return { ok: true, runtime: node }
  if (name === 'python' || name === 'python3') return { ok: true, runtime: python }
  if (name === 'oceanprotocol/algo_dockers') {
    if (t === 'node' || t.startsWith('node-')) return { ok: true, runtime: node }
    if (t === 'python' || t.startsWith('python-') || t.startsWith('python3')) return { ok: true, runtime: python }
  }
  return {
    ok: false,
    reason: `The local sandbox cannot run image ${image}:${tag}. It runs: ${SUPPORTED_IMAGES.join(', ')}.`,
  }
}
