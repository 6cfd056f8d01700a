/**
 * Fetches one file source (url, local, ipfs, arweave) to a path on disk, streaming and
 * size-checked. Failure messages are safe to show a consumer: they never contain the URL, its
 * query string, the headers or the publisher's local path (those are the dataset's secrets).
 */
import { createWriteStream } from 'node:fs'
import { copyFile, rm, stat } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FileSource } from '../../driver'

export interface FetchOptions {
  /** Largest accepted file; checked against Content-Length and again while streaming. */
  maxBytes: number
  ipfsGateway: string
  arweaveGateway: string
  maxRedirects?: number
  signal?: AbortSignal
}

/** A failure whose message is safe to write into configuration.log. */
export class FetchFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FetchFailure'
  }
}

const DEFAULT_MAX_REDIRECTS = 5

/** Writes the source to `destPath`; returns its size. Removes a partial file on failure. */
export async function fetchToFile(
  source: FileSource,
  destPath: string,
  options: FetchOptions,
): Promise<{ sizeBytes: number }> {
  try {
    switch (source.type) {
      case 'local':
        return await copyLocal(source.path, destPath, options.maxBytes)
      case 'url':
        return await download(
          source.url,
          source.method?.toUpperCase() === 'POST' ? 'POST' : 'GET',
          source.headers ?? {},
          destPath,
          options,
        )
      case 'ipfs':
        if (!/^[A-Za-z0-9]+$/.test(source.hash)) throw new FetchFailure('the IPFS hash is not a valid CID')
        return await download(
          `${trimSlash(options.ipfsGateway)}/ipfs/${source.hash}`,
          'GET',
          {},
          destPath,
          options,
        )
      case 'arweave':
        if (!/^[A-Za-z0-9_-]+$/.test(source.transactionId))
          throw new FetchFailure('the Arweave transaction id is not valid')
        return await download(
          `${trimSlash(options.arweaveGateway)}/${source.transactionId}`,
          'GET',
          {},
          destPath,
          options,
        )
      default:
        throw new FetchFailure(`unsupported file source type "${(source as { type: string }).type}"`)
    }
  } catch (error) {
    await rm(destPath, { force: true })
    if (error instanceof FetchFailure) throw error
    // Node's network errors may quote the host or URL: keep the code only.
    const code =
      (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code
    throw new FetchFailure(code ? `the file could not be fetched (${code})` : 'the file could not be fetched')
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

async function copyLocal(path: string, destPath: string, maxBytes: number): Promise<{ sizeBytes: number }> {
  const st = await stat(path).catch(() => undefined)
  if (!st) throw new FetchFailure("the publisher's local file does not exist or cannot be read")
  if (!st.isFile()) throw new FetchFailure("the publisher's local path is not a regular file")
  if (st.size > maxBytes)
    throw new FetchFailure(`the file is ${st.size} bytes, larger than the limit of ${maxBytes} bytes`)
  await copyFile(path, destPath)
  return { sizeBytes: st.size }
}

async function download(
  startUrl: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  destPath: string,
  options: FetchOptions,
): Promise<{ sizeBytes: number }> {
  let url = parseHttpUrl(startUrl)
  let currentMethod = method
  let currentHeaders = headers
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, {
      method: currentMethod,
      headers: currentHeaders,
      redirect: 'manual',
      signal: options.signal,
    })
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel()
      if (redirects >= maxRedirects) throw new FetchFailure(`too many redirects (more than ${maxRedirects})`)
      const next = parseHttpUrl(new URL(response.headers.get('location')!, url).toString())
      // The publisher's headers (API keys) are meant for their server, not for wherever it redirects to.
      if (next.origin !== url.origin) currentHeaders = {}
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && currentMethod === 'POST')
      )
        currentMethod = 'GET'
      url = next
      continue
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel()
      throw new FetchFailure(`the file's server answered HTTP ${response.status}`)
    }
    const declared = Number(response.headers.get('content-length') ?? NaN)
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body.cancel()
      throw new FetchFailure(
        `the file is ${declared} bytes, larger than the limit of ${options.maxBytes} bytes`,
      )
    }
    let sizeBytes = 0
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sizeBytes += chunk.length
        if (sizeBytes > options.maxBytes)
          callback(new FetchFailure(`the file is larger than the limit of ${options.maxBytes} bytes`))
        else callback(null, chunk)
      },
    })
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      limit,
      createWriteStream(destPath),
    )
    return { sizeBytes }
  }
}

function parseHttpUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new FetchFailure('the file URL is not valid')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FetchFailure(`only http and https URLs are fetched, not ${url.protocol}`)
  return url
}

/**
 * Can this remote source still be fetched? Asked at recovery, for a job whose algorithm never ran:
 * the same request the fetch makes (method, headers, redirects), answered as soon as the status
 * line arrives (the body is not read). Local sources are checked by the caller (existsSync).
 * The reason is safe to show a consumer (no URL, host or header).
 */
export async function probeRemoteSource(
  source: FileSource,
  options: Pick<FetchOptions, 'ipfsGateway' | 'arweaveGateway' | 'maxRedirects'> & { timeoutMs?: number },
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const start =
    source.type === 'url'
      ? source.url
      : source.type === 'ipfs'
        ? `${trimSlash(options.ipfsGateway)}/ipfs/${source.hash}`
        : source.type === 'arweave'
          ? `${trimSlash(options.arweaveGateway)}/${source.transactionId}`
          : undefined
  if (start === undefined) return { ok: true }
  const what = source.type === 'url' ? "the file's server" : `the ${source.type} gateway`
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000)
  try {
    let url = parseHttpUrl(start)
    let method = source.type === 'url' && source.method?.toUpperCase() === 'POST' ? 'POST' : 'GET'
    let headers = source.type === 'url' ? (source.headers ?? {}) : {}
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, { method, headers, redirect: 'manual', signal })
      await response.body?.cancel().catch(() => undefined)
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        if (redirects >= (options.maxRedirects ?? DEFAULT_MAX_REDIRECTS))
          return { ok: false, reason: `${what} redirects too often` }
        const next = parseHttpUrl(new URL(response.headers.get('location')!, url).toString())
        if (next.origin !== url.origin) headers = {}
        if (response.status === 303) method = 'GET'
        url = next
        continue
      }
      return response.ok ? { ok: true } : { ok: false, reason: `${what} answers HTTP ${response.status}` }
    }
  } catch (error) {
    if (error instanceof FetchFailure) return { ok: false, reason: error.message }
    if (signal.aborted) return { ok: false, reason: `${what} did not answer within the time allowed` }
    const code =
      (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code
    return { ok: false, reason: `${what} cannot be reached${code ? ` (${code})` : ''}` }
  }
}
