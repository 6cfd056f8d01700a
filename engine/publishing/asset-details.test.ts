import { describe, expect, it } from 'vitest'
import type { AssetRecord } from './asset-registry'
import { draftFromRecord, toAssetDetails } from './asset-details'
import { buildDdo, type AssetDraft } from './ddo'

const nft = '0x8acd85898458400f7db866d53fcff6f0d49741ff'
const dt = '0xe082b26cef079a095147f35c9647ec97c2401b83'
const trustedA = { did: 'did:op:' + 'a'.repeat(64), filesChecksum: 'fa', containerSectionChecksum: 'ca' }
const draft: AssetDraft = {
  kind: 'dataset',
  name: 'Weather',
  description: 'Stations',
  service: {
    files: [{ type: 'url', url: 'https://example.org/secret.csv', headers: { Authorization: 'x' } }],
    timeoutSec: 60,
    publisherTrustedAlgorithms: [trustedA],
  },
}
function record(): AssetRecord {
  const ddo = buildDdo({
    draft,
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: dt,
    serviceEndpoint: 'https://provider.example.org',
    encryptedFiles: '0x0abc',
    createdIso: '2026-01-01T00:00:00.000Z',
  })
  return {
    did: ddo.id,
    kind: 'dataset',
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: dt,
    state: 0,
    ddo,
    files: { [ddo.services[0]!.id]: draft.service.files },
    createdAtMs: 1,
    updatedAtMs: 2,
  }
}

describe('asset details', () => {
  it('shows the compute service and trusted algorithms, never the file URLs', () => {
    const details = toAssetDetails(record())
    expect(details).toMatchObject({
      description: 'Stations',
      serviceEndpoint: 'https://provider.example.org',
      timeoutSec: 60,
      fileCount: 1,
      allowRawAlgorithm: false,
      publisherTrustedAlgorithms: [trustedA],
      container: null,
    })
    expect(JSON.stringify(details)).not.toContain('secret.csv')
  })

  it('an edit keeps the files and the pinned checksums of algorithms still trusted, and leaves new ones to be pinned', () => {
    const did = 'did:op:' + 'b'.repeat(64)
    const edited = draftFromRecord(record(), { publisherTrustedAlgorithms: [trustedA.did, did], name: 'W2' })
    expect(edited.name).toBe('W2')
    expect(edited.description).toBe('Stations')
    expect(edited.service.files).toEqual(draft.service.files)
    expect(edited.service.serviceId).toBe(record().ddo.services[0]!.id)
    expect(edited.service.publisherTrustedAlgorithms).toEqual([
      trustedA,
      { did, filesChecksum: '', containerSectionChecksum: '' },
    ])
  })

  it('an edit that removes every trusted algorithm leaves none', () => {
    expect(
      draftFromRecord(record(), { publisherTrustedAlgorithms: [] }).service.publisherTrustedAlgorithms,
    ).toEqual([])
    expect(draftFromRecord(record(), {}).service.publisherTrustedAlgorithms).toEqual([trustedA])
  })
})
