/**
 * Every Kubernetes object one compute job becomes, built from its JobSpec (pure: no I/O, no client).
 *
 * A job is three pods in sequence over one PersistentVolumeClaim (the job volume of c2d.md), like
 * the seed's configure → algorithm → publish steps:
 *   - `configure` fetches the dataset files and the algorithm into the volume. It alone mounts the
 *     job's Secret (dataset URLs, headers, inline files) and alone may reach the network.
 *   - `algorithm` runs the consumer's algorithm: no Secret, no service-account token, egress denied
 *     by a NetworkPolicy unless the environment allows network, `activeDeadlineSeconds` = the job's
 *     maxJobDuration (its own pod, so the deadline times the algorithm only).
 *   - `publish` holds the volume while the console copies `/data/outputs` out through the API
 *     (exec + tar, as `kubectl cp` does): the cluster never connects back to the console.
 * Separate pods rather than init containers: the deadline and the egress policy apply to the
 * algorithm alone, and a failed algorithm still leaves a running pod to collect its outputs from.
 *
 * Must not import operator-service, provider, store or the local driver.
 */
import { createHash } from 'node:crypto'
import type { FileSource, JobSpec, NodeAffinity, NodeSelectorTerm } from '../../driver'
import { CONFIGURE_SCRIPT } from './configure-script'

export const MANAGED_BY = 'ocean-c2d-console'
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  jobId: 'c2d.oceanprotocol.com/job-id',
  step: 'c2d.oceanprotocol.com/step',
} as const
export const ANNOTATION_JOB_ID = 'c2d.oceanprotocol.com/job-id'

export type Step = 'configure' | 'algorithm' | 'publish'
/** The configure pod's init container that pulls the algorithm's image first. */
export const IMAGE_CHECK = 'image-check'
export const STEPS: readonly Step[] = ['configure', 'algorithm', 'publish']

/** Exit codes of the configure step: which input failed (31 vs 32 in Ocean's statuses). */
export const CONFIGURE_EXIT = { dataset: 2, algorithm: 3 } as const

export interface ManifestOptions {
  namespace: string
  images: { configure: string; publish: string }
  /** How long the configure step may take (downloads). */
  configureDeadlineSec: number
  /** How long the publish pod waits for the console to copy the outputs. */
  publishHoldSec: number
  ipfsGateway: string
  arweaveGateway: string
  /** Files of type `local` are sent inside the Secret, up to this many bytes in total. */
  inlineBytesMax: number
  /**
   * runAsUser = runAsGroup = fsGroup of every pod; undefined leaves them to the platform, as
   * OpenShift's restricted-v2 requires (it assigns them from the project's UID range). The driver
   * clears it where the namespace carries OPENSHIFT_UID_RANGE. runAsNonRoot stays either way.
   */
  runAsUser: number | undefined
  /** sizeLimit of every pod's `/tmp` emptyDir (HOME is there): over it the kubelet evicts the pod. */
  tmpSizeLimit: string
  /**
   * Added to the algorithm pod's activeDeadlineSeconds, which counts from the pod's StartTime (the
   * image pull and the volume's fsGroup change come first). The algorithm's own time is counted
   * by the driver from its container's start.
   */
  deadlinePullAllowanceSec: number
  /** The job volume's StorageClass; undefined: the cluster's default class. */
  storageClassName?: string
}

/** OpenShift's annotation on every project: the UIDs its restricted SCCs assign (`<first>/<size>`). */
export const OPENSHIFT_UID_RANGE = 'openshift.io/sa.scc.uid-range'

export const DEFAULT_MANIFEST_OPTIONS: Omit<ManifestOptions, 'namespace'> = {
  // Pinned by digest (the multi-arch index of each tag), so a re-pushed tag cannot change what runs
  // in the console's pods. Mirrors and air-gapped clusters set driver.images (README).
  images: {
    configure: 'node:22-alpine@sha256:8094c002d08262dba12645a3b4a15cd6cd627d30bc782f53229a2ec13ee22a00',
    publish: 'busybox:1.36@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662',
  },
  configureDeadlineSec: 3600,
  publishHoldSec: 3600,
  ipfsGateway: 'https://ipfs.io',
  arweaveGateway: 'https://arweave.net',
  inlineBytesMax: 512 * 1024,
  runAsUser: 1000,
  tmpSizeLimit: '256Mi',
  deadlinePullAllowanceSec: 600,
}

/** A DNS-1123 fragment for names and a label value (≤ 63 chars) from any job id. */
export function jobKey(jobId: string): string {
  return /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(jobId)
    ? jobId
    : createHash('sha256').update(jobId).digest('hex').slice(0, 32)
}

export function objectNames(jobId: string) {
  const key = jobKey(jobId)
  return {
    secret: `c2d-${key}-inputs`,
    pvc: `c2d-${key}-data`,
    ingressPolicy: `c2d-${key}-no-ingress`,
    egressPolicy: `c2d-${key}-no-egress`,
    pod: (step: Step) => `c2d-${key}-${step}`,
  }
}

/** The labels of everything the console creates: job objects and the egress canary. */
export const CONSOLE_LABELS: Readonly<Record<string, string>> = {
  [LABELS.managedBy]: MANAGED_BY,
  [LABELS.partOf]: 'ocean-c2d',
}

export function jobLabels(jobId: string, step?: Step): Record<string, string> {
  return {
    ...CONSOLE_LABELS,
    [LABELS.jobId]: jobKey(jobId),
    ...(step ? { [LABELS.step]: step } : {}),
  }
}

/**
 * The label selector of every job object this console manages, or of one job. The job-id label is
 * required: the egress canary is the console's too, but no job's, so the job watch and the job
 * sweeps never see it (it has its own sweep, health.ts sweepEgressCanaries).
 */
export function selectorOf(jobId?: string): string {
  return jobId
    ? `${LABELS.managedBy}=${MANAGED_BY},${LABELS.jobId}=${jobKey(jobId)}`
    : `${LABELS.managedBy}=${MANAGED_BY},${LABELS.jobId}`
}

/** The configure step's input document (lives only in the Secret). */
export interface ConfigureInputs {
  datasets: Array<{
    did: string
    ddo: unknown
    files: Array<FileSource | { type: 'inline'; base64: string; sizeBytes: number }>
  }>
  algorithm: {
    did?: string
    ddo?: unknown
    source:
      FileSource | { type: 'rawcode'; code: string } | { type: 'inline'; base64: string; sizeBytes: number }
  }
  algoCustomData?: Record<string, unknown>
  /**
   * Files from the consumer's persistent-storage buckets (nodePersistentStorage datasets), inlined:
   * written to /data/persistentStorage/<bucketId>/<fileName>, mounted read-only in the algorithm pod.
   */
  storage?: Array<{ bucketId: string; fileName: string; base64: string; sizeBytes: number }>
  inputFileBytesMax: number
  gateways: { ipfs: string; arweave: string }
}

/** The API server refuses a Secret whose data is over 1 MiB (etcd's object limit keeps it there). */
export const SECRET_BYTES_MAX = 1024 * 1024

export class ManifestError extends Error {
  constructor(
    readonly stage: 'dataset' | 'algorithm',
    message: string,
  ) {
    super(message)
  }
}

/** The job's inputs do not fit in the Secret (SECRET_BYTES_MAX): the driver's admit() refuses such a job. */
export class SecretTooLargeError extends ManifestError {}

/**
 * Persistent-storage files are inlined like local files: over `inlineBytesMax` in total the job
 * cannot go to the cluster, and the driver's admit() refuses it (they cannot be published by URL).
 */
export class StorageInlineTooLargeError extends ManifestError {}

/**
 * Builds the Secret's document. Local files are read by `readLocal` (the console's disk, which the
 * cluster cannot see) and inlined; over `inlineBytesMax` in total this throws a ManifestError that
 * says to publish the file by URL.
 */
export function configureInputs(
  spec: JobSpec,
  options: Pick<ManifestOptions, 'inlineBytesMax' | 'ipfsGateway' | 'arweaveGateway'>,
  readLocal: (path: string) => Buffer,
  /** Reads a bucket file (the driver: without following a link, as the local sandbox stages it). */
  readStorage: (path: string) => Buffer = readLocal,
): ConfigureInputs {
  let inlined = 0
  const storage = (spec.storageInputs ?? []).map((input) => {
    let bytes: Buffer
    try {
      bytes = readStorage(input.path)
    } catch {
      throw new ManifestError(
        'dataset',
        `persistent storage file ${input.fileName}: it cannot be read on this computer`,
      )
    }
    inlined += bytes.length
    if (inlined > options.inlineBytesMax)
      throw new StorageInlineTooLargeError(
        'dataset',
        `persistent storage file ${input.fileName}: files in persistent storage (nodePersistentStorage) are sent to the Kubernetes cluster inside the job's Secret, and the job's local files and bucket files may take at most ${options.inlineBytesMax} bytes in total there; run the job in a local environment`,
      )
    return {
      bucketId: input.bucketId,
      fileName: input.fileName,
      base64: bytes.toString('base64'),
      sizeBytes: bytes.length,
    }
  })
  const inline = (source: FileSource, stage: 'dataset' | 'algorithm', what: string) => {
    if (source.type !== 'local') return source
    let bytes: Buffer
    try {
      bytes = readLocal(source.path)
    } catch {
      throw new ManifestError(stage, `${what}: the local file cannot be read on this computer`)
    }
    inlined += bytes.length
    if (inlined > options.inlineBytesMax) {
      throw new ManifestError(
        stage,
        `${what}: local files over ${options.inlineBytesMax} bytes in total cannot be sent to a Kubernetes cluster (it cannot read this computer's disk); publish the file by URL`,
      )
    }
    return { type: 'inline' as const, base64: bytes.toString('base64'), sizeBytes: bytes.length }
  }
  const source = spec.algorithm.source
  return {
    datasets: spec.datasets.map((d) => ({
      did: d.did,
      ddo: d.ddo,
      files: d.files.map((f, i) => inline(f, 'dataset', `dataset ${d.did} file ${i}`)),
    })),
    algorithm: {
      ...(spec.algorithm.did ? { did: spec.algorithm.did, ddo: spec.algorithm.ddo } : {}),
      source: source.type === 'rawcode' ? source : inline(source, 'algorithm', 'algorithm'),
    },
    ...(spec.algoCustomData ? { algoCustomData: spec.algoCustomData } : {}),
    ...(storage.length > 0 ? { storage } : {}),
    inputFileBytesMax: spec.limits.inputFileBytesMax,
    gateways: { ipfs: options.ipfsGateway, arweave: options.arweaveGateway },
  }
}

type Obj = Record<string, unknown>

const DATA_MOUNT = '/data'
const SECRET_MOUNT = '/c2d/inputs'
const STORAGE_MOUNT = '/data/persistentStorage'

function podSecurity(options: ManifestOptions): Obj {
  return {
    runAsNonRoot: true,
    ...(options.runAsUser === undefined
      ? {}
      : { runAsUser: options.runAsUser, runAsGroup: options.runAsUser, fsGroup: options.runAsUser }),
    // Only a volume whose root has the wrong owner is chowned (not every file on each pod start).
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  }
}

const CONTAINER_SECURITY: Obj = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
}

function memory(gb: number): string {
  return `${Math.max(64, Math.round(gb * 1024))}Mi`
}

function cpu(cores: number): string {
  return `${Math.max(10, Math.round(cores * 1000))}m`
}

/**
 * Service-mesh opt-out on every job pod: an injected Istio or Linkerd sidecar keeps a pod Running
 * after its container exits, holding the RWO volume and its GPU until the deadline. Istio reads
 * the label (newer) and the annotation; Linkerd the annotation.
 */
export const MESH_OPT_OUT = {
  labels: { 'sidecar.istio.io/inject': 'false' },
  annotations: { 'sidecar.istio.io/inject': 'false', 'linkerd.io/inject': 'disabled' },
} as const

/**
 * Where every pod of a job may run: Linux nodes, and the environment's nodeSelector, tolerations and
 * node affinity (the same for all three pods, so the volume lands where the algorithm may run).
 */
function placement(environment: JobSpec['environment']): Obj {
  return {
    nodeSelector: { 'kubernetes.io/os': 'linux', ...environment.nodeSelector },
    ...(environment.tolerations ? { tolerations: environment.tolerations } : {}),
    ...(environment.nodeAffinity ? { affinity: { nodeAffinity: environment.nodeAffinity } } : {}),
  }
}

function pod(jobId: string, step: Step, options: ManifestOptions, spec: Obj, extraVolumes: Obj[] = []): Obj {
  const names = objectNames(jobId)
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: names.pod(step),
      namespace: options.namespace,
      labels: { ...jobLabels(jobId, step), ...MESH_OPT_OUT.labels },
      annotations: { [ANNOTATION_JOB_ID]: jobId, ...MESH_OPT_OUT.annotations },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: podSecurity(options),
      terminationGracePeriodSeconds: 5,
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: names.pvc } },
        { name: 'tmp', emptyDir: { sizeLimit: options.tmpSizeLimit } },
        ...extraVolumes,
      ],
      ...spec,
    },
  }
}

/** The algorithm's shell command: the DDO's entrypoint with `$ALGO` → the algorithm file (c2d.md). */
export function algorithmCommand(entrypoint: string): string[] {
  return ['sh', '-c', entrypoint.replaceAll('$ALGO', `${DATA_MOUNT}/transformations/algorithm`)]
}

export interface JobObjects {
  secret: Obj
  pvc: Obj
  networkPolicies: Obj[]
  pods: Record<Step, Obj>
}

/** Every object of a job, in creation order (Secret, PVC, policies, then the pods one by one). */
export function buildJobObjects(
  spec: JobSpec,
  inputs: ConfigureInputs,
  options: ManifestOptions,
): JobObjects {
  const { jobId } = spec
  const names = objectNames(jobId)
  const labels = jobLabels(jobId)
  const meta = (name: string) => ({
    name,
    namespace: options.namespace,
    labels,
    annotations: { [ANNOTATION_JOB_ID]: jobId },
  })
  const image = (ref: string, tag: string) => (tag ? `${ref}:${tag}` : ref)

  const inputsJson = JSON.stringify(inputs)
  const inputsBytes = Buffer.byteLength(inputsJson)
  if (inputsBytes > SECRET_BYTES_MAX) {
    // Blame the bigger part: the algorithm (raw code, its DDO, an inline file) or the datasets.
    const algorithmBytes = Buffer.byteLength(JSON.stringify(inputs.algorithm))
    throw new SecretTooLargeError(
      algorithmBytes * 2 > inputsBytes ? 'algorithm' : 'dataset',
      `the job's inputs (dataset URLs and headers, DDOs, raw algorithm code, inline files) take ${inputsBytes} bytes, over the ${SECRET_BYTES_MAX} bytes (1 MiB) a Kubernetes Secret may hold; publish large files or code by URL`,
    )
  }
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: meta(names.secret),
    stringData: { 'inputs.json': inputsJson },
  }
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(names.pvc),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: `${Math.max(1, Math.ceil(spec.resources.diskGb))}Gi` } },
      ...(options.storageClassName ? { storageClassName: options.storageClassName } : {}),
    },
  }
  // No job pod accepts connections; the algorithm (unless allowed) and the publish pod make none.
  const networkPolicies: Obj[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(names.ingressPolicy),
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(names.egressPolicy),
      spec: {
        podSelector: {
          matchLabels: labels,
          matchExpressions: [
            {
              key: LABELS.step,
              operator: 'In',
              values: spec.environment.allowNetwork ? ['publish'] : ['algorithm', 'publish'],
            },
          ],
        },
        policyTypes: ['Egress'],
      },
    },
  ]

  const dataMount = { name: 'data', mountPath: DATA_MOUNT }
  const tmpMount = { name: 'tmp', mountPath: '/tmp' }
  const small = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }

  const configure = pod(
    jobId,
    'configure',
    options,
    {
      activeDeadlineSeconds: options.configureDeadlineSec,
      // The configure pod fixes the volume's zone (or node): it must land where the algorithm may.
      ...placement(spec.environment),
      // Ocean's order is pull image (10/11) → volumes (20) → provisioning (30): the algorithm's image
      // is pulled first, by a no-op init container (the algorithm runs under `sh -c` anyway).
      initContainers: [
        {
          name: IMAGE_CHECK,
          image: image(spec.algorithm.container.image, spec.algorithm.container.tag),
          command: ['sh', '-c', 'exit 0'],
          resources: small,
          securityContext: CONTAINER_SECURITY,
        },
      ],
      containers: [
        {
          name: 'configure',
          image: options.images.configure,
          command: ['node', '-e', CONFIGURE_SCRIPT],
          env: [{ name: 'HOME', value: '/tmp' }],
          resources: small,
          securityContext: CONTAINER_SECURITY,
          volumeMounts: [dataMount, tmpMount, { name: 'inputs', mountPath: SECRET_MOUNT, readOnly: true }],
        },
      ],
    },
    [{ name: 'inputs', secret: { secretName: names.secret, defaultMode: 0o400 } }],
  )

  const gpu = spec.resources.gpu ?? 0
  const limits: Obj = {
    cpu: cpu(spec.resources.cpu),
    memory: memory(spec.resources.ramGb),
    ...(gpu > 0 ? { 'nvidia.com/gpu': String(gpu) } : {}),
  }
  const { container } = spec.algorithm
  const algorithm = pod(jobId, 'algorithm', options, {
    activeDeadlineSeconds: Math.max(1, spec.maxJobDurationSec) + options.deadlinePullAllowanceSec,
    ...placement(spec.environment),
    containers: [
      {
        name: 'algorithm',
        image: image(container.image, container.tag),
        command: algorithmCommand(container.entrypoint),
        workingDir: DATA_MOUNT,
        env: [
          { name: 'DIDS', value: JSON.stringify(spec.datasets.map((d) => d.did)) },
          { name: 'HOME', value: '/tmp' },
          ...(spec.algorithm.did ? [{ name: 'TRANSFORMATION_DID', value: spec.algorithm.did }] : []),
        ],
        resources: { requests: limits, limits },
        securityContext: CONTAINER_SECURITY,
        // Bucket files are read-only for the algorithm, as Ocean Node mounts them.
        volumeMounts:
          (spec.storageInputs ?? []).length > 0
            ? [
                dataMount,
                { name: 'data', mountPath: STORAGE_MOUNT, subPath: 'persistentStorage', readOnly: true },
                tmpMount,
              ]
            : [dataMount, tmpMount],
      },
    ],
  })

  const publish = pod(jobId, 'publish', options, {
    activeDeadlineSeconds: options.publishHoldSec,
    ...placement(spec.environment),
    containers: [
      {
        name: 'publish',
        image: options.images.publish,
        // Holds the volume until the console has copied the outputs and deletes the pod.
        command: ['sh', '-c', `sleep ${options.publishHoldSec}`],
        resources: small,
        securityContext: CONTAINER_SECURITY,
        volumeMounts: [{ ...dataMount, readOnly: true }, tmpMount],
      },
    ],
  })

  return { secret, pvc, networkPolicies, pods: { configure, algorithm, publish } }
}

/** Where the job volume landed once the first pod ran: its node, and the PV's own node affinity. */
export interface VolumePlacement {
  /** The configure pod's node: the later pods prefer it (no detach and attach of a zonal RWO volume). */
  nodeName?: string
  /** The PV's `spec.nodeAffinity.required.nodeSelectorTerms` (its zone, or its node on local-path). */
  volumeTerms?: Array<Record<string, unknown>>
}

/**
 * A later step's pod (algorithm, publish) pinned where the job volume is: required node affinity on
 * the PV's terms (its zone, or its node for a local volume), and a preference for the configure
 * pod's node. The environment's nodeSelector and tolerations stay as they are.
 */
export function followVolume(pod: Obj, placement: VolumePlacement | undefined): Obj {
  if (!placement || (!placement.nodeName && !placement.volumeTerms?.length)) return pod
  const spec = pod.spec as Obj
  const own = ((spec.affinity as Obj | undefined)?.nodeAffinity ?? {}) as NodeAffinity
  const ownTerms = own.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  const volumeTerms = (placement.volumeTerms ?? []) as NodeSelectorTerm[]
  // Terms are ORed, a term's expressions ANDed: the environment's AND the volume's is every pair.
  const required = !volumeTerms.length
    ? ownTerms
    : !ownTerms?.length
      ? volumeTerms
      : ownTerms.flatMap((a) =>
          volumeTerms.map((b) => ({
            ...(a.matchExpressions || b.matchExpressions
              ? { matchExpressions: [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])] }
              : {}),
            ...(a.matchFields || b.matchFields
              ? { matchFields: [...(a.matchFields ?? []), ...(b.matchFields ?? [])] }
              : {}),
          })),
        )
  const preferred = [
    ...(own.preferredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(placement.nodeName
      ? [
          {
            weight: 100,
            preference: {
              matchFields: [{ key: 'metadata.name', operator: 'In', values: [placement.nodeName] }],
            },
          },
        ]
      : []),
  ]
  return {
    ...pod,
    spec: {
      ...spec,
      affinity: {
        nodeAffinity: {
          ...(required?.length
            ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: required } }
            : {}),
          ...(preferred.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
        },
      },
    },
  }
}

/** Every object as a flat list in creation order (for `npm run manifests` and validation). */
export function allObjects(objects: JobObjects): Obj[] {
  return [
    objects.secret,
    objects.pvc,
    ...objects.networkPolicies,
    objects.pods.configure,
    objects.pods.algorithm,
    objects.pods.publish,
  ]
}

/**
 * The egress canary of the health check (health.ts): a pod under a deny-all egress NetworkPolicy
 * that tries a TCP connection to the API server's in-cluster service address (the kubelet always
 * sets KUBERNETES_SERVICE_HOST/PORT; an IP, so a denied DNS cannot fake a pass). Exit 0: the
 * connection failed, so the CNI enforces the policy; exit EGRESS_CANARY_REACHED: it got out.
 * Labelled as the console's (managed-by, part-of, as job objects) and by its canary label, but
 * with no job id, so the driver's job watch and job sweeps never see it. A canary left by a crash
 * mid check is swept at start and by the next check once it is older than `staleAfterMs`.
 */
export const EGRESS_CANARY = {
  name: 'c2d-egress-canary',
  label: 'c2d.oceanprotocol.com/canary',
  /** Older than this, a canary's objects belong to no running check (one lasts ~2 min at most). */
  staleAfterMs: 10 * 60_000,
  reachedExit: 3,
  connectTimeoutMs: 5000,
} as const

const EGRESS_CANARY_SCRIPT = `
const host = process.env.KUBERNETES_SERVICE_HOST, port = Number(process.env.KUBERNETES_SERVICE_PORT || 443)
if (!host) { console.log('no KUBERNETES_SERVICE_HOST'); process.exit(4) }
const s = require('net').connect({ host, port, timeout: ${EGRESS_CANARY.connectTimeoutMs} })
s.on('connect', () => { console.log('reached ' + host + ':' + port); process.exit(${EGRESS_CANARY.reachedExit}) })
s.on('timeout', () => { console.log('blocked (timeout)'); process.exit(0) })
s.on('error', (e) => { console.log('blocked (' + e.code + ')'); process.exit(0) })
`

export function egressCanaryObjects(
  options: ManifestOptions,
  podName: string,
): { policy: Record<string, unknown>; pod: Record<string, unknown> } {
  const labels = { ...CONSOLE_LABELS, [EGRESS_CANARY.label]: podName }
  return {
    policy: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: podName, namespace: options.namespace, labels },
      spec: { podSelector: { matchLabels: labels }, policyTypes: ['Egress'] },
    },
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      // The mesh opt-outs too: a sidecar would keep the canary Running (and route its connection).
      metadata: {
        name: podName,
        namespace: options.namespace,
        labels: { ...labels, ...MESH_OPT_OUT.labels },
        annotations: { ...MESH_OPT_OUT.annotations },
      },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        activeDeadlineSeconds: 300,
        terminationGracePeriodSeconds: 0,
        securityContext: podSecurity(options),
        containers: [
          {
            name: 'canary',
            image: options.images.configure,
            command: ['node', '-e', EGRESS_CANARY_SCRIPT],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            securityContext: CONTAINER_SECURITY,
          },
        ],
      },
    },
  }
}
