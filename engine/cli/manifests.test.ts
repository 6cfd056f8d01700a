import { parseAllDocuments } from 'yaml'
import { Pod } from 'kubernetes-models/v1/Pod'
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim'
import { Secret } from 'kubernetes-models/v1/Secret'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { describe, expect, it } from 'vitest'
import { manifestsYaml, sampleJobSpec } from './manifests'

const MODELS = { Pod, PersistentVolumeClaim, Secret, NetworkPolicy } as const

describe('npm run manifests', () => {
  it('prints every object of the sample job as multi-document YAML that validates against the Kubernetes schema', () => {
    const docs = parseAllDocuments(manifestsYaml(sampleJobSpec(), 'ocean-c2d')).map(
      (d) => d.toJS() as { kind: keyof typeof MODELS; metadata: { namespace: string } },
    )
    expect(docs.map((d) => d.kind)).toEqual([
      'Secret',
      'PersistentVolumeClaim',
      'NetworkPolicy',
      'NetworkPolicy',
      'Pod',
      'Pod',
      'Pod',
    ])
    for (const doc of docs) {
      expect(doc.metadata.namespace).toBe('ocean-c2d')
      expect(() => new MODELS[doc.kind](doc as never).validate()).not.toThrow()
    }
  })

  it('redacts dataset URLs, headers and inlined file contents but keeps the structure', () => {
    const spec = sampleJobSpec()
    spec.datasets[0]!.files = [
      {
        type: 'url',
        url: 'https://bucket.example/private.csv?sig=abc',
        headers: { Authorization: 'Bearer hunter2' },
      },
    ]
    const yaml = manifestsYaml(spec, 'ns', () => Buffer.from('top secret algorithm'))
    for (const secret of [
      'bucket.example',
      'sig=abc',
      'hunter2',
      Buffer.from('top secret algorithm').toString('base64'),
    ])
      expect(yaml).not.toContain(secret)
    const secretDoc = parseAllDocuments(yaml)[0]!.toJS() as { stringData: { 'inputs.json': string } }
    const inputs = JSON.parse(secretDoc.stringData['inputs.json'])
    expect(inputs.datasets[0].files[0]).toEqual({
      type: 'url',
      url: '<redacted>',
      headers: { Authorization: '<redacted>' },
    })
  })
})
