/**
 * Provider suite (provider): requests/second and p50/p99 latency of the Provider endpoint under
 * autocannon on loopback, at 1 and 64 connections, each beside a bare `node:http` server that
 * answers the same bytes, measured in the same run with the same client settings:
 *  - `GET computeStatus` of one job (consumerAddress + jobId) with 10,000 jobs in the store, and the
 *    owner-list variant (consumerAddress only; that owner has 5 jobs);
 *  - `GET nonce`, `GET /` (the root document ocean.js reads before every call) and `computeEnvironments`;
 *  - a signed `GET computeResult` of a 1 MiB result file: every request carries its own nonce and
 *    signature (pre-signed before the run as ocean.js signs; each connection signs for its own
 *    address so its nonces arrive in order). Not the auth-token path.
 * Goals from the issues, reported per row and never asserted: status, `GET /`, computeEnvironments
 * (and computeResult at 64 connections) ≥ 50% of the bare server's
 * throughput; p99 < 20 ms at 64 connections (read for every endpoint here).
 * The load runs in a child process (provider-load-client.ts); the servers share this one.
 * `BENCH_PROVIDER_SEC` shortens or lengthens each measured run (default 4 s per server, plus 1 s warm-up each;
 * the whole suite then takes ~2 minutes);
 * `BENCH_PROVIDER_ONLY=<text>` measures only the endpoints whose label contains it (profiling;
 * `P2P` runs only the P2P rows of provider-p2p.ts (the same commands over libp2p beside HTTP) and
 * provider-p2p-relay.ts (a new consumer through a circuit relay running a free job, beside HTTP)).
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import type { BenchRow } from './bench-row'
import { providerP2pRows } from './provider-p2p'
import { providerP2pRelayRows } from './provider-p2p-relay'
import { startBareServer, type BareServer, type CapturedResponse } from './provider-bare-server'
import {
  RATE_LIMIT_PER_MINUTE,
  signedResultRequests,
  startProviderFixture,
  type ProviderFixture,
} from './provider-fixture'
import { startLoadClient, type LoadClient, type LoadRequest, type LoadResult } from './provider-load-client'

const SUITE = 'provider'
const JOB_COUNT = 10_000
const RESULT_SIZE_BYTES = 1024 * 1024
const CONNECTIONS = [1, 64] as const
const MEASURE_SEC = Number(process.env.BENCH_PROVIDER_SEC ?? 4)
const ONLY = process.env.BENCH_PROVIDER_ONLY ?? ''
/** run.ts keeps bench/results.json as it was after a BENCH_PROVIDER_ONLY run (its rows would replace the suite's). */
export const isPartialRun = () => ONLY !== ''
const WARMUP_SEC = 1
/** Provider and bare server alternate in this many slices of each measured run (shared machine: load comes and goes). */
const SLICES = 2
const P99_GOAL_MS = 20
const RATIO_GOAL = 0.5
/** Signed lists are sized from the warm-up rate with this margin (connections are not served evenly). */
const SIGNED_MARGIN = 2.5
/** Warm-up guess before anything is known, and a cap so a surprise cannot stall the suite signing. */
const SIGNED_WARMUP_GUESS_PER_SEC = 1_000
const SIGNED_MAX_TOTAL = 30_000

interface Endpoint {
  label: string
  /** Connection counts whose provider/bare throughput has the ≥ 0.5 goal (issues 3 and 14). */
  ratioGoalAt: readonly number[]
  /** Every request carries a fresh nonce: lists are sized from a calibration run and never replayed. */
  isSigned: boolean
  /** One real Provider answer, which the bare server then repeats byte for byte. */
  capture(): Promise<CapturedResponse>
  /** Request lists for one run at `connections`, enough for `expectedTotal` requests. */
  requests(connections: number, expectedTotal: number): LoadRequest[][]
}

interface Measured {
  provider: LoadResult
  bare: LoadResult
}

async function fetchCapture(url: string): Promise<CapturedResponse> {
  const response = await fetch(url)
  const body = Buffer.from(await response.arrayBuffer())
  if (response.status !== 200)
    throw new Error(
      `provider bench: ${url.split('?')[0]} answered ${response.status}: ${body.toString('utf8').slice(0, 200)}`,
    )
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    body,
  }
}

function endpoints(fixture: ProviderFixture): Endpoint[] {
  const owner = fixture.signers[0]!.address
  const fixed = (label: string, path: string, ratioGoalAt: readonly number[]): Endpoint => ({
    label,
    ratioGoalAt,
    isSigned: false,
    capture: () => fetchCapture(fixture.providerUrl + path),
    requests: () => [[{ method: 'GET', path }]],
  })
  // Nonces only have to increase per address (gaps are fine), so every list starts above the last.
  let nextNonce = 1n
  const signed = (connections: number, expectedTotal: number) => {
    const perConnection =
      Math.ceil(Math.min(SIGNED_MAX_TOTAL, expectedTotal * SIGNED_MARGIN) / connections) + 16
    const lists = fixture.signers
      .slice(0, connections)
      .map((signer) => signedResultRequests(signer, nextNonce, perConnection, fixture.resultJobId))
    nextNonce += BigInt(perConnection)
    return lists
  }
  return [
    fixed(
      `computeStatus jobId (${JOB_COUNT} jobs)`,
      `/api/services/compute?consumerAddress=${owner}&jobId=${fixture.statusJobId}`,
      CONNECTIONS,
    ),
    fixed(
      `computeStatus owner list (5 of ${JOB_COUNT} jobs)`,
      `/api/services/compute?consumerAddress=${owner}`,
      CONNECTIONS,
    ),
    fixed('nonce', `/api/services/nonce?userAddress=${owner}`, []),
    // ocean.js reads the root document before every call (issue 14: ≥ 0.5× bare).
    fixed('GET /', '/', CONNECTIONS),
    fixed('computeEnvironments', '/api/services/computeEnvironments', CONNECTIONS),
    {
      label: `computeResult ${RESULT_SIZE_BYTES / 1024 / 1024} MiB signed`,
      ratioGoalAt: [64],
      isSigned: true,
      capture: () => fetchCapture(fixture.providerUrl + signed(1, 0)[0]![0]!.path),
      requests: signed,
    },
  ]
}

async function measure(
  endpoint: Endpoint,
  connections: number,
  fixture: ProviderFixture,
  bare: BareServer,
  load: LoadClient,
): Promise<Measured> {
  bare.respondWith(await endpoint.capture())
  let expectedTotal = 0
  if (endpoint.isSigned) {
    // Calibration (also the Provider's warm-up): how fast signed requests go, to sign enough.
    const lists = endpoint.requests(connections, SIGNED_WARMUP_GUESS_PER_SEC * WARMUP_SEC)
    const [calibration] = await load.run({
      targets: [{ url: fixture.providerUrl, consumesRequests: true }],
      connections,
      warmupSec: 0,
      measureSec: WARMUP_SEC,
      slices: 1,
      requestsPerConnection: lists,
    })
    expectedTotal = Math.max(50, calibration!.responsesPerSec) * (WARMUP_SEC + MEASURE_SEC)
  }
  // The same lists go to the bare server, so both see the same request bytes.
  const [provider, bareResult] = await load.run({
    targets: [
      { url: fixture.providerUrl, consumesRequests: endpoint.isSigned },
      { url: bare.url, consumesRequests: false },
    ],
    connections,
    warmupSec: WARMUP_SEC,
    measureSec: MEASURE_SEC,
    slices: SLICES,
    requestsPerConnection: endpoint.requests(connections, expectedTotal),
  })
  return { provider: provider!, bare: bareResult! }
}

function rowsFor(endpoint: Endpoint, connections: number, m: Measured): BenchRow[] {
  const name = (what: string) => `${endpoint.label} · ${connections} conn · ${what}`
  const baseline = (value: number) => ({ name: 'bare node:http, same bytes', value })
  const ratio = m.provider.requestsPerSec / m.bare.requestsPerSec
  const problems = [
    m.provider.non2xxCount > 0
      ? `provider answered ${m.provider.non2xxCount} non-2xx (${JSON.stringify(m.provider.statusCounts)})`
      : '',
    m.provider.errorCount > 0 ? `provider: ${m.provider.errorCount} socket errors/timeouts` : '',
    m.bare.errorCount > 0 ? `bare: ${m.bare.errorCount} socket errors/timeouts` : '',
  ].filter(Boolean)
  const note = [
    `${m.provider.okCount} provider / ${m.bare.okCount} bare 2xx in ${m.provider.durationSec}/${m.bare.durationSec} s`,
    ...problems,
  ].join('; ')
  const p99GoalMet = m.provider.p99Ms < P99_GOAL_MS && m.provider.non2xxCount === 0
  return [
    {
      suite: SUITE,
      name: name('throughput'),
      value: m.provider.requestsPerSec,
      unit: 'req/s',
      baseline: baseline(m.bare.requestsPerSec),
      note,
    },
    {
      suite: SUITE,
      name: name('p50'),
      value: m.provider.p50Ms,
      unit: 'ms',
      baseline: baseline(m.bare.p50Ms),
    },
    {
      suite: SUITE,
      name: name('p99'),
      value: m.provider.p99Ms,
      unit: 'ms',
      baseline: baseline(m.bare.p99Ms),
      ...(connections === 64
        ? {
            goal: `< ${P99_GOAL_MS} ms`,
            goalMet: p99GoalMet,
            // Closed loop: every connection waits for its answer, so mean latency = connections / throughput.
            note: `Little's law: ${connections} busy connections under ${P99_GOAL_MS} ms need ≥ ${Math.round((connections * 1000) / P99_GOAL_MS)} req/s; the bare server did ${Math.round(m.bare.requestsPerSec)}`,
          }
        : {}),
    },
    {
      suite: SUITE,
      name: name('provider/bare throughput'),
      value: ratio,
      unit: '× bare',
      ...(endpoint.ratioGoalAt.includes(connections)
        ? {
            goal: `≥ ${RATIO_GOAL}`,
            goalMet: ratio >= RATIO_GOAL && m.provider.non2xxCount === 0,
          }
        : {}),
    },
  ]
}

export default async function providerBench(): Promise<BenchRow[]> {
  const startedAtMs = performance.now()
  const loadBefore = os.loadavg()[0]!.toFixed(2)
  const fixture = await startProviderFixture({
    jobCount: JOB_COUNT,
    signerCount: Math.max(...CONNECTIONS),
    resultSizeBytes: RESULT_SIZE_BYTES,
  })
  const bare = await startBareServer()
  const load = await startLoadClient()
  try {
    const rows: BenchRow[] = []
    for (const endpoint of endpoints(fixture).filter((e) => e.label.includes(ONLY))) {
      for (const connections of CONNECTIONS) {
        process.stderr.write(
          `bench: provider: ${endpoint.label} at ${connections} connection(s) … (${((performance.now() - startedAtMs) / 1000).toFixed(0)} s)\n`,
        )
        rows.push(
          ...rowsFor(endpoint, connections, await measure(endpoint, connections, fixture, bare, load)),
        )
      }
    }
    if (!ONLY || ONLY.includes('P2P')) rows.push(...(await providerP2pRows(SUITE)))
    if (!ONLY || ONLY.includes('P2P')) rows.push(...(await providerP2pRelayRows(SUITE)))
    if (rows.length === 0) return rows
    const setup = `autocannon 9 in a child process, pipelining 1, ${WARMUP_SEC} s warm-up + ${MEASURE_SEC} s per server in ${SLICES} alternating slices (provider, bare, provider, bare), loopback; 1-min load average ${loadBefore} before, ${os.loadavg()[0]!.toFixed(2)} after (other processes share the ${os.cpus().length} cores); provider = startCore (chain off, FakeDriver, log level silent); provider.rateLimitPerMinute raised to ${RATE_LIMIT_PER_MINUTE} (signed commands are limited per IP and all load comes from 127.0.0.1); computeResult signed per request (consumerAddress+nonce+signature, one signer per connection), not an auth token`
    rows[0] = { ...rows[0]!, note: `${setup}. ${rows[0]!.note ?? ''}` }
    return rows
  } finally {
    await load.close()
    await bare.close()
    await fixture.close()
  }
}
