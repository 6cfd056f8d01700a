import { describe, expect, it } from 'vitest'
import { errorText, mapCommand } from './ocean-commands'

const request = (task: unknown) => {
  const mapped = mapCommand(task)
  if (!mapped.ok) throw new Error(mapped.error)
  return mapped.request
}

describe('P2P command → Provider request', () => {
  it('refuses what is not a command, and unknown commands with 501 as Ocean Node does', () => {
    expect(mapCommand('x')).toEqual({ ok: false, status: 400, error: 'Invalid command' })
    expect(mapCommand({ command: 'reindexChain' })).toMatchObject({ ok: false, status: 501 })
  })

  it('sends signed fields unchanged and the auth token as the Authorization header', () => {
    const start = request({
      command: 'freeStartCompute',
      authorization: 'jwt',
      consumerAddress: '0xa',
      nonce: '2',
      signature: '0xs',
      environment: 'e',
    })
    expect(start).toMatchObject({ method: 'POST', url: '/api/services/freeCompute', answer: 'json' })
    expect(start.headers.authorization).toBe('jwt')
    expect(start.body).toEqual({ consumerAddress: '0xa', nonce: '2', signature: '0xs', environment: 'e' })
  })

  it('puts query commands in the query string and resumes results with a Range', () => {
    expect(request({ command: 'nonce', address: '0xa' }).url).toBe('/api/services/nonce?userAddress=0xa')
    const stop = request({
      command: 'stopCompute',
      jobId: 'j',
      consumerAddress: '0xa',
      nonce: '3',
      signature: '0xs',
    })
    expect(stop.method).toBe('PUT')
    expect(stop.url).toBe('/api/services/compute?jobId=j&consumerAddress=0xa&nonce=3&signature=0xs')
    const result = request({
      command: 'getComputeResult',
      jobId: 'j',
      index: 1,
      offset: 5,
      consumerAddress: '0xa',
    })
    expect(result).toMatchObject({ answer: 'stream', headers: { range: 'bytes=5-' } })
    expect(
      request({ command: 'getComputeResult', jobId: 'j', index: 1, offset: 0 }).headers.range,
    ).toBeUndefined()
    expect(request({ command: 'getComputeStreamableLogs', jobId: 'j' }).answer).toBe('stream')
  })

  it("reads the Provider's JSON-string error body as the message", () => {
    expect(errorText('"Job x not found"')).toBe('Job x not found')
    expect(errorText('plain')).toBe('plain')
  })
})
