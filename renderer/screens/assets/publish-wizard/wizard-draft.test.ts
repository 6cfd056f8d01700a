import { describe, expect, it } from 'vitest'
import { assetDraftSchema } from '../../../../engine/console-api/contract'
import {
  consumerSnippet,
  fieldOfPath,
  INITIAL_WIZARD,
  STEP_INDEX,
  stepOfField,
  toDraft,
  useWizardDraft,
} from './wizard-draft'

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
    expect([stepOfField('draft.service.files.0.url'), fieldOfPath('draft.service.files.0.url')]).toEqual([
      STEP_INDEX.files,
      'file',
    ])
    expect([stepOfField('name'), fieldOfPath('name')]).toEqual([STEP_INDEX.metadata, 'name'])
    expect([stepOfField('container'), fieldOfPath('container')]).toEqual([STEP_INDEX.compute, 'entrypoint'])
    expect([
      stepOfField('service.publisherTrustedAlgorithms.0.did'),
      fieldOfPath('service.publisherTrustedAlgorithms.0.did'),
    ]).toEqual([STEP_INDEX.compute, 'trustedAlgorithms'])
    expect(stepOfField('environments')).toBe(STEP_INDEX.compute)
    expect([stepOfField('environments.0'), fieldOfPath('environments.0')]).toEqual([
      STEP_INDEX.compute,
      'environments',
    ])
    expect(stepOfField('price')).toBe(STEP_INDEX.pricing)
  })

  it("keeps values in the store across steps and drops a field's message once it is edited", () => {
    useWizardDraft.getState().reset()
    useWizardDraft.getState().setErrors({ name: 'Give the asset a name.', file: 'Add at least one file.' })
    useWizardDraft.getState().set('name', 'W')
    useWizardDraft.getState().setActive(STEP_INDEX.compute)
    expect(useWizardDraft.getState().values.name).toBe('W')
    expect(useWizardDraft.getState().errors).toEqual({ file: 'Add at least one file.' })
    useWizardDraft.getState().set('headers', 'A: b')
    expect(useWizardDraft.getState().errors).toEqual({})
    useWizardDraft.getState().reset()
    expect(useWizardDraft.getState()).toMatchObject({ values: INITIAL_WIZARD, active: 0, errors: {} })
  })

  it('the consumer snippet names the picked environment; a priced asset gets the paid flow', () => {
    const free = consumerSnippet({
      did: 'did:op:x',
      providerUrl: 'http://p',
      environmentId: 'e1',
      paid: false,
    })
    expect(free).toContain("environmentId = 'e1'")
    expect(free).toContain('freeComputeStart')
    const paid = consumerSnippet({ did: 'did:op:x', providerUrl: 'http://p', paid: true })
    expect(paid).toContain('getComputeEnvironments')
    expect(paid).toContain('initializeCompute')
    expect(paid).not.toContain('freeComputeStart')
  })
})
