/**
 * Issue 15, HTTPS served directly: the Provider listens with the publisher's certificate and key
 * (PEM files), and picks up a renewed pair without a restart. Certificates are made with openssl.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, renameSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { consoleConfigSchema } from '../config/schema'
import { MemoryLogger } from '../logging'

const dir = mkdtempSync(join(tmpdir(), 'c2d-https-'))
function makeCert(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`)
  const key = join(dir, `${name}.key`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  )
  return { cert, key }
}

/** GET / over TLS trusting only `ca`; resolves with the served certificate's CN and the JSON body. */
function get(url: string, ca: string): Promise<{ cn: string; body: { providerAddress: string | null } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { ca: readFileSync(ca), agent: false }, (res) => {
      const cn = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN)
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve({ cn, body: JSON.parse(text) as { providerAddress: string | null } }))
    })
    req.on('error', reject)
    req.end()
  })
}

const first = makeCert('first')
const files = { certFile: join(dir, 'provider.crt'), keyFile: join(dir, 'provider.key') }
renameSync(first.cert, files.certFile)
renameSync(first.key, files.keyFile)
let core: Core
beforeAll(async () => {
  const config = consoleConfigSchema.parse({
    dataDir: join(dir, 'data'),
    logLevel: 'silent',
    chain: { mode: 'off' },
    operatorApi: { enabled: false },
    provider: { port: 0, tls: files },
  })
  core = await startCore(config, { logger: new MemoryLogger(), listenConsole: false })
}, 60_000)
afterAll(() => core?.stop())

describe('HTTPS from the publisher’s certificate', () => {
  it('serves the Provider over TLS and switches to a renewed certificate without a restart', async () => {
    expect(core.providerUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect((await get(core.providerUrl, files.certFile)).cn).toBe('first')
    // A renewal replaces both files; the file watcher reloads them. Poll (bounded) until it has.
    const second = makeCert('second')
    renameSync(second.cert, files.certFile)
    renameSync(second.key, files.keyFile)
    let cn = ''
    for (let i = 0; i < 100 && cn !== 'second'; i++) {
      cn = await get(core.providerUrl, files.certFile).then(
        (r) => r.cn,
        () => '',
      )
      if (cn !== 'second') await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(cn).toBe('second')
  }, 60_000)
})
