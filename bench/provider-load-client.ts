/**
 * The load generator of the provider bench, kept out of the measured process: autocannon runs in a
 * forked child (provider-load-worker.ts) so the server under test has the bench process's event
 * loop to itself and the client gets the machine's other core. The Provider and the bare server
 * are measured through the same child with the same settings, so their numbers compare.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface LoadRequest {
  method: 'GET'
  /** Path and query, e.g. `/api/services/nonce?userAddress=0x…`. */
  path: string
}

export interface LoadTarget {
  /** http://127.0.0.1:port (loopback only). */
  url: string
  /**
   * True for a server that checks nonces: each slice continues every connection's list where the
   * previous slice of this target stopped, so no signed request is ever sent twice. A target
   * without it starts each slice at the top of the lists (same request bytes, order irrelevant).
   */
  consumesRequests: boolean
}

export interface LoadSpec {
  /** Measured alternately (A, B, A, B, …) so a burst of other work on the machine hits both alike. */
  targets: LoadTarget[]
  connections: number
  /** Untimed run per target before the first measured slice. */
  warmupSec: number
  /** Measured time per target, split into `slices` alternating slices. */
  measureSec: number
  slices: number
  /**
   * One request list per connection (cycled by that connection). Signed requests need it: each
   * connection signs for its own address, so its nonces stay in order whatever the others do.
   * A single list is shared by all connections.
   */
  requestsPerConnection: LoadRequest[][]
}

/** One target's numbers, summed over its measured slices. */
export interface LoadResult {
  durationSec: number
  /** 2xx responses per second of the run. */
  requestsPerSec: number
  /** Latency percentiles of 2xx responses, exact (sorted samples), in ms with sub-ms precision. */
  p50Ms: number
  p99Ms: number
  okCount: number
  non2xxCount: number
  errorCount: number
  /** Every response (any status) per second: how fast the server answered at all. */
  responsesPerSec: number
  statusCounts: Record<string, number>
}

export type WorkerMessage = { id: number; results: LoadResult[] } | { id: number; error: string }

export interface LoadClient {
  /** One result per target, in the order of `spec.targets`. */
  run(spec: LoadSpec): Promise<LoadResult[]>
  close(): Promise<void>
}

const here = dirname(fileURLToPath(import.meta.url))

/** Forks the load worker (through tsx, as the runner itself runs) and talks to it over IPC. */
export async function startLoadClient(): Promise<LoadClient> {
  const child: ChildProcess = fork(join(here, 'provider-load-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const pending = new Map<number, { resolve(r: LoadResult[]): void; reject(e: Error): void }>()
  let nextId = 1
  let exited = false
  child.on('message', (message: WorkerMessage) => {
    const waiter = pending.get(message.id)
    if (!waiter) return
    pending.delete(message.id)
    if ('error' in message) waiter.reject(new Error(`load worker: ${message.error}`))
    else waiter.resolve(message.results)
  })
  child.on('exit', (code) => {
    exited = true
    for (const waiter of pending.values()) waiter.reject(new Error(`load worker exited (${code})`))
    pending.clear()
  })
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  return {
    run(spec) {
      if (exited) return Promise.reject(new Error('load worker is gone'))
      const id = nextId++
      return new Promise<LoadResult[]>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.send({ id, spec })
      })
    },
    async close() {
      if (exited) return
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.disconnect()
      await done
    },
  }
}
