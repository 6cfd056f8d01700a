/**
 * A test bed for the publish tests that need whole engines on one data dir (publish-environments,
 * unfinished-publishes): each engine is its own SQLite handle, chain + publishing stack and console
 * service; the first runs the dev chain, later ones reach it by RPC (same keystore, same DB), as an
 * engine started again after a crash would. A publish is stopped "as by a crash" by throwing from its
 * progress listener (`crashAt`). Test code only.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeClock } from '../clock'
import { consoleConfigSchema } from '../config/schema'
import { MemoryLogger } from '../logging'
import type { ConsoleService, MethodParsedInput } from '../console-api/contract'
import { createFakePorts } from '../console-api/fake-ports'
import { createConsoleService } from '../console-api/service'
import type { PublishEvent } from '../publishing/recorded-tx'
import { startChainPublishing, type ChainPublishing } from '../publishing/start-publishing'
import { AuditRepo, type AuditEventInput } from '../store/audit-repo'
import { openDatabase, type Database } from '../store/database'
import { DatasetPoliciesRepo } from '../store/dataset-policies-repo'

/** The fake environment store's one environment. */
export const ALLOWED = 'free-local'

/** One engine on the data dir: its own SQLite handle, chain + publishing stack and console service. */
export interface Engine {
  db: Database
  stack: ChainPublishing
  service: ConsoleService
  /** The asset port the service publishes through (its progress listeners are its own). */
  port: ReturnType<ChainPublishing['assetPort']>
  policies: DatasetPoliciesRepo
  audit: AuditRepo
  /** Throws from inside the publish (as a crash would stop it) when `crashAt` matches an event. */
  crashAt?: (event: PublishEvent) => boolean
  events: PublishEvent[]
}

export interface PublishEngineBed {
  dataDir: string
  clock: FakeClock
  /** The first engine ('dev') starts the dev chain; later ones take a running engine's stack. */
  startEngine(chain: 'dev' | ChainPublishing): Promise<Engine>
  /** Every engine started, the dev chain's last (stop in this order). */
  stopAll(): Promise<void>
}

export function publishEngineBed(options: {
  name: string
  providerUrl: string
  walletPassword: string
}): PublishEngineBed {
  const { providerUrl, walletPassword } = options
  const dataDir = mkdtempSync(join(tmpdir(), `c2d-${options.name}-`))
  const clock = new FakeClock()
  const engines: Engine[] = []
  async function startEngine(chain: 'dev' | ChainPublishing): Promise<Engine> {
    const db = openDatabase({ file: join(dataDir, 'console.db') })
    const config = consoleConfigSchema.parse({
      dataDir,
      // A second engine talks to the first one's dev chain (it keeps the NFTs); same keystore, same DB.
      ...(chain === 'dev'
        ? {}
        : {
            chain: {
              mode: 'rpc',
              rpcUrl: chain.rpcUrl,
              chainId: chain.chainId,
              contracts: chain.contracts as unknown as Record<string, string>,
            },
          }),
    })
    const stack = await startChainPublishing({
      config,
      db,
      logger: new MemoryLogger(),
      clock,
      ...(chain === 'dev' ? {} : { secrets: { walletPassword } }),
    })
    if (chain === 'dev') await stack.wallet.create(walletPassword)
    const policies = new DatasetPoliciesRepo(db)
    const audit = new AuditRepo(db)
    const ports = createFakePorts()
    const port = stack.assetPort(providerUrl)
    const engine: Engine = { db, stack, port, service: undefined as never, policies, audit, events: [] }
    port.onPublishProgress((event) => {
      engine.events.push(event)
      if (engine.crashAt?.(event)) {
        engine.crashAt = undefined
        throw new Error('simulated crash')
      }
    })
    engine.service = createConsoleService({
      ...ports,
      assets: port,
      review: {
        getPolicy: (did) => policies.get(did),
        setPolicy: (did, policy) => policies.set(did, policy, clock.nowMs()),
        hasDataset: (did) => stack.registry.get(did)?.kind === 'dataset',
        listHeld: () => [],
        inspect: () => Promise.reject(new Error('not in this test')),
        release: () => {
          throw new Error('not in this test')
        },
        reject: () => {
          throw new Error('not in this test')
        },
      },
      audit: {
        list: (filter) => audit.list(filter),
        head: () => audit.head(),
        verify: () => audit.verify(),
        record: (event) => void audit.append(event as AuditEventInput, clock.nowMs()),
        signMessage: async () => undefined,
      },
    })
    // The service's wallet gate (the fake wallet port); the stack's real keystore signs.
    await engine.service.createWallet({ password: walletPassword, confirm: true })
    engines.push(engine)
    return engine
  }

  return {
    dataDir,
    clock,
    startEngine,
    async stopAll() {
      // The first engine runs the dev chain: stopped last.
      for (const engine of engines.reverse()) {
        await engine.stack.stop()
        engine.db.close()
      }
    },
  }
}

export const draft = (name: string): MethodParsedInput<'publishAsset'>['draft'] => ({
  kind: 'dataset',
  name,
  description: '',
  author: 'test',
  license: 'MIT',
  service: {
    files: [{ type: 'url', url: 'https://example.org/weather.csv', method: 'get', headers: {} }],
    timeoutSec: 3600,
    allowRawAlgorithm: false,
    allowNetworkAccess: false,
    publisherTrustedAlgorithmPublishers: [],
    publisherTrustedAlgorithms: [],
  },
})

export const policyChanges = (engine: Engine, did: string) =>
  engine.audit
    .list({ type: 'config.changed', subject: did })
    .filter((e) => (e.details as { setting?: string }).setting === 'dataset-policy')
