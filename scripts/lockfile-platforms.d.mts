// Types for scripts/lockfile-platforms.mjs.
export interface InstallTarget {
  name?: string
  os: string
  cpu: string
  libc?: string
}
export interface LockEntry {
  version?: string
  optional?: boolean
  dev?: boolean
  os?: string | string[]
  cpu?: string | string[]
  libc?: string | string[]
  [key: string]: unknown
}
export declare const INSTALL_TARGETS: InstallTarget[]
export declare function listAllows(value: string, list: string | string[]): boolean
export declare function platformAllows(fields: LockEntry, target: InstallTarget): boolean
export declare function refusedOn(
  lock: { packages?: Record<string, LockEntry> },
  target: InstallTarget,
): { path: string; required: { os?: unknown; cpu?: unknown; libc?: unknown } }[]
