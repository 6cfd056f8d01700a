import { describe, expect, it } from 'vitest'
import { KUBE_FAILURE_CAUSES, networkDiagnosis, requestDiagnosis } from './connection-diagnosis'

const SERVER = 'https://api.example.internal:6443'
/** undici wraps the socket's error: TypeError("fetch failed") with the real one as `cause`. */
const fetchFailed = (code: string, message = code) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) })

describe('networkDiagnosis', () => {
  it('reads the cause through undici\'s "fetch failed" wrapper', () => {
    expect(networkDiagnosis(fetchFailed('ECONNREFUSED'), SERVER)?.cause).toBe('refused')
    expect(networkDiagnosis(fetchFailed('ENOTFOUND'), SERVER)?.cause).toBe('dns')
    expect(networkDiagnosis(fetchFailed('EAI_AGAIN'), SERVER)?.cause).toBe('dns')
    expect(networkDiagnosis(fetchFailed('UND_ERR_CONNECT_TIMEOUT'), SERVER)?.cause).toBe('timeout')
    expect(networkDiagnosis(fetchFailed('EHOSTUNREACH'), SERVER)?.cause).toBe('unreachable')
    expect(networkDiagnosis(fetchFailed('UND_ERR_SOCKET'), SERVER)?.cause).toBe('reset')
    expect(networkDiagnosis(fetchFailed('SELF_SIGNED_CERT_IN_CHAIN'), SERVER)?.cause).toBe('tls-unknown-ca')
    expect(networkDiagnosis(fetchFailed('CERT_HAS_EXPIRED'), SERVER)?.cause).toBe('tls-expired')
    expect(networkDiagnosis(fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID'), SERVER)?.cause).toBe(
      'tls-hostname-mismatch',
    )
    expect(networkDiagnosis(fetchFailed('ERR_SSL_WRONG_VERSION_NUMBER'), SERVER)?.cause).toBe('tls')
  })

  it('names the host and port, and gives a fix per cause (no two causes share one)', () => {
    const codes = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'CERT_HAS_EXPIRED']
    const diagnoses = codes.map((code) => networkDiagnosis(fetchFailed(code), SERVER)!)
    for (const d of diagnoses) {
      expect(d.message).toContain('api.example.internal')
      expect(KUBE_FAILURE_CAUSES).toContain(d.cause)
    }
    expect(new Set(diagnoses.map((d) => d.fix)).size).toBe(codes.length)
  })

  it('leaves errors that are not network errors to the caller', () => {
    expect(networkDiagnosis(new Error('something else'), SERVER)).toBeUndefined()
  })
})

describe('requestDiagnosis', () => {
  it('401: credentials refused, with a fix that depends on where the token came from', () => {
    const exec = requestDiagnosis({ code: 401, body: '' }, SERVER, { user: 'aws', exec: true })
    const token = requestDiagnosis({ code: 401, body: '' }, SERVER, { user: 'sa', exec: false })
    expect([exec.cause, token.cause]).toEqual(['unauthorized', 'unauthorized'])
    expect(exec.message).toBe(`${SERVER} refused the credentials of user aws (HTTP 401 Unauthorized)`)
    expect(exec.fix).toContain('log in again')
    expect(token.fix).toContain('kubectl create token')
  })

  it("403: forbidden, with the API server's Status message", () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'version is forbidden: User "x" cannot get path "/version"',
    })
    const d = requestDiagnosis({ code: 403, body }, SERVER, { user: 'x', exec: false })
    expect(d.cause).toBe('forbidden')
    expect(d.message).toContain('cannot get path "/version"')
  })

  it('other HTTP codes and unknown errors keep their words', () => {
    expect(requestDiagnosis({ code: 503, body: '' }, SERVER, { user: 'x', exec: false }).cause).toBe(
      'http-error',
    )
    const unknown = requestDiagnosis(new Error('boom\n  at x'), SERVER, { user: 'x', exec: false })
    expect(unknown).toMatchObject({ cause: 'unknown', message: `The request to ${SERVER} failed: boom` })
  })
})
