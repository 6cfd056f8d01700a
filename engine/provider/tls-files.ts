/**
 * HTTPS from the publisher's own certificate: PEM chain and key read from files, and re-read when
 * either changes (certbot renewals, a copied-in certificate) so new connections get the new one
 * without a restart. A half-written or mismatched pair is refused and the old one stays.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import type { Logger } from '../logging'

export interface TlsFiles {
  certFile: string
  keyFile: string
}

/** What the https server offers for reloading (node:https Server / tls.Server). */
export interface TlsServer {
  setSecureContext(options: { cert: Buffer; key: Buffer }): void
}

export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }
}

/** Reloads the pair into `server` now; false (and the old pair kept) if it does not load. */
export function reloadTls(files: TlsFiles, server: TlsServer, logger: Logger): boolean {
  try {
    server.setSecureContext(readTlsFiles(files))
    logger.info('provider certificate reloaded', { certFile: files.certFile })
    return true
  } catch (error) {
    logger.warn('provider certificate not reloaded; the previous one stays', {
      error: error instanceof Error ? error.message : String(error),
    })
    return false
  }
}

/** Polls both files (renames and atomic replaces included); returns the unwatch function. */
export function watchTlsFiles(
  files: TlsFiles,
  server: TlsServer,
  logger: Logger,
  intervalMs = 2000,
): () => void {
  const onChange = () => reloadTls(files, server, logger)
  watchFile(files.certFile, { interval: intervalMs }, onChange)
  watchFile(files.keyFile, { interval: intervalMs }, onChange)
  return () => {
    unwatchFile(files.certFile, onChange)
    unwatchFile(files.keyFile, onChange)
  }
}
