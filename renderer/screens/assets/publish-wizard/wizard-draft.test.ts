import { describe, expect, it } from 'vitest'
import { assetDraftSchema } from '../../../../engine/console-api/contract'
import { fieldOfPath, INITIAL_WIZARD, stepOfField, toDraft } from './wizard-draft'

describe('publish wizard draft', () => {
  it('turns the form into a valid draft: URL with headers, trusted algorithms by DID, checksums left to the engine', () => {
    const did = 'did:op:' + 'b'.repeat(64)
    const draft = toDraft({
      ...INITIAL_WIZARD,
      name: ' Weather ',
      file: 'https://data.example/w.csv',
      headers: 'Authorization: Bearer x\nbad line',
      trustedAlgorithms: [did],
    })
    expect(assetDraftSchema.safeParse(draft).success).toBe(true)
    expect(draft.name).toBe('Weather')
    expect(draft.service.files).toEqual([
      { type: 'url', url: 'https://data.example/w.csv', headers: { Authorization: 'Bearer x' } },
    ])
    expect(draft.service.publisherTrustedAlgorithms).toEqual([
      { did, filesChecksum: '', containerSectionChecksum: '' },
    ])
    expect(draft.container).toBeUndefined()
  })

  it('an algorithm carries its container and trusts nothing itself; a path is a local file', () => {
    const draft = toDraft({
      ...INITIAL_WIZARD,
      kind: 'algorithm',
      name: 'A',
      file: '/srv/a.py',
      trustedAlgorithms: ['x'],
    })
    expect(draft.container).toEqual({
      image: 'python',
      tag: '3.12-slim',
      entrypoint: 'python $ALGO',
      checksum: '',
    })
    expect(draft.service.files).toEqual([{ type: 'local', path: '/srv/a.py' }])
    expect(draft.service.publisherTrustedAlgorithms).toEqual([])
  })

  it('sends each issue to the step and field that hold it', () => {
    expect([stepOfField('name'), fieldOfPath('name')]).toEqual([0, 'name'])
    expect([stepOfField('draft.service.files.0.url'), fieldOfPath('draft.service.files.0.url')]).toEqual([
      0,
      'file',
    ])
    expect([stepOfField('container'), fieldOfPath('container')]).toEqual([0, 'entrypoint'])
    expect([
      stepOfField('service.publisherTrustedAlgorithms.0.did'),
      fieldOfPath('service.publisherTrustedAlgorithms.0.did'),
    ]).toEqual([1, 'trustedAlgorithms'])
  })
})
