import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { BufferPool, replyWithResult, WHOLE_READ_MAX_BYTES } from './result-response'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

async function appWith(files: Record<string, Buffer>) {
  const dir = mkdtempSync(join(tmpdir(), 'result-response-'))
  dirs.push(dir)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  const app = Fastify()
  app.setErrorHandler((error, _request, reply) =>
    isC2dError(error)
      ? reply.code(error.status).send({ code: error.code })
      : reply.code(500).send({ code: 'INTERNAL' }),
  )
  app.get<{ Params: { name: string } }>('/r/:name', async (request, reply) => {
    const path = join(dir, request.params.name)
    const size = files[request.params.name]!.length
    return replyWithResult(
      reply,
      { path, sizeBytes: size, filename: request.params.name, contentType: 'application/octet-stream' },
      request.headers.range,
    )
  })
  return { app, dir }
}

describe('BufferPool', () => {
  it('hands out power-of-two classes from 64 KiB, reuses a given buffer and keeps at most its byte cap', () => {
    expect(BufferPool.classOf(1)).toBe(64 * 1024)
    expect(BufferPool.classOf(1024 * 1024)).toBe(1024 * 1024)
    expect(BufferPool.classOf(1024 * 1024 + 1)).toBe(2 * 1024 * 1024)
    const pool = new BufferPool(2 * 1024 * 1024, 60_000)
    const a = pool.take(1024 * 1024)
    const b = pool.take(1024 * 1024)
    const c = pool.take(1024 * 1024)
    pool.give(a)
    pool.give(b)
    pool.give(c) // over the cap: dropped
    expect(pool.bytesPooled).toBe(2 * 1024 * 1024)
    const again = pool.take(1000 * 1000)
    expect(again === a || again === b).toBe(true)
    pool.clear()
    expect(pool.bytesPooled).toBe(0)
  })
})

describe('replyWithResult', () => {
  it('answers each file with its own bytes when buffers are reused, whole and by range', async () => {
    const one = bytes(1024 * 1024, 1)
    const two = bytes(1024 * 1024 - 5, 2)
    const { app } = await appWith({ one, two })
    for (let round = 0; round < 3; round++) {
      const [r1, r2] = await Promise.all([app.inject('/r/one'), app.inject('/r/two')])
      expect(r1.statusCode).toBe(200)
      expect(r1.headers['content-length']).toBe(String(one.length))
      expect(r1.rawPayload.equals(one)).toBe(true)
      expect(r2.rawPayload.equals(two)).toBe(true)
    }
    const ranged = await app.inject({ url: '/r/one', headers: { range: 'bytes=100-199' } })
    expect(ranged.statusCode).toBe(206)
    expect(ranged.headers['content-range']).toBe(`bytes 100-199/${one.length}`)
    expect(ranged.rawPayload.equals(one.subarray(100, 200))).toBe(true)
    await app.close()
  })

  it('streams a file above the whole-read size byte for byte', async () => {
    const big = bytes(WHOLE_READ_MAX_BYTES + 3, 3)
    const { app } = await appWith({ big })
    const r = await app.inject('/r/big')
    expect(r.statusCode).toBe(200)
    expect(r.rawPayload.equals(big)).toBe(true)
    await app.close()
  })

  it('answers 404 RESULT_NOT_FOUND for a file deleted after it was listed, and the file that shrank too', async () => {
    const { app, dir } = await appWith({ gone: bytes(10, 4), shrunk: bytes(100, 5) })
    unlinkSync(join(dir, 'gone'))
    writeFileSync(join(dir, 'shrunk'), bytes(50, 5))
    const gone = await app.inject('/r/gone')
    expect(gone.statusCode).toBe(404)
    expect(gone.json()).toEqual({ code: 'RESULT_NOT_FOUND' })
    const shrunk = await app.inject('/r/shrunk')
    expect(shrunk.statusCode).toBe(404)
    expect(shrunk.json()).toEqual({ code: 'RESULT_NOT_FOUND' })
    await app.close()
  })
})
