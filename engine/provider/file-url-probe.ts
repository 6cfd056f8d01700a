/**
 * `fileInfo` for a URL storage object sent by anyone (Ocean Node probes these; spec §4 `getFileInfo`).
 * A caller must not be able to make the publisher's machine reach into its own network (SSRF), so in
 * the "public" mode every hop's host is resolved here, each resolved address is checked, and the
 * connection is pinned to the checked address (a second DNS answer, a rebinding, is never asked for).
 * Redirects are followed by hand, each hop checked the same way, at most MAX_REDIRECTS. Only headers
 * are read: HEAD, or a GET of one byte (`Range: bytes=0-0`) when HEAD is not answered; bodies are
 * cancelled unread. Every hop has a timeout.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { Agent, Response, fetch } from 'undici'
import { providerError } from './errors'

export type FileInfoUrlMode = 'public' | 'off' | 'any'

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}
/** Resolves a host name to all its addresses (tests inject a fixed mapping). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>

export const resolveHost: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }))

/**
 * Tests only: a fake network. `resolve` answers DNS; `route` maps the checked address to the one
 * actually dialled (so a "public" test address can be served from loopback). Production: the OS.
 */
export interface ProbeNetwork {
  resolve: HostResolver
  route?: (address: string) => string
}

export const MAX_REDIRECTS = 5
export const PROBE_TIMEOUT_MS = 10_000

const NOT_PUBLIC = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata endpoints)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6')

/** The IPv4 address an IPv6 one embeds (v4-mapped, v4-compatible, NAT64), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase()
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (dotted) return dotted[1]
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (!hex) return undefined
  const hi = parseInt(hex[1]!, 16)
  const lo = parseInt(hex[2]!, 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

/** True for loopback, private, link-local, CGNAT, multicast, reserved and IPv6 ULA addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return NOT_PUBLIC.check(address, 'ipv4')
  if (family !== 6) return true // not an address at all: never connect to it
  const v4 = embeddedIpv4(address)
  if (v4 !== undefined) return NOT_PUBLIC.check(v4, 'ipv4')
  return NOT_PUBLIC.check(address, 'ipv6')
}

export interface UrlProbe {
  valid: boolean
  contentLength?: string
  contentType?: string
}

export interface ProbeOptions {
  mode: Exclude<FileInfoUrlMode, 'off'>
  headers?: Record<string, string>
  network?: ProbeNetwork
  timeoutMs?: number
  /**
   * An origin the operator configured (an IPFS or Arweave gateway, which may well be on the
   * publisher's own network): hops to it are not address-checked. Any other hop a redirect leads
   * to is checked as `mode` says.
   */
  trustedOrigin?: string
}

function refused(url: URL, address: string): never {
  throw providerError(
    'FILE_INFO_URL_REFUSED',
    `fileInfo does not reach ${url.hostname}: it resolves to ${address}, which is not a public address (provider.fileInfoUrls is "public")`,
  )
}

/** The address this hop connects to: resolved once, checked, then pinned. */
async function pinnedAddress(url: URL, options: ProbeOptions): Promise<ResolvedAddress | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const literal = isIP(host)
  if (literal !== 0) {
    if (options.mode === 'public' && isNonPublicAddress(host)) refused(url, host)
    return undefined // nothing to resolve: the socket connects to the literal
  }
  if (options.mode === 'any' && !options.network) return undefined // the process's own resolver
  const addresses = await (options.network?.resolve ?? resolveHost)(host)
  if (addresses.length === 0) return undefined
  if (options.mode === 'public') {
    // Every answer is checked: a name that also maps inside is refused, whichever one is first.
    const inside = addresses.find((a) => isNonPublicAddress(a.address))
    if (inside) refused(url, inside.address)
  }
  return addresses[0]
}

function pinnedDispatcher(checked: ResolvedAddress, route?: (address: string) => string): Agent {
  const address = route ? route(checked.address) : checked.address
  const pin: ResolvedAddress = { address, family: isIP(address) === 6 ? 6 : 4 }
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all)
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [pin])
    else callback(null, pin.address, pin.family)
  }
  return new Agent({ connect: { lookup }, connections: 1, pipelining: 0 })
}

async function request(
  url: URL,
  method: 'HEAD' | 'GET',
  options: ProbeOptions,
): Promise<{ response: Response; dispatcher?: Agent }> {
  const trusted = options.trustedOrigin !== undefined && url.origin === options.trustedOrigin
  const pin = await pinnedAddress(url, trusted ? { ...options, mode: 'any' } : options)
  const dispatcher = pin ? pinnedDispatcher(pin, options.network?.route) : undefined
  const headers: Record<string, string> = { ...(options.headers ?? {}) }
  if (method === 'GET') headers.range = 'bytes=0-0'
  try {
    const response = await fetch(url, {
      method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS),
      ...(dispatcher ? { dispatcher } : {}),
    })
    return { response, ...(dispatcher ? { dispatcher } : {}) }
  } catch (error) {
    await dispatcher?.close().catch(() => undefined)
    throw error
  }
}

/** One method, following redirects by hand (each hop resolved and checked). */
async function follow(start: URL, method: 'HEAD' | 'GET', options: ProbeOptions): Promise<Response> {
  let url = start
  for (let hop = 0; ; hop++) {
    const { response, dispatcher } = await request(url, method, options)
    await response.body?.cancel().catch(() => undefined)
    await dispatcher?.close().catch(() => undefined)
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location)
      return response
    if (hop >= MAX_REDIRECTS) return new Response(null, { status: 508 }) // too many: not valid
    const next = new URL(location, url)
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return new Response(null, { status: 400 })
    url = next
  }
}

/**
 * Probes one URL's size and type. Throws FILE_INFO_URL_REFUSED (mode "public", a non-public
 * address on any hop); any network failure or non-2xx answer is `valid: false`.
 */
export async function probeFileUrl(rawUrl: string, options: ProbeOptions): Promise<UrlProbe> {
  const url = new URL(rawUrl)
  try {
    let response = await follow(url, 'HEAD', options)
    const length = (r: Response) => r.headers.get('content-length') ?? undefined
    if (response.status === 405 || response.status === 501 || (response.ok && length(response) === undefined))
      response = await follow(url, 'GET', options)
    if (!response.ok) return { valid: false }
    const total =
      response.status === 206
        ? /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1]
        : length(response)
    const type = response.headers.get('content-type') ?? undefined
    return {
      valid: true,
      ...(total !== undefined ? { contentLength: total } : {}),
      ...(type !== undefined ? { contentType: type } : {}),
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FILE_INFO_URL_REFUSED') throw error
    return { valid: false }
  }
}
