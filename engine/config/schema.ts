/**
 * The console's configuration: one schema, documented field by field.
 * `ConsoleConfigInput` is what a user may write (all optional); `ConsoleConfig` is the result
 * with defaults applied. Secrets (keys, passwords) never live here: see chain/wallet.ts.
 *
 * Imports zod only.
 */
import { z } from 'zod'

const port = z.number().int().min(0).max(65535)
/** A coin symbol as wallets show it: short, no spaces ("ETH", "POL", "ROSE"). */
const nativeSymbol = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.$-]{1,12}$/, 'a coin symbol such as "ETH" (1–12 letters or digits)')

/** Kubernetes: a node affinity as the Pod API has it (GPU pools by instance type, zones). */
const nodeSelectorTermSchema = z
  .object({
    matchExpressions: z
      .array(
        z.object({
          key: z.string().min(1),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    matchFields: z
      .array(
        z.object({
          key: z.literal('metadata.name'),
          operator: z.enum(['In', 'NotIn']),
          values: z.array(z.string()),
        }),
      )
      .optional(),
  })
  .strict()
export const nodeAffinitySchema = z
  .object({
    requiredDuringSchedulingIgnoredDuringExecution: z
      .object({ nodeSelectorTerms: z.array(nodeSelectorTermSchema).min(1) })
      .strict()
      .optional(),
    preferredDuringSchedulingIgnoredDuringExecution: z
      .array(
        z.object({ weight: z.number().int().min(1).max(100), preference: nodeSelectorTermSchema }).strict(),
      )
      .optional(),
  })
  .strict()

/** Ocean Node's AccessList: chain id (decimal string) → access-list contract addresses. */
export const accessListMapSchema = z.record(
  z.string().regex(/^\d+$/, 'a chain id'),
  z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a contract address')),
)

export const computeEnvironmentSchema = z.object({
  /** Stable id shown to consumers (`computeEnvironments[].id`). */
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
  description: z.string().default(''),
  /** Totals for the environment; a job's request is checked against `max`. */
  cpu: z.object({ total: z.number().positive(), max: z.number().positive(), min: z.number().min(0) }),
  ramGb: z.object({ total: z.number().positive(), max: z.number().positive(), min: z.number().min(0) }),
  diskGb: z.object({ total: z.number().positive(), max: z.number().positive(), min: z.number().min(0) }),
  gpu: z.object({ total: z.number().min(0), max: z.number().min(0), min: z.number().min(0) }).optional(),
  minJobDurationSec: z.number().int().min(1).default(60),
  maxJobDurationSec: z.number().int().min(1).default(3600),
  /** Concurrent jobs; more wait in the queue with status 1. */
  maxJobs: z.number().int().min(1).default(2),
  /** How long a job may wait in the queue before it expires (status 2). 0 = forever. */
  queueMaxWaitTimeSec: z.number().int().min(0).default(0),
  storageExpirySec: z.number().int().min(0).default(604800),
  allowNetwork: z.boolean().default(false),
  /** Consumers allowed to use this environment; empty = everyone. Lowercase addresses. */
  accessAddresses: z.array(z.string()).default([]),
  /**
   * Ocean Node's `access.accessLists`: ERC721 access-list contracts per chain id
   * (`[{ "8996": ["0x…"] }]`); a consumer holding a token of any of them (balanceOf > 0) may use
   * the environment, as may one in `accessAddresses`. Both empty = everyone.
   */
  accessLists: z.array(accessListMapSchema).optional(),
  /** Per chain id, per fee token: price per unit per minute (provider-api.md §5). Empty = no paid tier. */
  fees: z
    .record(
      z.string(),
      z.array(
        z.object({
          feeToken: z.string(),
          prices: z.array(z.object({ id: z.string(), price: z.number().min(0) })),
        }),
      ),
    )
    .default({}),
  /** Present = a free tier is offered. */
  free: z
    .object({
      maxJobDurationSec: z.number().int().min(1).default(60),
      maxJobs: z.number().int().min(1).default(1),
      /** Concurrent free jobs per consumer. */
      maxJobsPerConsumer: z.number().int().min(1).default(1),
      cpu: z.number().positive().default(1),
      ramGb: z.number().positive().default(1),
      diskGb: z.number().positive().default(1),
      accessAddresses: z.array(z.string()).default([]),
      /** The free tier's own access lists (Ocean Node's `free.access.accessLists`). */
      accessLists: z.array(accessListMapSchema).optional(),
    })
    .optional(),
  /**
   * Kubernetes: how long each step's pod may stay Pending (Unschedulable, ContainerCreating, a
   * volume that does not attach) before the job fails with the reason from the pod's Events.
   * Unset: the driver's `driver.pendingTimeoutSec`. A GPU pool behind a slow autoscaler wants more.
   */
  pendingTimeoutSec: z.number().int().positive().optional(),
  /** Kubernetes: schedule on matching nodes (GPU pools). */
  nodeSelector: z.record(z.string(), z.string()).optional(),
  /** Kubernetes: node affinity for every job pod (beside nodeSelector and tolerations). */
  nodeAffinity: nodeAffinitySchema.optional(),
  tolerations: z
    .array(
      z.object({
        key: z.string(),
        operator: z.string().optional(),
        value: z.string().optional(),
        effect: z.string().optional(),
      }),
    )
    .optional(),
})
export type ComputeEnvironmentConfig = z.infer<typeof computeEnvironmentSchema>

/** Ocean Protocol's public bootstrap nodes (the list ocean.js 8.6 defaults to). */
export const OCEAN_BOOTSTRAP_PEERS = [
  '/dns4/bootstrap1.oncompute.ai/tcp/9001/ws/p2p/16Uiu2HAmLhRDqfufZiQnxvQs2XHhd6hwkLSPfjAQg1gH8wgRixiP',
  '/dns4/bootstrap2.oncompute.ai/tcp/9001/ws/p2p/16Uiu2HAmHwzeVw7RpGopjZe6qNBJbzDDBdqtrSk7Gcx1emYsfgL4',
  '/dns4/bootstrap3.oncompute.ai/tcp/9001/ws/p2p/16Uiu2HAmBKSeEP3v4tYEPsZsZv9VELinyMCsrVTJW9BvQeFXx28U',
  '/dns4/bootstrap4.oncompute.ai/tcp/9001/ws/p2p/16Uiu2HAmSTVTArioKm2wVcyeASHYEsnx2ZNq467Z4GMDU4ErEPom',
]

export const consoleConfigSchema = z.object({
  /** Where the SQLite store, job folders, dev chain state and keystore live. */
  dataDir: z.string().min(1),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  provider: z
    .object({
      /** Bind address of the Provider endpoint. Loopback unless you mean to expose it. */
      host: z.string().default('127.0.0.1'),
      port: port.default(8030),
      /** URL consumers use (put in DDOs' serviceEndpoint). Default: http://<host>:<port>. */
      publicUrl: z.string().url().optional(),
      /**
       * Serve HTTPS directly from the publisher's certificate chain and key (PEM files). Either file
       * changing (a renewal) is picked up without a restart; new connections get the new certificate.
       */
      tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
      /** Request body limit, bytes. */
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      /** Signed commands per client IP per minute. */
      rateLimitPerMinute: z.number().int().positive().default(120),
      /** Addresses that may run the admin directCommands (Ocean Node's ALLOWED_ADMINS). */
      allowedAdmins: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/)).default([]),
      /** Requests of any kind per client IP (P2P: per peer id) per minute, on every route. */
      requestsPerMinute: z.number().int().positive().default(3000),
      /** Clients refused on every route with 403 CLIENT_DENIED (Ocean Node's RATE_DENY_LIST). */
      denyList: z
        .object({
          /** Client IPs as the socket reports them ("127.0.0.1", "::1", "::ffff:10.0.0.2"). */
          ips: z.array(z.string().min(1)).default([]),
          /** libp2p peer ids of P2P clients. */
          peers: z.array(z.string().min(1)).default([]),
        })
        .prefault({}),
      /**
       * `fileInfo` for a URL anyone sends (Ocean Node probes them): "public" probes hosts that resolve
       * to public addresses only (the address connected to is the one checked, on every redirect),
       * "any" probes every URL (a node whose files live on its own network, as barge's do), "off"
       * refuses them (FILE_INFO_URL_OFF). The node's own assets (`{did, serviceId}`) are always answered.
       */
      fileInfoUrls: z.enum(['public', 'off', 'any']).default('public'),
      /**
       * Ocean Node's persistent storage: consumers keep files on this node in buckets they own
       * (`<dataDir>/persistent-storage/`), through ocean.js' persistentStorage calls. Off by default.
       */
      persistentStorage: z
        .object({
          enabled: z.boolean().default(false),
          /** Who may create buckets (Ocean's AccessList contracts per chain id); [] = any signed caller. */
          accessLists: z
            .array(z.record(z.string().regex(/^\d+$/), z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/))))
            .default([]),
          fileBytesMax: z
            .number()
            .int()
            .positive()
            .default(1024 * 1024 * 1024),
          bucketBytesMax: z
            .number()
            .int()
            .positive()
            .default(4 * 1024 * 1024 * 1024),
          bucketsPerOwnerMax: z.number().int().positive().default(20),
        })
        .prefault({}),
      /** Allowed CORS origins; ["*"] lets browser dApps call the endpoint. */
      corsOrigins: z.array(z.string()).default(['*']),
      /** Lifetime of auth tokens issued by generateAuthToken. */
      authTokenTtlSec: z.number().int().positive().default(3600),
    })
    .prefault({}),
  console: z
    .object({
      /** The console API + UI in headless mode. Always loopback. */
      host: z.literal('127.0.0.1').default('127.0.0.1'),
      /** 0 = pick a free port. */
      port: port.default(0),
    })
    .prefault({}),
  chain: z
    .object({
      /**
       * "dev": in-process EVM with Ocean's contracts (embedded default); "rpc": a real chain;
       * "off": no chain at all — free compute on assets already in the registry only (tests, air-gapped runs).
       */
      mode: z.enum(['dev', 'rpc', 'off']).default('dev'),
      rpcUrl: z.string().url().optional(),
      /** rpc mode: more RPC URLs of the same chain, tried in order when the one in use does not answer. */
      fallbackRpcUrls: z.array(z.string().url()).default([]),
      chainId: z.number().int().positive().optional(),
      /**
       * The native coin's symbol on this chain, shown in Balances ("ETH"); default by chain id for
       * well-known chains (engine/chain/native-symbol.ts), else "native coin".
       */
      nativeSymbol: nativeSymbol.optional(),
      /** Port of the dev chain's JSON-RPC on 127.0.0.1; 0 = pick a free port. */
      devChainPort: port.default(0),
      /** Dev chain only: eth_accounts signs for the deployer and the consumer (barge's unlocked accounts). */
      devChainUnlockedAccounts: z.boolean().default(false),
      /** Override Ocean's address file: contract name → address. */
      contracts: z.record(z.string(), z.string()).optional(),
      rpcTimeoutMs: z.number().int().positive().default(15000),
      /**
       * Ocean Node's `supportedNetworks` beside the primary chain: more chains served at once, each
       * with its RPC URL, fallback RPCs and contract addresses (Ocean's address-file names → address;
       * `Router` and `Escrow` required, `Ocean` and `ERC721Factory` too unless Ocean's address file
       * has the chain). Orders, provider fees, escrow, access lists and the chain indexer of an
       * asset go to the asset's own chain (README "Several chains at once").
       */
      additionalChains: z
        .array(
          z
            .object({
              chainId: z.number().int().positive(),
              /** Ocean Node's `network` name, for display only. */
              network: z.string().min(1).optional(),
              rpcUrl: z.string().url(),
              fallbackRpcUrls: z.array(z.string().url()).default([]),
              /** As `chain.nativeSymbol`, for this chain. */
              nativeSymbol: nativeSymbol.optional(),
              contracts: z.record(
                z.string().min(1),
                z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a contract address'),
              ),
            })
            .strict(),
        )
        .default([]),
      /** Assets published elsewhere with this node as their endpoint (MetadataCreated/Updated/State). */
      indexer: z
        .object({
          enabled: z.boolean().default(true),
          intervalMs: z.number().int().positive().default(2000),
          /** Blocks a reorg may replace and still be undone. */
          reorgDepth: z.number().int().min(0).default(12),
          /** First block of a fresh index; default: 0 on the dev chain, the current head on a real one. */
          startBlock: z.number().int().min(0).optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  driver: z
    .object({
      kind: z.enum(['local', 'kubernetes']).default('local'),
      /** Local: run algorithms without bubblewrap. Trusted algorithms only; clearly labelled in the UI. */
      allowUnsandboxed: z.boolean().default(false),
      /**
       * The gateways dataset files of type ipfs / arweave are fetched through (`<ipfs>/ipfs/<cid>`,
       * `<arweave>/<txId>`), and the Provider's `fileInfo` probes such objects through (Ocean Node's
       * IPFS_GATEWAY / ARWEAVE_GATEWAY). Trusted: they may be on the publisher's own network.
       */
      ipfsGateway: z.string().url().default('https://ipfs.io'),
      arweaveGateway: z.string().url().default('https://arweave.net'),
      /** Kubernetes: a kubeconfig file; default is kubectl's discovery (KUBECONFIG, ~/.kube/config). */
      kubeconfigPath: z.string().optional(),
      /** Kubernetes: KUBECONFIG's list of files (OS path delimiter), read when kubeconfigPath is not set; from the environment. */
      kubeconfigSearchPath: z.string().optional(),
      /** Kubernetes: the default kubeconfig when neither is set (default ~/.kube/config). */
      kubeconfigDefaultPath: z.string().optional(),
      kubeContext: z.string().optional(),
      namespace: z.string().default('ocean-c2d'),
      /** Keep a failed job's cluster objects this long for debugging. */
      failedJobRetentionSec: z.number().int().min(0).default(0),
      /** Kubernetes: the console's own images (a mirror, an air-gapped registry); default pinned by digest. */
      images: z
        .object({ configure: z.string().min(1).optional(), publish: z.string().min(1).optional() })
        .strict()
        .optional(),
      /** Kubernetes: how long a job pod may stay Pending (unschedulable, volume not ready) before the job fails. */
      pendingTimeoutSec: z.number().int().positive().default(900),
      /**
       * Kubernetes: how long a temporary create refusal (a full ResourceQuota, 429, 5xx, no answer),
       * or a stop's, deadline's or the inputs Secret's delete answered 429/5xx, is retried before it is final.
       */
      createRetrySec: z.number().int().positive().default(300),
      /** Kubernetes: how long image pulls may keep failing (the kubelet retries; rate limits pass) before the job fails. */
      imagePullBackoffSec: z.number().int().positive().default(300),
      /** Kubernetes: the job volume's StorageClass; unset: the cluster's default class. */
      storageClassName: z.string().min(1).optional(),
      /** Kubernetes: size of every job pod's /tmp (HOME), an emptyDir; over it the pod is evicted. */
      tmpSizeLimit: z
        .string()
        .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$/)
        .default('256Mi'),
    })
    .prefault({}),
  /** The Operator-Service's own HTTP API (job API without the Provider), always on 127.0.0.1. */
  operatorApi: z
    .object({
      enabled: z.boolean().default(true),
      /** 0 = pick a free port (printed at start). */
      port: port.default(0),
    })
    .prefault({}),
  limits: z
    .object({
      inputFileBytesMax: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024 * 1024),
      outputBytesMax: z
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
    })
    .prefault({}),
  /**
   * The P2P interface (Ocean Node's `/ocean/nodes/1.0.0` over libp2p): lets consumers reach a
   * console behind NAT by peer ID, through a relay. The peer ID derives from the node key.
   */
  p2p: z
    .object({
      /**
       * The switch. Off by default until a publisher turns it on: it opens listening ports and
       * talks to Ocean's public bootstrap nodes.
       */
      enabled: z.boolean().default(false),
      /** libp2p listen multiaddrs (TCP and WebSockets). Port 0 = pick a free port. */
      listenAddresses: z.array(z.string()).default(['/ip4/0.0.0.0/tcp/9000', '/ip4/0.0.0.0/tcp/9001/ws']),
      /** Extra addresses to announce (e.g. a public IP with a forwarded port). */
      announceAddresses: z.array(z.string()).default([]),
      /** DHT entry points. Default: Ocean's public bootstrap nodes (as ocean.js uses). */
      bootstrapPeers: z.array(z.string()).default(OCEAN_BOOTSTRAP_PEERS),
      /** Relays to reserve a slot on, besides those found through the DHT. */
      relayPeers: z.array(z.string()).default([]),
      /** Circuit relay v2 client: listen on /p2p-circuit (reservations on relays). */
      relayClient: z.boolean().default(true),
      /** Act as a relay for others (a public node). */
      relayServer: z.boolean().default(false),
      /** Ask the router for a port mapping (UPnP / NAT-PMP) when it allows it. */
      upnp: z.boolean().default(true),
      /** Tell DHT peers our private addresses too (LANs, tests). */
      dhtAnnouncePrivate: z.boolean().default(false),
    })
    .prefault({}),
  /** Compute environments offered to consumers. Default: one free + paid environment. */
  environments: z.array(computeEnvironmentSchema).optional(),
})

export type P2pConfig = ConsoleConfig['p2p']
export type ConsoleConfigInput = z.input<typeof consoleConfigSchema>
export type ConsoleConfig = z.output<typeof consoleConfigSchema>
