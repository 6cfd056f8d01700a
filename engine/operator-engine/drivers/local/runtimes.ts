/**
 * Maps an Ocean algorithm container (image + tag) to an interpreter installed on this machine,
 * so the local sandbox can run what a Docker-based C2D would run in a container. Exported for the
 * Kubernetes API double's simulated kubelet. Must not import operator-service, provider or store.
 */
import { existsSync } from 'node:fs'

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

/** What resolveRuntime needs to know about the process it runs in (injected by tests). */
export interface RuntimeHost {
  execPath: string
  /** True inside Electron (process.versions.electron). */
  electron: boolean
  platform: NodeJS.Platform
  /** The PATH variable. */
  pathEnv: string
  exists(path: string): boolean
}

function processHost(): RuntimeHost {
  return {
    execPath: process.execPath,
    electron: Boolean(process.versions.electron),
    platform: process.platform,
    pathEnv: process.env.PATH ?? '',
    exists: existsSync,
  }
}

/**
 * A real Node binary for node algorithms. Electron's own executable acts as Node only with
 * ELECTRON_RUN_AS_NODE, which the packaged app's RunAsNode fuse turns off. On Linux only system
 * locations count (the sandbox hides home folders); elsewhere PATH is searched too.
 */
export function findSystemNode(host: RuntimeHost): string | undefined {
  const exe = host.platform === 'win32' ? 'node.exe' : 'node'
  const system =
    host.platform === 'win32'
      ? ['C:\\Program Files\\nodejs\\node.exe']
      : ['/usr/bin/node', '/usr/local/bin/node', '/opt/homebrew/bin/node', '/bin/node']
  const fromPath =
    host.platform === 'linux'
      ? []
      : host.pathEnv
          .split(host.platform === 'win32' ? ';' : ':')
          .filter(Boolean)
          .map((dir) => `${dir}${host.platform === 'win32' ? '\\' : '/'}${exe}`)
  return [...system, ...fromPath].find((p) => host.exists(p))
}

const NO_NODE_REASON =
  'Node algorithms need Node.js (20 or later) installed on this computer: https://nodejs.org/ (on Linux, ' +
  'from your distribution or NodeSource, so it is under /usr). The desktop app cannot run them with its own executable.'

export function resolveRuntime(
  image: string,
  tag: string,
  paths: RuntimePaths,
  host: RuntimeHost = processHost(),
): RuntimeResolution {
  // Registry prefixes (docker.io/, library/) do not change what the image runs.
  const name = image
    .trim()
    .toLowerCase()
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '')
  const t = tag.trim().toLowerCase()
  // Inside Electron the default node path is Electron itself: use a real Node instead.
  const nodeCommand = host.electron && paths.node === host.execPath ? findSystemNode(host) : paths.node
  const node: LocalRuntime = { name: 'node', command: nodeCommand ?? '' }
  const python: LocalRuntime = { name: 'python3', command: paths.python3 }
  const nodeRuntime = (): RuntimeResolution =>
    nodeCommand ? { ok: true, runtime: node } : { ok: false, reason: NO_NODE_REASON }
  if (name === 'node') return nodeRuntime()
  if (name === 'python' || name === 'python3') return { ok: true, runtime: python }
  if (name === 'oceanprotocol/algo_dockers') {
    if (t === 'node' || t.startsWith('node-')) return nodeRuntime()
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
