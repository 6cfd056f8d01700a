// Types for scripts/edr-binding.mjs's pure functions (imported by its test).
import type { LockEntry } from './lockfile-platforms.mjs'
export interface Target {
  os: string
  cpu: string
  libc?: string
}
export declare function bindingFor(
  lockPackages: Record<string, LockEntry>,
  target: Target,
): { name: string; entry: LockEntry } | undefined
export declare function parseTarget(text: string): Target
