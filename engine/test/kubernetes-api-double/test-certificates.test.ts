import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { derInteger, makeCertificate } from './test-certificates'

describe('the test PKI', () => {
  it('encodes integers in minimal DER whatever their leading bytes', () => {
    // A serial whose first byte was masked to zero once made node refuse the
    // certificate ("illegal padding"), failing the Kubernetes e2e about one run in fifty.
    expect(derInteger(Buffer.from([0x00, 0x12, 0x34]))).toEqual(Buffer.from([2, 2, 0x12, 0x34]))
    expect(derInteger(Buffer.from([0x00, 0x00, 0x92]))).toEqual(Buffer.from([2, 2, 0x00, 0x92]))
    expect(derInteger(Buffer.from([0x92]))).toEqual(Buffer.from([2, 2, 0x00, 0x92]))
    expect(derInteger(Buffer.from([0x00]))).toEqual(Buffer.from([2, 1, 0x00]))
    expect(derInteger(Buffer.from([0x7f, 0x00]))).toEqual(Buffer.from([2, 2, 0x7f, 0x00]))
  })

  it('makes certificates node accepts, many times over (random keys, random serials)', () => {
    const ca = makeCertificate({ commonName: 'ca' })
    for (let i = 0; i < 200; i++) {
      const leaf = makeCertificate({ commonName: `leaf-${i}`, hosts: ['127.0.0.1'], issuer: ca })
      const parsed = new X509Certificate(leaf.cert)
      expect(parsed.verify(new X509Certificate(ca.cert).publicKey)).toBe(true)
      expect(parsed.serialNumber).toMatch(/^[0-9A-F]{24}$/)
    }
  })
})
