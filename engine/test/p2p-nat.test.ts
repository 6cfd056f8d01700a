/**
 * Issue 15, reachability from behind NAT, in network namespaces this test makes and removes:
 *
 *   cons (198.18.2.2) ── pub: relay + bootstrap + chain RPC (198.18.2.1 | 198.18.1.1) ── nat router
 *   (198.18.1.2, MASQUERADE, no port forwarded) ── priv: the console (10.77.0.2)
 *
 * The console dials out to the relay and holds a reservation; the consumer, given only the
 * console's peer ID and the relay's address, runs the free flow and the paid flow with unmodified
 * ocean.js through the relay. The chain is public infrastructure: the console's embedded dev chain
 * is published on the public network (nat/rpc-forward.ts), so the consumer can pay; nothing else of
 * the console is. Root and `ip netns` are required; without them the test says why and skips.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const HERE = dirname(fileURLToPath(import.meta.url))
const ID = randomBytes(3).toString('hex')
const NS = { pub: `c2d-${ID}-pub`, nat: `c2d-${ID}-nat`, priv: `c2d-${ID}-priv`, cons: `c2d-${ID}-cons` }
const RPC_SOCKET = join(tmpdir(), `c2d-${ID}-chain-rpc.sock`)
const run = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' })
const inNs = (ns: string, ...args: string[]) => run('ip', 'netns', 'exec', ns, ...args)

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_SYS_ADMIN'
  try {
    run('ip', 'netns', 'add', `c2d-${ID}-probe`)
    run('ip', 'netns', 'del', `c2d-${ID}-probe`)
    run('iptables', '--version')
  } catch (error) {
    return `no network-namespace support (ip netns / iptables): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
  }
  return undefined
}
const skipReason = whyNot()
if (skipReason) console.log(`p2p NAT test skipped: ${skipReason}`)

const children: ChildProcess[] = []
const made: string[] = []

function buildNetwork(): void {
  for (const ns of Object.values(NS)) {
    run('ip', 'netns', 'add', ns)
    made.push(ns)
    inNs(ns, 'ip', 'link', 'set', 'lo', 'up')
  }
  const link = (a: string, nsA: string, ipA: string, b: string, nsB: string, ipB: string) => {
    run('ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b)
    run('ip', 'link', 'set', a, 'netns', nsA)
    run('ip', 'link', 'set', b, 'netns', nsB)
    inNs(nsA, 'ip', 'addr', 'add', ipA, 'dev', a)
    inNs(nsB, 'ip', 'addr', 'add', ipB, 'dev', b)
    inNs(nsA, 'ip', 'link', 'set', a, 'up')
    inNs(nsB, 'ip', 'link', 'set', b, 'up')
  }
  link(`c2d${ID}a`, NS.pub, '198.18.1.1/24', `c2d${ID}b`, NS.nat, '198.18.1.2/24')
  link(`c2d${ID}c`, NS.nat, '10.77.0.1/24', `c2d${ID}d`, NS.priv, '10.77.0.2/24')
  link(`c2d${ID}e`, NS.pub, '198.18.2.1/24', `c2d${ID}f`, NS.cons, '198.18.2.2/24')
  inNs(NS.nat, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')
  inNs(NS.nat, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', `c2d${ID}b`, '-j', 'MASQUERADE')
  inNs(NS.nat, 'ip', 'route', 'add', 'default', 'via', '198.18.1.1')
  inNs(NS.priv, 'ip', 'route', 'add', 'default', 'via', '10.77.0.1')
  // No default route for the consumer: the console's private addresses fail at once, not by timeout.
  inNs(NS.cons, 'ip', 'route', 'add', '198.18.1.0/24', 'via', '198.18.2.1')
}

function teardown(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(RPC_SOCKET, { force: true })
  for (const ns of made.splice(0)) {
    try {
      run('ip', 'netns', 'del', ns) // removes its veths and iptables rules with it
    } catch {
      // already gone
    }
  }
}

/** Starts a script in a namespace and resolves with the first JSON line it prints. */
function startIn(
  ns: string,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(HERE, 'nat', script), ...args],
    {
      cwd: join(HERE, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} printed nothing in time; stderr: ${stderr}`)),
      timeoutMs,
    )
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return
      clearTimeout(timer)
      resolve(JSON.parse(line) as Record<string, unknown>)
    })
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}; stderr: ${stderr}`)))
  })
}

afterAll(teardown)
process.once('exit', teardown)

describe.skipIf(skipReason !== undefined)('a console behind NAT, reached by peer ID through a relay', () => {
  it('runs the free and the paid flow with ocean.js given only the peer ID and the bootstrap address', async () => {
    buildNetwork()
    // The router hides the console: from the public side there is no route to it.
    expect(() => inNs(NS.pub, 'ping', '-c1', '-W1', '10.77.0.2')).toThrow()
    const relay = await startIn(NS.pub, 'relay-node.ts', ['4101', '4102'], 60_000)
    const relayId = String(relay.peerId)
    const consoleNode = await startIn(
      NS.priv,
      'console-node.ts',
      [`/ip4/198.18.1.1/tcp/4101/p2p/${relayId}`, RPC_SOCKET],
      120_000,
    )
    const forward = await startIn(NS.pub, 'rpc-forward.ts', ['198.18.2.1', '8545', RPC_SOCKET], 30_000)
    const devChain = { ...(consoleNode.devChain as object), rpcUrl: forward.rpcUrl }
    expect((consoleNode.relayed as string[]).some((a) => a.includes(`/p2p/${relayId}/p2p-circuit`))).toBe(
      true,
    )
    const result = await startIn(
      NS.cons,
      'consumer.ts',
      [String(consoleNode.peerId), `/ip4/198.18.2.1/tcp/4102/ws/p2p/${relayId}`, JSON.stringify(devChain)],
      360_000,
    )
    expect(result.error).toBeUndefined()
    type Seen = {
      status: number
      exitCode: number
      agreementId?: string
      results: Array<{ type: string; bytes: number; filesize: number }>
    }
    const free = result.free as Seen
    const paid = result.paid as Seen
    expect(result.ok).toBe(true)
    expect(free).toMatchObject({ status: 70, exitCode: 0 })
    expect(paid).toMatchObject({ status: 70, exitCode: 0 })
    // The paid job ran on an escrow agreement made on the public chain.
    expect(paid.agreementId).toMatch(/^0x[0-9a-f]+$/i)
    for (const job of [free, paid]) {
      expect(job.results.map((r) => r.type)).toEqual(expect.arrayContaining(['algorithmLog', 'output']))
      for (const r of job.results) expect(r.bytes).toBe(r.filesize)
    }
    // It went through the relay (or a hole DCUtR punched after meeting there): never the private address.
    expect(String(result.via)).toMatch(/p2p-circuit|198\.18\.1\.2/)
  }, 480_000)
})
