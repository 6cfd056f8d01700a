import { describe, expect, it } from 'vitest'
import { sha256Hex } from './algorithm-checksums'
import type { AssetRecord } from './asset-registry'
import { CODE_PREVIEW_BYTES, inspectAlgorithm } from './algorithm-inspection'

const algorithmRecord = (files: AssetRecord['files'][string]) =>
  ({
    did: 'did:op:algo',
    kind: 'algorithm',
    ddo: { id: 'did:op:algo', metadata: { name: 'Row counter', author: 'Alice' }, services: [{ id: 's1' }] },
    files: { s1: files },
  }) as unknown as AssetRecord

describe('inspectAlgorithm', () => {
  it('shows raw code as sent, and whether it is the code the request was refused with', async () => {
    const code = 'print(len(open("/data/inputs/x").read()))'
    const shown = await inspectAlgorithm({
      record: undefined,
      rawCode: code,
      requestFilesChecksum: sha256Hex(code),
    })
    expect(shown.code).toEqual([
      { name: 'raw code', sizeBytes: code.length, sha256: sha256Hex(code), text: code, truncated: false },
    ])
    expect(shown.matchesRequest).toBe(true)
    expect(
      (await inspectAlgorithm({ record: undefined, rawCode: code, requestFilesChecksum: 'x' }))
        .matchesRequest,
    ).toBe(false)
  })

  it("reads a held algorithm's files (text cut at 64 KiB, binary named), never naming their URL or path", async () => {
    const big = 'a'.repeat(CODE_PREVIEW_BYTES + 10)
    const contents: Record<string, Uint8Array> = {
      '/secret/dir/algo.js': new TextEncoder().encode(big),
      '/secret/dir/model.bin': new Uint8Array([1, 0, 2]),
    }
    const record = algorithmRecord([
      { type: 'local', path: '/secret/dir/algo.js' },
      { type: 'local', path: '/secret/dir/model.bin' },
    ])
    const read = async (s: { type: string; path?: string }) => contents[s.path!]!
    const expected =
      sha256Hex(contents['/secret/dir/algo.js']!) + sha256Hex(contents['/secret/dir/model.bin']!)
    const shown = await inspectAlgorithm({
      record,
      rawCode: null,
      requestFilesChecksum: expected,
      read: read as never,
    })
    expect(shown).toMatchObject({
      name: 'Row counter',
      author: 'Alice',
      filesChecksumNow: expected,
      matchesRequest: true,
    })
    expect(shown.code[0]).toMatchObject({ sizeBytes: big.length, truncated: true })
    expect(shown.code[0]!.text).toHaveLength(CODE_PREVIEW_BYTES)
    expect(shown.code[1]).toMatchObject({ text: null, note: 'binary file' })
    expect(JSON.stringify(shown)).not.toContain('/secret/dir')
  })

  it('says when a file cannot be read, without its cause text, and claims no match', async () => {
    const record = algorithmRecord([{ type: 'local', path: '/secret/gone.js' }])
    const read = async () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, open '/secret/gone.js'"), {
        code: 'ENOENT',
      })
    }
    const shown = await inspectAlgorithm({ record, rawCode: null, requestFilesChecksum: 'f', read })
    expect(shown.code[0]!.note).toBe('cannot be read here (ENOENT)')
    expect(shown.filesChecksumNow).toBeNull()
    expect(shown.matchesRequest).toBe(false)
    expect(JSON.stringify(shown)).not.toContain('/secret')
  })
})
