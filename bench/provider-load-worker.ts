/**
 * Child process of provider-load-client.ts: runs one paired load per IPC message (targets measured
 * in alternating slices) and answers with each target's numbers. Latency percentiles come from
 * autocannon's `response` events, sorted here: its own histogram keeps whole milliseconds, and
 * most of these requests take less than one.
 */
import { createRequire } from 'node:module'
import type { LoadRequest, LoadResult, LoadSpec, LoadTarget, WorkerMessage } from './provider-load-client'

/** The part of autocannon 9 this bench uses (the package ships no types). */
interface AutocannonClient {
  setRequests(requests: LoadRequest[]): void
  /** Internal: where each response body is appended to a string (lib/pipelinedRequestsQueue.js). */
  pipelinedRequests?: { addBody(data: Buffer): void }
}
interface AutocannonOptions {
  url: string
  connections: number
  duration: number
  pipelining: number
  timeout: number
  requests: LoadRequest[]
  setupClient(client: AutocannonClient): void
}
interface AutocannonResult {
  duration: number
  errors: number
  non2xx: number
  '2xx': number
  statusCodeStats: Record<string, { count: number }>
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (
      client: AutocannonClient,
      statusCode: number,
      resBytes: number,
      responseTimeMs: number,
    ) => void,
  ): void
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

interface Tally {
  durationSec: number
  ok: number
  non2xx: number
  errors: number
  statusCounts: Record<string, number>
  latenciesMs: number[]
  /** Per connection: where its next slice starts in its list. */
  offsets: number[]
}

/** One autocannon run; `offsets` (when given) is advanced by what each connection sent. */
function slice(
  url: string,
  spec: LoadSpec,
  durationSec: number,
  offsets: number[] | undefined,
  into: Tally | undefined,
): Promise<void> {
  // A list used up starts over: its replayed nonces then show as 401s in the row's note (and fail
  // its goal) rather than aborting the whole suite.
  const lists = spec.requestsPerConnection.map((list, k) => list.slice((offsets?.[k] ?? 0) % list.length))
  const clientList = new Map<AutocannonClient, number>()
  const sent = lists.map(() => 0)
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: spec.connections,
        duration: durationSec,
        pipelining: 1,
        timeout: 30,
        requests: lists[0]!,
        // Called once per connection: each gets its own list (its own signer and nonces).
        setupClient: (client) => {
          const k = clientList.size % lists.length
          clientList.set(client, k)
          client.setRequests(lists[k]!)
          // autocannon appends every body to a string (for expectBody, unused here): for a 1 MiB
          // answer that costs the client more than the server, capping both servers alike at
          // ~50 req/s. Bodies are dropped instead; bytes and completion are still tracked.
          if (client.pipelinedRequests) client.pipelinedRequests.addBody = () => {}
        },
      },
      (error, result) => {
        if (error) return reject(error)
        if (offsets) {
          // +1: the request in flight when the slice stopped may still have been accepted.
          for (let k = 0; k < sent.length; k++) offsets[k] = (offsets[k] ?? 0) + sent[k]! + 1
        }
        if (into) {
          into.durationSec += result.duration
          into.ok += result['2xx']
          into.non2xx += result.non2xx
          into.errors += result.errors
          for (const [code, s] of Object.entries(result.statusCodeStats))
            into.statusCounts[code] = (into.statusCounts[code] ?? 0) + s.count
        }
        resolve()
      },
    )
    instance.on('response', (client, statusCode, _bytes, responseTimeMs) => {
      const k = clientList.get(client)
      if (k !== undefined) sent[k]! += 1
      if (into && statusCode >= 200 && statusCode < 300) into.latenciesMs.push(responseTimeMs)
    })
  })
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

function summary(t: Tally): LoadResult {
  const sorted = Float64Array.from(t.latenciesMs).sort()
  return {
    durationSec: t.durationSec,
    requestsPerSec: t.ok / t.durationSec,
    responsesPerSec: (t.ok + t.non2xx) / t.durationSec,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    okCount: t.ok,
    non2xxCount: t.non2xx,
    errorCount: t.errors,
    statusCounts: t.statusCounts,
  }
}

async function runPaired(spec: LoadSpec): Promise<LoadResult[]> {
  if (spec.requestsPerConnection.length === 0 || spec.requestsPerConnection.some((l) => l.length === 0))
    throw new Error('no requests to send')
  const tallies: Tally[] = spec.targets.map(() => ({
    durationSec: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    statusCounts: {},
    latenciesMs: [],
    offsets: spec.requestsPerConnection.map(() => 0),
  }))
  const offsetsOf = (target: LoadTarget, t: Tally) => (target.consumesRequests ? t.offsets : undefined)
  for (const [i, target] of spec.targets.entries()) {
    if (spec.warmupSec > 0)
      await slice(target.url, spec, spec.warmupSec, offsetsOf(target, tallies[i]!), undefined)
  }
  const sliceSec = spec.measureSec / spec.slices
  for (let s = 0; s < spec.slices; s++) {
    for (const [i, target] of spec.targets.entries())
      await slice(target.url, spec, sliceSec, offsetsOf(target, tallies[i]!), tallies[i]!)
  }
  return tallies.map(summary)
}

process.on('message', (message: { id: number; spec: LoadSpec }) => {
  runPaired(message.spec).then(
    (results) => process.send?.({ id: message.id, results } satisfies WorkerMessage),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies WorkerMessage),
  )
})
// The parent disconnects when the suite is done: nothing else keeps this process.
process.on('disconnect', () => process.exit(0))
