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

  it('maps the persistent-storage commands onto the bucket routes, the upload as a streamed body', () => {
    const sig = { consumerAddress: '0xa', nonce: '4', signature: '0xs' }
    const base = '/api/services/persistentStorage/buckets'
    const q = '?consumerAddress=0xa&nonce=4&signature=0xs'
    const create = request({ command: 'persistentStorageCreateBucket', ...sig, accessLists: [], label: 'l' })
    expect(create).toMatchObject({ method: 'POST', url: base, body: { ...sig, accessLists: [], label: 'l' } })
    expect(request({ command: 'persistentStorageGetBuckets', ...sig, owner: '0xo' }).url).toBe(
      `${base}?owner=0xo&consumerAddress=0xa&nonce=4&signature=0xs`,
    )
    expect(
      request({ command: 'persistentStorageUpdateBucket', ...sig, bucketId: 'b', label: 'n' }),
    ).toMatchObject({ method: 'PATCH', url: `${base}/b${q}`, body: { label: 'n' } })
    expect(request({ command: 'persistentStorageListFiles', ...sig, bucketId: 'b' }).url).toBe(
      `${base}/b/files${q}`,
    )
    const file = { ...sig, bucketId: 'b', fileName: 'a b.csv' }
    expect(request({ command: 'persistentStorageGetFileObject', ...file }).url).toBe(
      `${base}/b/files/a%20b.csv/object${q}`,
    )
    expect(request({ command: 'persistentStorageDeleteFile', ...file })).toMatchObject({
      method: 'DELETE',
      url: `${base}/b/files/a%20b.csv${q}`,
    })
    const upload = request({ command: 'persistentStorageUploadFile', ...file, p2pStreamBody: true })
    expect(upload).toMatchObject({ method: 'POST', url: `${base}/b/files/a%20b.csv${q}`, streamBody: true })
    expect(upload.body).toBeUndefined()
  })

  it('refuses a storage command without its bucket or file, and an upload that does not stream', () => {
    expect(mapCommand({ command: 'persistentStorageListFiles' })).toMatchObject({ ok: false, status: 400 })
    expect(mapCommand({ command: 'persistentStorageDeleteFile', bucketId: 'b' })).toMatchObject({
      ok: false,
      status: 400,
    })
    expect(
      mapCommand({ command: 'persistentStorageUploadFile', bucketId: 'b', fileName: 'f' }),
    ).toMatchObject({ ok: false, status: 400 })
  })

  it("reads the Provider's JSON-string error body as the message", () => {
    expect(errorText('"Job x not found"')).toBe('Job x not found')
    expect(errorText('plain')).toBe('plain')
  })
})
