/**
 * The publish wizard's "test fetch": can this file source be reached, how big is it, what type?
 * Only headers are read (file-url-probe.ts: HEAD, or a one-byte ranged GET), every hop checked by
 * the same SSRF guard as the Provider's fileInfo; IPFS and Arweave objects go through the driver's
 * gateways (gateway-file-info.ts), local files are stat'ed. Failures are answers, in words, never
 * throws: the wizard shows `reason` next to the file's field.
 */
import { stat } from 'node:fs/promises'
import type { FileSource } from '../file-source'
import { probeFileUrl, type FileInfoUrlMode, type ProbeNetwork } from '../provider/file-url-probe'
import { gatewayUrl, type StorageGateways } from '../provider/gateway-file-info'

export interface FileCheck {
  reachable: boolean
  sizeBytes?: number
  contentType?: string
  /** Why it is not reachable, in words. */
  reason?: string
}

export interface FileCheckOptions {
  /** How URL hops are address-checked (provider.fileInfoUrls; "off" checks as "public"). */
  mode: FileInfoUrlMode
  gateways: StorageGateways
  network?: ProbeNetwork
  timeoutMs?: number
}

function describe(url: string, probe: { valid: boolean; contentLength?: string; contentType?: string }) {
  if (!probe.valid)
    return {
      reachable: false,
      reason: `${url} did not answer with the file (no 2xx answer, a network error or a timeout)`,
    }
  const size = probe.contentLength !== undefined ? Number(probe.contentLength) : undefined
  return {
    reachable: true,
    ...(size !== undefined && Number.isFinite(size) ? { sizeBytes: size } : {}),
    ...(probe.contentType !== undefined ? { contentType: probe.contentType } : {}),
  }
}

export async function checkFileSource(source: FileSource, options: FileCheckOptions): Promise<FileCheck> {
  const mode = options.mode === 'off' ? 'public' : options.mode
  const common = {
    mode,
    ...(options.network ? { network: options.network } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  } as const
  try {
    if (source.type === 'local') {
      const info = await stat(source.path).catch((error: NodeJS.ErrnoException) => error)
      if (info instanceof Error)
        return {
          reachable: false,
          reason:
            info.code === 'ENOENT'
              ? `There is no file at ${source.path} on this machine.`
              : info.code === 'EACCES'
                ? `The console may not read ${source.path} (permission denied).`
                : `${source.path} cannot be read (${info.code ?? info.message}).`,
        }
      if (!info.isFile()) return { reachable: false, reason: `${source.path} is not a file (a folder?).` }
      return { reachable: true, sizeBytes: info.size }
    }
    if (source.type === 'url') {
      if (!/^https?:\/\/[^/]/i.test(source.url) || !URL.canParse(source.url))
        return { reachable: false, reason: 'The URL must be a full http(s) URL.' }
      const probe = await probeFileUrl(source.url, {
        ...common,
        ...(source.headers && Object.keys(source.headers).length > 0 ? { headers: source.headers } : {}),
      })
      return describe(source.url, probe)
    }
    const body =
      source.type === 'ipfs'
        ? { type: 'ipfs', hash: source.hash }
        : { type: 'arweave', transactionId: source.transactionId }
    const url = gatewayUrl(body, options.gateways)
    const probe = await probeFileUrl(url.href, { ...common, trustedOrigin: url.origin })
    return describe(`The ${source.type === 'ipfs' ? 'IPFS' : 'Arweave'} gateway (${url.origin})`, probe)
  } catch (error) {
    // FILE_INFO_URL_REFUSED (a non-public address) and REQUEST_INVALID (a bad CID) carry words.
    return { reachable: false, reason: (error as Error).message }
  }
}
