/**
 * What the double knows of an image beyond its name (`faults.imageTraits`): executables it lacks
 * (a distroless image has no `sh`) and the CPU it is built for. A container whose command is
 * missing fails to start as containerd reports it (StartError, the OCI runtime's message); one on
 * a node of another architecture (`kubernetes.io/arch`, amd64 by default) starts and dies with
 * `exec …: exec format error`.
 */

export interface ImageTraits {
  /** Executables not in the image (distroless: ['sh', 'node', …]). */
  missing?: string[]
  /** The one architecture the image is built for (not a multi-arch index). */
  arch?: string
}

export type StartProblem = { kind: 'start-error'; message: string } | { kind: 'exec-format'; log: string }

const WHERE: Record<string, string> = {
  sh: '/bin/sh',
  node: '/usr/local/bin/node',
  python3: '/usr/bin/python3',
}

export function startProblem(
  traits: ImageTraits | undefined,
  argv: string[],
  nodeArch: string,
): StartProblem | undefined {
  if (!traits || argv.length === 0) return undefined
  const command = argv[0]!
  const name = command.split('/').at(-1)!
  if (traits.missing?.includes(name))
    return {
      kind: 'start-error',
      message: command.includes('/')
        ? `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${command}": stat ${command}: no such file or directory: unknown`
        : `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown`,
    }
  if (traits.arch && traits.arch !== nodeArch)
    return {
      kind: 'exec-format',
      log: `exec ${command.includes('/') ? command : (WHERE[name] ?? `/usr/bin/${name}`)}: exec format error`,
    }
  return undefined
}
