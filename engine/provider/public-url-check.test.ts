import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkPublicUrl } from './public-url-check'

const NODE = '0x' + 'ab'.repeat(20)
const app = Fastify()
app.get('/', async () => ({ providerAddress: NODE }))
let url = ''
beforeAll(async () => {
  url = await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(() => app.close())

describe('public URL self-check', () => {
  it('is ok only when the URL answers with this node’s providerAddress', async () => {
    expect(await checkPublicUrl(undefined, NODE)).toEqual({ state: 'not-configured' })
    expect((await checkPublicUrl(`${url}/`, NODE.toUpperCase().replace('0X', '0x'))).state).toBe('ok')
    const other = await checkPublicUrl(url, '0x' + 'cd'.repeat(20))
    expect(other).toMatchObject({ state: 'mismatch', seenProviderAddress: NODE })
    expect((await checkPublicUrl('http://127.0.0.1:1', NODE)).state).toBe('unreachable')
  })
})
