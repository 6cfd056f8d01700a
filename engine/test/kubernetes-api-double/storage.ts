/**
 * The API double's storage: StorageClasses and PersistentVolumes as the persistentvolume
 * controller, a CSI provisioner and the attach/detach controller handle them, for the scheduler
 * and kubelet in kubelet.ts.
 *
 * - A claim without `storageClassName` gets the default class (the DefaultStorageClass admission
 *   plugin), or, when there is none, stays Pending with the controller's `FailedBinding` event
 *   until a default class appears (retroactive assignment, Kubernetes ≥ 1.28).
 * - A class that does not exist: `ProvisioningFailed` (`storageclass.storage.k8s.io "x" not found`).
 * - `Immediate`: provisioned at once (after `provisionMs`), in the class's zone; pods using the claim
 *   meanwhile are unschedulable with "pod has unbound immediate PersistentVolumeClaims".
 * - `WaitForFirstConsumer`: the claim waits (event `WaitForFirstConsumer`) until the scheduler picks
 *   a node for its first pod (annotation `volume.kubernetes.io/selected-node`), then is provisioned
 *   in that node's zone (`topology: 'zone'`) or on that node (`topology: 'node'`, local-path).
 * - A bound PV carries `spec.nodeAffinity`: nodes outside it get "volume node affinity conflict".
 * - Zonal volumes (`topology: 'zone'`) are attached to one node at a time (ReadWriteOnce): a pod on
 *   another node waits with `FailedAttachVolume` "Multi-Attach error…" until the last pod on the old
 *   node ended and the volume detached (`detachMs`), then attaches (`attachMs`).
 * - `failProvisioning` makes each provisioning fail with `ProvisioningFailed`.
 */
import type { KubeObject, ObjectStore } from './object-store'

export interface SimStorageClass {
  name: string
  /** Annotated `storageclass.kubernetes.io/is-default-class: "true"`. */
  default?: boolean
  /** Default WaitForFirstConsumer. */
  bindingMode?: 'Immediate' | 'WaitForFirstConsumer'
  provisioner?: string
  /** Where a provisioned volume may be used: anywhere (default), its zone, or its node (local-path). */
  topology?: 'none' | 'zone' | 'node'
  /** The zone an Immediate volume is provisioned in (default: the first node's zone). */
  zone?: string
  /** How long provisioning takes (default 0). */
  provisionMs?: number
  /** How long an attach takes, and a detach after the last pod on a node ended (zonal only). */
  attachMs?: number
  detachMs?: number
  /** Every provisioning fails with this message. */
  failProvisioning?: string
}

/** What the scheduler needs of a node here. */
export interface StorageNode {
  name: string
  labels?: Record<string, string>
}

export const DEFAULT_STORAGE_CLASSES: SimStorageClass[] = [{ name: 'standard', default: true }]

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class'
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node'
const ZONE = 'topology.kubernetes.io/zone'
const HOSTNAME = 'kubernetes.io/hostname'

interface Attachment {
  node: string
  /** Pods on `node` that use the volume and have not ended. */
  users: Set<string>
  /** While detaching after the last user ended. */
  detaching?: NodeJS.Timeout
  /** Resolves once attached (attachMs after the attach began). */
  ready: Promise<void>
}

type Claim = KubeObject & {
  spec?: { storageClassName?: string; volumeName?: string; accessModes?: string[]; resources?: unknown }
  status?: { phase?: string }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Does `node` satisfy a `nodeSelectorTerms` list (terms ORed, expressions ANDed)? */
export function matchesNodeSelectorTerms(
  node: StorageNode,
  terms: Array<{
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>
    matchFields?: Array<{ key: string; operator: string; values?: string[] }>
  }>,
): boolean {
  const labels = node.labels ?? {}
  const test = (value: string | undefined, e: { operator: string; values?: string[] }) => {
    const values = e.values ?? []
    if (e.operator === 'In') return value !== undefined && values.includes(value)
    if (e.operator === 'NotIn') return value === undefined || !values.includes(value)
    if (e.operator === 'Exists') return value !== undefined
    if (e.operator === 'DoesNotExist') return value === undefined
    if (e.operator === 'Gt') return value !== undefined && Number(value) > Number(values[0])
    if (e.operator === 'Lt') return value !== undefined && Number(value) < Number(values[0])
    return false
  }
  return terms.some(
    (term) =>
      (term.matchExpressions?.length ?? 0) + (term.matchFields?.length ?? 0) > 0 &&
      (term.matchExpressions ?? []).every((e) => test(labels[e.key], e)) &&
      (term.matchFields ?? []).every((e) => test(e.key === 'metadata.name' ? node.name : undefined, e)),
  )
}

export class SimulatedStorage {
  private readonly attachments = new Map<string, Attachment>()
  /** Claims whose provisioning runs (or failed), so each is provisioned once. */
  private readonly provisioning = new Map<string, Promise<string | undefined>>()
  private readonly noted = new Set<string>()
  private readonly classes = new Map<string, SimStorageClass>()

  constructor(
    private readonly store: ObjectStore,
    private readonly nodes: () => StorageNode[],
    /** Something changed that may let a waiting pod schedule (a claim bound, a class appeared). */
    private readonly onChange: () => void,
    classes: SimStorageClass[] = DEFAULT_STORAGE_CLASSES,
  ) {
    for (const c of classes) this.addClass(c)
  }

  /** Admission (DefaultStorageClass): a new claim without a class gets the default one, if any. */
  admitClaim(body: KubeObject): void {
    const spec = (body.spec ?? {}) as { storageClassName?: string }
    const fallback = this.defaultClass()
    if (spec.storageClassName === undefined && fallback)
      body.spec = { ...spec, storageClassName: fallback.name }
  }

  /** A StorageClass appears (an admin adds one): claims waiting for a default class get it. */
  addClass(c: SimStorageClass): void {
    this.classes.set(c.name, c)
    if (this.store.get('storageclasses', '', c.name)) this.store.delete('storageclasses', '', c.name)
    this.store.create('storageclasses', '', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: c.name,
        ...(c.default ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } } : {}),
      },
      provisioner: c.provisioner ?? 'sim.csi.k8s.io',
      reclaimPolicy: 'Delete',
      volumeBindingMode: c.bindingMode ?? 'WaitForFirstConsumer',
    })
    for (const claim of this.store.list('persistentvolumeclaims') as Claim[])
      if ((claim.status?.phase ?? 'Pending') === 'Pending') this.claimCreated(claim)
    this.onChange()
  }

  private defaultClass(): SimStorageClass | undefined {
    return [...this.classes.values()].find((c) => c.default)
  }

  private event(
    claim: Claim,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    once = true,
  ): void {
    const key = `${claim.metadata.namespace}/${claim.metadata.name}/${reason}/${message}`
    if (once && this.noted.has(key)) return
    this.noted.add(key)
    const now = new Date().toISOString()
    const component =
      reason === 'FailedBinding' || reason === 'WaitForFirstConsumer'
        ? 'persistentvolume-controller'
        : 'sim.csi.k8s.io'
    this.store.create('events', claim.metadata.namespace ?? '', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${claim.metadata.name}.${Math.random().toString(16).slice(2, 18)}` },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
      },
      type,
      reason,
      message,
      source: { component },
      reportingComponent: component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    })
  }

  private claim(namespace: string, name: string): Claim | undefined {
    return this.store.get('persistentvolumeclaims', namespace, name) as Claim | undefined
  }

  private classOf(claim: Claim): SimStorageClass | undefined {
    const name = claim.spec?.storageClassName
    return name === undefined ? undefined : this.classes.get(name)
  }

  /** The API server stored a claim (or a class appeared): default class, then Immediate provisioning. */
  claimCreated(created: KubeObject): void {
    let claim = created as Claim
    const ns = claim.metadata.namespace ?? ''
    if (claim.spec?.storageClassName === undefined) {
      const fallback = this.defaultClass()
      if (!fallback) {
        this.event(
          claim,
          'Normal',
          'FailedBinding',
          'no persistent volumes available for this claim and no storage class is set',
        )
        return
      }
      claim = this.store.update('persistentvolumeclaims', ns, claim.metadata.name, (o) => {
        o.spec = { ...(o.spec as object), storageClassName: fallback.name }
      }) as Claim
    }
    const c = this.classOf(claim)
    if (!c) {
      this.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${claim.spec?.storageClassName}" not found`,
      )
      return
    }
    if ((c.bindingMode ?? 'WaitForFirstConsumer') === 'Immediate') void this.provision(claim, undefined)
    else
      this.event(
        claim,
        'Normal',
        'WaitForFirstConsumer',
        'waiting for first consumer to be created before binding',
      )
  }

  /** The claim went: its volume too (reclaimPolicy Delete). */
  claimDeleted(claim: KubeObject): void {
    const key = `${claim.metadata.namespace}/${claim.metadata.name}`
    this.provisioning.delete(key)
    const volume = (claim as Claim).spec?.volumeName
    if (!volume) return
    const attachment = this.attachments.get(volume)
    if (attachment?.detaching) clearTimeout(attachment.detaching)
    this.attachments.delete(volume)
    this.store.delete('persistentvolumes', '', volume)
  }

  /** Provisions the claim's volume (in `node`'s zone, or on it); undefined when bound, else why not. */
  private provision(claim: Claim, node: StorageNode | undefined): Promise<string | undefined> {
    const ns = claim.metadata.namespace ?? ''
    const key = `${ns}/${claim.metadata.name}`
    const running = this.provisioning.get(key)
    if (running) return running
    const c = this.classOf(claim)!
    const run = (async () => {
      this.event(
        claim,
        'Normal',
        'Provisioning',
        `External provisioner is provisioning volume for claim "${key}"`,
      )
      if (c.provisionMs) await sleep(c.provisionMs)
      const current = this.claim(ns, claim.metadata.name)
      if (!current || current.metadata.uid !== claim.metadata.uid) return 'the claim is gone'
      if (c.failProvisioning !== undefined) {
        const message = `failed to provision volume with StorageClass "${c.name}": ${c.failProvisioning}`
        this.event(current, 'Warning', 'ProvisioningFailed', message)
        return message
      }
      const volumeName = `pvc-${claim.metadata.uid}`
      const zone = node?.labels?.[ZONE] ?? c.zone ?? this.nodes()[0]?.labels?.[ZONE] ?? 'zone-a'
      const topology = c.topology ?? 'none'
      const terms =
        topology === 'zone'
          ? [{ matchExpressions: [{ key: ZONE, operator: 'In', values: [zone] }] }]
          : topology === 'node'
            ? [
                {
                  matchExpressions: [
                    { key: HOSTNAME, operator: 'In', values: [node?.labels?.[HOSTNAME] ?? node?.name ?? ''] },
                  ],
                },
              ]
            : undefined
      this.store.create('persistentvolumes', '', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: volumeName,
          annotations: { 'pv.kubernetes.io/provisioned-by': c.provisioner ?? 'sim.csi.k8s.io' },
          ...(topology === 'zone' ? { labels: { [ZONE]: zone } } : {}),
        },
        spec: {
          accessModes: current.spec?.accessModes ?? ['ReadWriteOnce'],
          capacity: (current.spec?.resources as { requests?: unknown } | undefined)?.requests ?? {},
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            namespace: ns,
            name: claim.metadata.name,
            uid: claim.metadata.uid,
          },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: c.name,
          volumeMode: 'Filesystem',
          csi: { driver: c.provisioner ?? 'sim.csi.k8s.io', volumeHandle: volumeName },
          ...(terms ? { nodeAffinity: { required: { nodeSelectorTerms: terms } } } : {}),
        },
        status: { phase: 'Bound' },
      })
      this.store.update('persistentvolumeclaims', ns, claim.metadata.name, (o) => {
        o.spec = { ...(o.spec as object), volumeName }
        o.metadata.annotations = {
          ...(o.metadata.annotations as Record<string, string> | undefined),
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        }
        o.status = {
          phase: 'Bound',
          accessModes: current.spec?.accessModes ?? ['ReadWriteOnce'],
          capacity: (current.spec?.resources as { requests?: unknown } | undefined)?.requests ?? {},
        }
      })
      this.event(current, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`)
      queueMicrotask(() => this.onChange())
      return undefined
    })()
    this.provisioning.set(key, run)
    return run
  }

  private volumeOf(claim: Claim): KubeObject | undefined {
    const name = claim.spec?.volumeName
    return name ? this.store.get('persistentvolumes', '', name) : undefined
  }

  /**
   * The scheduler's PreFilter on the pod's claims: a reason that keeps it off every node (an unbound
   * Immediate claim, or a claim without a class), else undefined.
   */
  preFilter(namespace: string, claimNames: string[]): string | undefined {
    for (const name of claimNames) {
      const claim = this.claim(namespace, name)
      if (!claim || this.volumeOf(claim)) continue
      const c = this.classOf(claim)
      if (!c || (c.bindingMode ?? 'WaitForFirstConsumer') === 'Immediate')
        return 'pod has unbound immediate PersistentVolumeClaims'
    }
    return undefined
  }

  /** The scheduler's filter on one node: "volume node affinity conflict" when a bound PV excludes it. */
  filter(namespace: string, claimNames: string[], node: StorageNode): string | undefined {
    for (const name of claimNames) {
      const claim = this.claim(namespace, name)
      const volume = claim && this.volumeOf(claim)
      const terms = (volume?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: [] } } } | undefined)
        ?.nodeAffinity?.required?.nodeSelectorTerms
      if (terms && !matchesNodeSelectorTerms(node, terms)) return 'node(s) had volume node affinity conflict'
    }
    return undefined
  }

  /**
   * The scheduler's PreBind: provisions the pod's WaitForFirstConsumer claims for `node` (marking
   * them with the selected node). Undefined once every claim is bound, else the failure.
   */
  async bind(namespace: string, claimNames: string[], node: StorageNode): Promise<string | undefined> {
    for (const name of claimNames) {
      const claim = this.claim(namespace, name)
      if (!claim || this.volumeOf(claim) || !this.classOf(claim)) continue
      const marked = this.store.update('persistentvolumeclaims', namespace, name, (o) => {
        o.metadata.annotations = {
          ...(o.metadata.annotations as Record<string, string> | undefined),
          [SELECTED_NODE_ANNOTATION]: node.name,
        }
      }) as Claim
      const failure = await this.provision(marked, node)
      if (failure) {
        // Provisioning is retried by the next scheduling attempt, as the external provisioner does.
        this.provisioning.delete(`${namespace}/${name}`)
        return `running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for PVC "${name}"`
      }
    }
    return undefined
  }

  /**
   * Attaches the pod's zonal volumes to `node` for pod `podKey`. While one is still attached to
   * another node, `onMultiAttach` is told (once per volume) and the attach waits for the detach.
   * Resolves when every volume is attached, or `gone()` turns true.
   */
  async attach(
    namespace: string,
    claimNames: string[],
    node: string,
    podKey: string,
    onMultiAttach: (message: string) => void,
    onAttached: (message: string) => void,
    gone: () => boolean,
  ): Promise<void> {
    for (const name of claimNames) {
      const claim = this.claim(namespace, name)
      const volume = claim && this.volumeOf(claim)
      const c = claim && this.classOf(claim)
      if (!volume || !c || (c.topology ?? 'none') !== 'zone') continue
      const pv = volume.metadata.name
      let told = false
      for (;;) {
        if (gone()) return
        const current = this.attachments.get(pv)
        if (!current) {
          const ready = sleep(c.attachMs ?? 0)
          this.attachments.set(pv, { node, users: new Set([podKey]), ready })
          await ready
          onAttached(`AttachVolume.Attach succeeded for volume "${pv}"`)
          break
        }
        if (current.node === node) {
          if (current.detaching) clearTimeout(current.detaching)
          current.detaching = undefined
          current.users.add(podKey)
          await current.ready
          break
        }
        if (!told) {
          told = true
          onMultiAttach(
            `Multi-Attach error for volume "${pv}" Volume is already exclusively attached to one node and can't be attached to another`,
          )
        }
        await sleep(50)
      }
    }
  }

  /** A pod ended or went: its volumes detach from its node once no other pod there uses them. */
  release(podKey: string): void {
    for (const [pv, attachment] of this.attachments) {
      if (!attachment.users.delete(podKey) || attachment.users.size > 0) continue
      const c = this.classes.get(
        String(
          (this.store.get('persistentvolumes', '', pv)?.spec as { storageClassName?: string } | undefined)
            ?.storageClassName,
        ),
      )
      attachment.detaching = setTimeout(() => {
        if (this.attachments.get(pv) === attachment && attachment.users.size === 0)
          this.attachments.delete(pv)
      }, c?.detachMs ?? 0)
    }
  }

  /** The node a volume is attached to now (tests). */
  attachedNode(volumeName: string): string | undefined {
    return this.attachments.get(volumeName)?.node
  }

  close(): void {
    for (const a of this.attachments.values()) if (a.detaching) clearTimeout(a.detaching)
    this.attachments.clear()
  }
}
