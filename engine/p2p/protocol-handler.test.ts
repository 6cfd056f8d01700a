import { describe, expect, it } from 'vitest'
import { bodyFromFrames } from './protocol-handler'

/** A frame reader over fixed frames; past the last one it fails as a closed stream does. */
function frames(...parts: string[]) {
  const queue = parts.map((p) => Buffer.from(p))
  return {
    read: async () => {
      const next = queue.shift()
      if (!next) throw new Error('unexpected end of input')
      return { byteLength: next.length, subarray: () => next }
    },
  }
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

describe('streamed request body (p2pStreamBody)', () => {
  it('is every frame up to the empty one, in order, and nothing after it', async () => {
    expect(await text(bodyFromFrames(frames('a,', 'b', '', 'after') as never))).toBe('a,b')
  })

  it('errors when the stream ends before the empty frame, so the upload is refused', async () => {
    await expect(text(bodyFromFrames(frames('a,', 'b') as never))).rejects.toThrow(/unexpected end/)
  })
})
