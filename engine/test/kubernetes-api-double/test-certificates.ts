/**
 * X.509 certificates for the API double's TLS front (tls-front.ts), made at test time in pure
 * node: ECDSA P-256 keys from node:crypto and a small DER encoder for the certificate itself (node
 * verifies certificates but has no API to build one). A CA, and server certificates it signs:
 * valid for 127.0.0.1, for another host name only, or expired. Test code only.
 */
import { createHash, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto'

// ---- DER, the few types a certificate needs ----
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), length(body.length), body])
}
const sequence = (...items: Buffer[]) => tlv(0x30, ...items)
const set = (...items: Buffer[]) => tlv(0x31, ...items)
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner)
/** A non-negative INTEGER in DER's minimal form: no redundant leading zero byte, and a zero byte
 * added where the top bit would read as a sign. */
export function derInteger(value: Buffer): Buffer {
  let start = 0
  while (start < value.length - 1 && value[start] === 0) start++
  const minimal = value.subarray(start)
  return tlv(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal)
}
const integer = derInteger
const boolean = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]))
const octets = (b: Buffer) => tlv(0x04, b)
const bits = (b: Buffer) => tlv(0x03, Buffer.from([0]), b)
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'))
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const out = [a! * 40 + b!]
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f]
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f))
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`))
}
const name = (commonName: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))))
const ECDSA_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))

export interface TestCertificate {
  /** PEM of the certificate. */
  cert: string
  /** PEM (PKCS#8) of its private key. */
  key: string
  keyObject: KeyObject
  commonName: string
}

export interface CertificateRequest {
  commonName: string
  /** Host names and IP addresses the certificate is for (subjectAltName). */
  hosts?: string[]
  notBefore?: Date
  notAfter?: Date
  /** Signed by this CA; absent: self-signed, and a CA itself. */
  issuer?: TestCertificate
}

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`

function ipBytes(ip: string): Buffer | undefined {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip)
  if (v4) return Buffer.from(v4.slice(1).map(Number))
  if (ip === '::1') return Buffer.from([...Array<number>(15).fill(0), 1])
  return undefined
}

export function makeCertificate(request: CertificateRequest): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const isCa = request.issuer === undefined
  const keyId = createHash('sha1').update(spki).digest()
  const extensions: Buffer[] = [
    sequence(oid('2.5.29.19'), boolean(true), octets(sequence(...(isCa ? [boolean(true)] : [])))),
    // keyUsage: keyCertSign + cRLSign for a CA, digitalSignature for a server.
    sequence(
      oid('2.5.29.15'),
      boolean(true),
      octets(isCa ? tlv(0x03, Buffer.from([1, 0x06])) : tlv(0x03, Buffer.from([7, 0x80]))),
    ),
    sequence(oid('2.5.29.14'), octets(octets(keyId))),
  ]
  if (!isCa) {
    // extKeyUsage serverAuth
    extensions.push(sequence(oid('2.5.29.37'), octets(sequence(oid('1.3.6.1.5.5.7.3.1')))))
    const names = (request.hosts ?? []).map((host) => {
      const ip = ipBytes(host)
      return ip ? tlv(0x87, ip) : tlv(0x82, Buffer.from(host, 'ascii'))
    })
    if (names.length > 0) extensions.push(sequence(oid('2.5.29.17'), octets(sequence(...names))))
  }
  const notBefore = request.notBefore ?? new Date(Date.now() - 60 * 60 * 1000)
  const notAfter = request.notAfter ?? new Date(Date.now() + 24 * 60 * 60 * 1000)
  const serial = createHash('sha256').update(spki).digest().subarray(0, 12)
  serial[0] = (serial[0]! & 0x7f) | 0x01 // positive and never zero, so all 12 bytes are kept
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_SHA256,
    name(request.issuer?.commonName ?? request.commonName),
    sequence(time(notBefore), time(notAfter)),
    name(request.commonName),
    spki,
    explicit(3, sequence(...extensions)),
  )
  const signingKey = request.issuer?.keyObject ?? privateKey
  const der = sequence(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, signingKey)))
  const cert = pem('CERTIFICATE', der)
  new X509Certificate(cert) // throws if the encoding is wrong
  return {
    cert,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyObject: privateKey,
    commonName: request.commonName,
  }
}

/** What the TLS tests need: a CA, a second unrelated CA, and three server certificates. */
export interface TestPki {
  ca: TestCertificate
  /** A CA the API server's certificate is not signed by ("unknown authority"). */
  otherCa: TestCertificate
  /** For 127.0.0.1 and localhost, signed by `ca`. */
  server: TestCertificate
  /** Signed by `ca` but only for kubernetes.example.invalid (hostname mismatch at 127.0.0.1). */
  wrongHost: TestCertificate
  /** For 127.0.0.1, signed by `ca`, expired in 2021. */
  expired: TestCertificate
}

export function makeTestPki(): TestPki {
  const ca = makeCertificate({ commonName: 'c2d-double-ca' })
  const otherCa = makeCertificate({ commonName: 'someone-else-ca' })
  const hosts = ['127.0.0.1', 'localhost']
  return {
    ca,
    otherCa,
    server: makeCertificate({ commonName: 'kube-apiserver', hosts, issuer: ca }),
    wrongHost: makeCertificate({
      commonName: 'kube-apiserver',
      hosts: ['kubernetes.example.invalid'],
      issuer: ca,
    }),
    expired: makeCertificate({
      commonName: 'kube-apiserver',
      hosts,
      issuer: ca,
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    }),
  }
}
