/**
 * Memory accounting for a sandbox without cgroups: the resident set size (RSS) of a process and
 * all its descendants, read from /proc.
 *
 * Why RSS polling and not a hard limit: cgroups are not delegated to us here, and RLIMIT_AS caps
 * *virtual* address space, which V8 reserves in gigabytes up front (Node dies at start-up under any
 * useful limit) while Python barely notices it. Summing RSS over the process tree measures what
 * the algorithm really holds for both runtimes. The price: a fast allocation can overshoot between
 * two polls, so the limit is enforced within one poll interval, not to the byte.
 */
import { readdirSync, readFileSync, statfsSync } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

const PAGE_SIZE_BYTES = 4096

/** pid → parent pid for every process visible in /proc. */
export function readProcessTable(procDir = '/proc'): Map<number, number> {
  const table = new Map<number, number>()
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`${procDir}/${name}/stat`, 'utf8')
      // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.set(Number(name), Number(fields[1]))
    } catch {
      // The process ended while we looked.
    }
  }
  return table
}

/** `root` and every process below it. */
export function descendantsOf(root: number, parents: Map<number, number>): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid])
  const found: number[] = []
  const stack = [root]
  while (stack.length > 0) {
    const pid = stack.pop()!
    found.push(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return found
}

/** Resident bytes of one process (0 when it is gone). */
export function residentBytes(pid: number, procDir = '/proc'): number {
  try {
    const statm = readFileSync(`${procDir}/${pid}/statm`, 'utf8').split(' ')
    return Number(statm[1]) * PAGE_SIZE_BYTES
  } catch {
    return 0
  }
}

export function processTreeRssBytes(root: number, procDir = '/proc'): number {
  return descendantsOf(root, readProcessTable(procDir)).reduce(
    (sum, pid) => sum + residentBytes(pid, procDir),
    0,
  )
}

/**
 * Tasks (processes and their threads) of a process tree: the fallback process limit. RLIMIT_NPROC
 * cannot serve: it counts per host uid, the sandbox's uid maps onto the console's, and when the
 * console runs as root the kernel exempts it (INIT_USER) altogether.
 */
export function processTreeTaskCount(root: number, procDir = '/proc'): number {
  let tasks = 0
  for (const pid of descendantsOf(root, readProcessTable(procDir))) {
    try {
      const stat = readFileSync(`${procDir}/${pid}/stat`, 'utf8')
      // num_threads is field 20; fields after the command name start at field 3.
      tasks += Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[17]) || 1
    } catch {
      // Gone.
    }
  }
  return tasks
}

/**
 * Bytes in use on the sandbox's private /tmp and /dev/shm (tmpfs: RAM). Read through /proc/<pid>/root of a
 * process inside the sandbox (any descendant of the outer bwrap), so /tmp counts against memory.
 */
export function sandboxTmpBytes(root: number, procDir = '/proc'): number {
  const inside = descendantsOf(root, readProcessTable(procDir)).filter((pid) => pid !== root)
  for (const pid of inside) {
    try {
      return ['tmp', 'dev/shm'].reduce((sum, dir) => {
        const fs = statfsSync(`${procDir}/${pid}/root/${dir}`)
        return sum + (fs.blocks - fs.bfree) * fs.bsize
      }, 0)
    } catch {
      // Gone, or not yet pivoted: try the next.
    }
  }
  return 0
}

/**
 * Allocated bytes (blocks, so sparse files count what they hold) under `dir`, skipping the
 * top-level entries in `exclude`. Symlinks are not followed.
 */
export async function allocatedBytes(dir: string, exclude: readonly string[] = []): Promise<number> {
  let total = 0
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (exclude.includes(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += await allocatedBytes(path)
    else total += (await lstat(path).catch(() => ({ blocks: 0 }))).blocks * 512
  }
  return total
}
