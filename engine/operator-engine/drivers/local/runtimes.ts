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

/** Interpreters on this machine. `python3` must be a system one (not a shim under a home folder the sandbox hides). */
export interface RuntimePaths {
  node: string
  python3: string
}

/** The first system python3 that exists; a pyenv/asdf shim under $HOME would be invisible in the sandbox. */
export function findSystemPython(exists: (path: string) => boolean): string {
  return ['/usr/bin/python3', '/usr/local/bin/python3', '/bin/python3'].find(exists) ?? '/usr/bin/python3'
}

export function resolveRuntime(image: string, tag: string, paths: RuntimePaths): RuntimeResolution {
  // Registry prefixes (docker.io/, library/) do not change what the image runs.
  const name = image
    .trim()
    .toLowerCase()
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '')
  const t = tag.trim().toLowerCase()
  const node: LocalRuntime = { name: 'node', command: paths.node }
  const python: LocalRuntime = { name: 'python3', command: paths.python3 }
  if (name === 'node') return { ok: true, runtime: node }
  if (name === 'python' || name === 'python3') return { ok: true, runtime: python }
  if (name === 'oceanprotocol/algo_dockers') {
    if (t === 'node' || t.startsWith('node-')) return { ok: true, runtime: node }
    if (t === 'python' || t.startsWith('python-') || t.startsWith('python3'))
      return { ok: true, runtime: python }
  }
  return {
    ok: false,
    reason: `The local sandbox cannot run image ${image}:${tag}. It runs: ${SUPPORTED_IMAGES.join(', ')}.`,
  }
}

/** Interpreter names an entrypoint may start with; they are replaced by the resolved runtime. */
const INTERPRETER_WORDS: ReadonlySet<string> = new Set([
  'node',
  'nodejs',
  'python',
  'python3',
  '/usr/bin/node',
  '/usr/bin/python3',
  '/usr/local/bin/node',
  '/usr/local/bin/python3',
  '/usr/local/bin/python',
])

/**
 * Turns `container.entrypoint` ("node $ALGO", "python $ALGO --flag") into an argv: `$ALGO` → the
 * algorithm path, the interpreter word → the runtime's command. No shell: an entrypoint cannot
 * smuggle `;` or `$(...)` past the sandbox's argv. Throws when the entrypoint starts with
 * something that is not the image's interpreter (we cannot run arbitrary binaries of an image).
 */
export function entrypointArgv(entrypoint: string, runtime: LocalRuntime, algorithmPath: string): string[] {
  const words = entrypoint
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
  if (words.length === 0) return [runtime.command, algorithmPath]
  const argv = words.map((w) => w.replaceAll('${ALGO}', algorithmPath).replaceAll('$ALGO', algorithmPath))
  const first = words[0]!
  if (!INTERPRETER_WORDS.has(first)) {
    throw new Error(
      `The entrypoint must start with the image's interpreter (node or python3), not "${first}".`,
    )
  }
  argv[0] = runtime.command
  return argv
}
