/**
 * Ocean DDO v4.1 for the console's assets: the public document consumers resolve (through the
 * Provider's Aquarius routes) and that `setMetaData` puts on chain. One compute service per
 * asset; `files` carries the file sources encrypted for this Provider (never the plain sources).
 *
 * Publishing layer entry for documents: imports ethers, zod, node:crypto; never the provider,
 * operator-* or console-api (eslint.config.js). The plain `FileSource` is declared here again
 * (structurally equal to operator-engine/driver.ts's) because publishing may not import the engine.
 */
import { createHash } from 'node:crypto'
import { getAddress, isAddress } from 'ethers'
import { z } from 'zod'

import type { AlgorithmContainer as RunnableContainer, FileSource } from '../file-source'

export type { FileSource } from '../file-source'

/** A published algorithm's container: the DDO always carries a checksum (possibly empty). */
export interface AlgorithmContainer extends RunnableContainer {
  checksum: string
}

export interface TrustedAlgorithm {
  did: string
  filesChecksum: string
  containerSectionChecksum: string
}

export interface ComputeOptions {
  allowRawAlgorithm: boolean
  allowNetworkAccess: boolean
  publisherTrustedAlgorithmPublishers: string[]
  publisherTrustedAlgorithms: TrustedAlgorithm[]
}

export interface DdoService {
  id: string
  type: 'compute'
  files: string
  datatokenAddress: string
  serviceEndpoint: string
  timeout: number
  name?: string
  description?: string
  compute: ComputeOptions
}

export interface DdoMetadata {
  created: string
  updated: string
  type: 'dataset' | 'algorithm'
  name: string
  description: string
  author: string
  license: string
  tags?: string[]
  links?: string[]
  additionalInformation?: Record<string, unknown>
  algorithm?: { language?: string; version?: string; container: AlgorithmContainer }
}

export interface Ddo {
  '@context': string[]
  id: string
  version: string
  chainId: number
  nftAddress: string
  metadata: DdoMetadata
  services: DdoService[]
}

/** What a publisher fills in (the console's asset draft, console-api/contract.ts, has this shape). */
export interface AssetDraft {
  kind: 'dataset' | 'algorithm'
  name: string
  description?: string
  author?: string
  license?: string
  tags?: string[]
  container?: { image: string; tag: string; entrypoint: string; checksum?: string }
  /** Algorithms: the language/version shown to consumers. */
  language?: string
  service: {
    serviceId?: string
    files: FileSource[]
    timeoutSec?: number
    allowRawAlgorithm?: boolean
    allowNetworkAccess?: boolean
    publisherTrustedAlgorithmPublishers?: string[]
    publisherTrustedAlgorithms?: TrustedAlgorithm[]
  }
}

export const DDO_VERSION = '4.1.0'
export const DDO_CONTEXT = ['https://w3id.org/did/v1']

/** ocean.js `generateDid`: "did:op:" + sha256(checksummed NFT address + decimal chain id). */
export function makeDid(nftAddress: string, chainId: number): string {
  return `did:op:${createHash('sha256')
    .update(getAddress(nftAddress) + chainId.toString(10))
    .digest('hex')}`
}

/** A stable service id: sha256 of datatoken + kind, as Ocean's market derives one per datatoken. */
export function makeServiceId(datatokenAddress: string, kind: string): string {
  return createHash('sha256')
    .update(`${getAddress(datatokenAddress)}${kind}`)
    .digest('hex')
}

export interface BuildDdoInput {
  draft: AssetDraft
  chainId: number
  nftAddress: string
  datatokenAddress: string
  /** The Provider's public URL (spec: the DDO's serviceEndpoint must be this Provider). */
  serviceEndpoint: string
  /** The service's file sources, encrypted for the node key ("0x…" hex). */
  encryptedFiles: string
  createdIso: string
  updatedIso?: string
}

export function buildDdo(input: BuildDdoInput): Ddo {
  const { draft } = input
  const serviceId = draft.service.serviceId ?? makeServiceId(input.datatokenAddress, 'compute')
  const metadata: DdoMetadata = {
    created: input.createdIso,
    updated: input.updatedIso ?? input.createdIso,
    type: draft.kind,
    name: draft.name,
    description: draft.description ?? '',
    author: draft.author ?? '',
    license: draft.license ?? 'MIT',
    ...(draft.tags && draft.tags.length > 0 ? { tags: draft.tags } : {}),
  }
  if (draft.kind === 'algorithm' && draft.container) {
    metadata.algorithm = {
      ...(draft.language ? { language: draft.language } : {}),
      version: '0.1',
      container: {
        entrypoint: draft.container.entrypoint,
        image: draft.container.image,
        tag: draft.container.tag,
        checksum: draft.container.checksum ?? '',
      },
    }
  }
  return {
    '@context': DDO_CONTEXT,
    id: makeDid(input.nftAddress, input.chainId),
    version: DDO_VERSION,
    chainId: input.chainId,
    nftAddress: getAddress(input.nftAddress),
    metadata,
    services: [
      {
        id: serviceId,
        type: 'compute',
        files: input.encryptedFiles,
        datatokenAddress: getAddress(input.datatokenAddress),
        serviceEndpoint: input.serviceEndpoint,
        timeout: draft.service.timeoutSec ?? 0,
        compute: {
          allowRawAlgorithm: draft.service.allowRawAlgorithm ?? false,
          allowNetworkAccess: draft.service.allowNetworkAccess ?? false,
          publisherTrustedAlgorithmPublishers: (draft.service.publisherTrustedAlgorithmPublishers ?? []).map(
            (a) => getAddress(a),
          ),
          publisherTrustedAlgorithms: draft.service.publisherTrustedAlgorithms ?? [],
        },
      },
    ],
  }
}

const address = z.string().refine((v) => isAddress(v), 'must be a 0x address (40 hex digits)')
const didSchema = z.string().regex(/^did:op:[0-9a-f]{64}$/, 'must be did:op: followed by 64 hex digits')
const sha256Hex = z.string().regex(/^([0-9a-f]{64})+$|^\*$/, 'must be sha256 hex (or "*")')

/** A libp2p peer ID (base58btc: secp256k1/ed25519 `16Uiu2…`/`12D3Koo…`, RSA `Qm…`) or a `/p2p/` multiaddr. */
const PEER_ID_OR_MULTIADDR = /^((16Uiu2|12D3Koo|Qm)[1-9A-HJ-NP-Za-km-z]{30,}|\/\S+\/p2p\/\S+)$/

const ddoSchema = z.object({
  '@context': z.array(z.string()).min(1, 'must list at least one context'),
  id: didSchema,
  version: z.string().regex(/^4\.\d+\.\d+$/, 'must be a 4.x DDO version'),
  chainId: z.number().int().positive('must be a positive chain id'),
  nftAddress: address,
  metadata: z.object({
    created: z.iso.datetime({ message: 'must be an ISO date-time' }),
    updated: z.iso.datetime({ message: 'must be an ISO date-time' }),
    type: z.enum(['dataset', 'algorithm'], { message: 'must be "dataset" or "algorithm"' }),
    name: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
    description: z.string(),
    author: z.string(),
    license: z.string().min(1, 'is required'),
    tags: z.array(z.string()).optional(),
    algorithm: z
      .object({
        language: z.string().optional(),
        version: z.string().optional(),
        container: z.object({
          entrypoint: z
            .string()
            .min(1, 'is required')
            .refine((v) => v.includes('$ALGO'), 'must contain $ALGO (the algorithm file)'),
          image: z.string().min(1, 'is required'),
          tag: z.string().min(1, 'is required'),
          checksum: z.string(),
        }),
      })
      .optional(),
  }),
  services: z
    .array(
      z.object({
        id: z.string().min(1, 'is required'),
        type: z.literal('compute', { message: 'must be "compute" (this console serves compute only)' }),
        files: z.string().regex(/^0x[0-9a-f]+$/i, 'must be the encrypted files (0x hex)'),
        datatokenAddress: address,
        // A URL, or (a console reached over P2P only) its libp2p peer ID: ocean.js picks its
        // P2pProvider for a peer ID or multiaddr, its HTTP provider for a URL.
        serviceEndpoint: z.union([z.url(), z.string().regex(PEER_ID_OR_MULTIADDR)], {
          message: 'must be the Provider URL or its P2P peer ID',
        }),
        timeout: z.number().int().min(0, 'must be 0 (forever) or more seconds'),
        compute: z.object({
          allowRawAlgorithm: z.boolean(),
          allowNetworkAccess: z.boolean(),
          publisherTrustedAlgorithmPublishers: z.array(address),
          publisherTrustedAlgorithms: z.array(
            z.object({ did: didSchema, filesChecksum: sha256Hex, containerSectionChecksum: sha256Hex }),
          ),
        }),
      }),
    )
    .min(1, 'needs at least one service'),
})

export interface DdoIssue {
  path: string
  message: string
}

/** Field-level problems of a DDO (empty = valid), worded for the publisher. */
export function validateDdo(ddo: unknown): DdoIssue[] {
  const parsed = ddoSchema.safeParse(ddo)
  const issues: DdoIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  if (parsed.success) {
    const d = parsed.data
    if (d.id !== makeDid(d.nftAddress, d.chainId))
      issues.push({ path: 'id', message: 'does not match sha256(nftAddress + chainId)' })
    if (d.metadata.type === 'algorithm' && !d.metadata.algorithm)
      issues.push({
        path: 'metadata.algorithm',
        message: 'an algorithm needs a container (image, tag, entrypoint)',
      })
    if (new Set(d.services.map((s) => s.id)).size !== d.services.length)
      issues.push({ path: 'services', message: 'service ids must be unique' })
  }
  return issues
}

/** The hash Ocean's indexer checks against the on-chain `metaDataHash`: sha256(JSON.stringify(ddo)). */
export function ddoHash(ddo: Ddo): string {
  return `0x${createHash('sha256').update(JSON.stringify(ddo)).digest('hex')}`
}
