/**
 * `fileInfo` for an Arweave or IPFS storage object anyone sends (ocean.js' `getFileInfo({type:
 * 'arweave', transactionId})` / `{type: 'ipfs', hash}`), as Ocean Node's ArweaveStorage and
 * IpfsStorage answer it: the object is fetched through the node's gateway (`driver.arweaveGateway`,
 * `driver.ipfsGateway`, the ones the driver fetches dataset files from), `<gateway>/<txId>` and
 * `<gateway>/ipfs/<cid>`. The caller chooses only the identifier, which must be one path segment
 * of base64url/base58/base32 characters, so it cannot steer the request elsewhere on the gateway.
 * The gateway is the operator's choice and is trusted (it may be a local IPFS node); a redirect to
 * any other host is checked under `provider.fileInfoUrls` as a URL would be (file-url-probe.ts).
 */
import { providerError } from './errors'
import { probeFileUrl, type FileInfoUrlMode, type ProbeNetwork } from './file-url-probe'

export interface StorageGateways {
  ipfs: string
  arweave: string
}

/** Ocean Node's FileInfoResponse for these types; `name` is always '' (it would leak the id). */
export interface GatewayFileInfo {
  valid: boolean
  contentLength?: string
  contentType?: string
  name: ''
  type: 'arweave' | 'ipfs'
  encryptedBy?: string
  encryptMethod?: string
}

/** Arweave ids are 43 base64url characters; CIDs are base58 (v0) or base32/base36 (v1). */
const IDENTIFIER = /^[A-Za-z0-9_-]{1,128}$/

const trimSlash = (url: string) => url.replace(/\/+$/, '')

/** The gateway URL of one object, or a 400 naming the field (Ocean Node's validate()). */
export function gatewayUrl(body: Record<string, unknown>, gateways: StorageGateways): URL {
  const arweave = body.type === 'arweave'
  const field = arweave ? 'transactionId' : 'hash'
  const id = body[field]
  if (typeof id !== 'string' || id === '')
    throw providerError(
      'REQUEST_INVALID',
      `fileInfo: ${arweave ? 'Missing transaction ID' : 'Missing CID'} ("${field}")`,
    )
  if (/^https?:\/\//i.test(id))
    throw providerError(
      'REQUEST_INVALID',
      `fileInfo: "${field}" looks like a URL; send a storage object of type "url"`,
    )
  if (!IDENTIFIER.test(id))
    throw providerError(
      'REQUEST_INVALID',
      `fileInfo: "${field}" must be one identifier (letters, digits, "-" and "_"), not a path`,
    )
  return new URL(arweave ? `${trimSlash(gateways.arweave)}/${id}` : `${trimSlash(gateways.ipfs)}/ipfs/${id}`)
}

export async function gatewayFileInfo(
  body: Record<string, unknown>,
  options: {
    gateways: StorageGateways
    mode: Exclude<FileInfoUrlMode, 'off'>
    network?: ProbeNetwork
  },
): Promise<GatewayFileInfo> {
  const type = body.type === 'arweave' ? 'arweave' : 'ipfs'
  const url = gatewayUrl(body, options.gateways)
  const probe = await probeFileUrl(url.href, {
    mode: options.mode,
    trustedOrigin: url.origin,
    ...(options.network ? { network: options.network } : {}),
  })
  return {
    valid: probe.valid,
    ...(probe.contentLength !== undefined ? { contentLength: probe.contentLength } : {}),
    ...(probe.contentType !== undefined ? { contentType: probe.contentType } : {}),
    name: '',
    type,
    // Echoed as Ocean Node does, strings only.
    ...(typeof body.encryptedBy === 'string' ? { encryptedBy: body.encryptedBy } : {}),
    ...(typeof body.encryptMethod === 'string' ? { encryptMethod: body.encryptMethod } : {}),
  }
}
