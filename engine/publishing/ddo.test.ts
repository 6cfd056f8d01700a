import { generateDid } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { containerSectionChecksum, filesChecksum, sha256Hex } from './algorithm-checksums'
import { buildDdo, ddoHash, makeDid, validateDdo, type AssetDraft } from './ddo'
import { decryptWithNodeKey, encryptForNode } from './ddo-encryption'

const nft = '0x8acd85898458400f7db866d53fcff6f0d49741ff'
const dt = '0xe082b26cef079a095147f35c9647ec97c2401b83'
const draft: AssetDraft = {
  kind: 'algorithm',
  name: 'Stats',
  container: { entrypoint: 'python3 $ALGO', image: 'python', tag: '3.11', checksum: 'sha256:abc' },
  service: { files: [{ type: 'url', url: 'https://example.org/a.py' }], timeoutSec: 3600 },
}
const build = (d: AssetDraft = draft) =>
  buildDdo({
    draft: d,
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: dt,
    serviceEndpoint: 'http://127.0.0.1:8030',
    encryptedFiles: '0x0abc',
    createdIso: '2026-01-01T00:00:00.000Z',
  })

describe('ddo', () => {
  it('derives the DID exactly as ocean.js generateDid', () => {
    expect(makeDid(nft, 8996)).toBe(generateDid(nft, 8996))
    expect(makeDid(nft.toUpperCase().replace('0X', '0x'), 137)).toBe(generateDid(nft, 137))
  })

  it('builds a valid v4.1 compute DDO with checksummed addresses', () => {
    const ddo = build()
    expect(validateDdo(ddo)).toEqual([])
    expect(ddo.version).toBe('4.1.0')
    expect(ddo.nftAddress).toBe('0x8aCd85898458400f7Db866d53FCFF6f0D49741FF')
    expect(ddo.services[0]).toMatchObject({
      type: 'compute',
      timeout: 3600,
      compute: { allowRawAlgorithm: false, allowNetworkAccess: false },
    })
    expect(ddo.metadata.algorithm?.container).toEqual(draft.container)
    expect(ddoHash(ddo)).toBe(`0x${sha256Hex(JSON.stringify(ddo))}`)
  })

  it('takes a P2P peer ID (or /p2p/ multiaddr) as serviceEndpoint, as ocean.js dials it', () => {
    const ddo = build()
    const withEndpoint = (serviceEndpoint: string) =>
      validateDdo({ ...ddo, services: [{ ...ddo.services[0]!, serviceEndpoint }] }).map((i) => i.path)
    expect(withEndpoint('16Uiu2HAmLhRDqfufZiQnxvQs2XHhd6hwkLSPfjAQg1gH8wgRixiP')).toEqual([])
    expect(
      withEndpoint(
        '/dns4/node.example/tcp/9001/ws/p2p/16Uiu2HAmLhRDqfufZiQnxvQs2XHhd6hwkLSPfjAQg1gH8wgRixiP',
      ),
    ).toEqual([])
    expect(withEndpoint('16Uiu2 not a peer')).toEqual(['services.0.serviceEndpoint'])
  })

  it('names the field and the reason of each problem', () => {
    const ddo = build()
    const broken = {
      ...ddo,
      id: makeDid(dt, 8996),
      metadata: {
        ...ddo.metadata,
        name: '',
        algorithm: { container: { ...ddo.metadata.algorithm!.container, entrypoint: 'python3 main.py' } },
      },
      services: [
        {
          ...ddo.services[0]!,
          serviceEndpoint: 'not a url',
          timeout: -1,
          compute: {
            ...ddo.services[0]!.compute,
            publisherTrustedAlgorithms: [
              { did: 'did:op:x', filesChecksum: 'zz', containerSectionChecksum: '*' },
            ],
          },
        },
      ],
    }
    const paths = validateDdo(broken).map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'metadata.algorithm.container.entrypoint',
        'services.0.serviceEndpoint',
        'services.0.timeout',
        'services.0.compute.publisherTrustedAlgorithms.0.did',
        'services.0.compute.publisherTrustedAlgorithms.0.filesChecksum',
      ]),
    )
    expect(validateDdo({ ...ddo, id: makeDid(dt, 8996) })).toEqual([
      { path: 'id', message: 'does not match sha256(nftAddress + chainId)' },
    ])
    expect(
      validateDdo({ ...ddo, metadata: { ...ddo.metadata, algorithm: undefined } }).map((i) => i.path),
    ).toEqual(['metadata.algorithm'])
  })

  it('computes the trusted-algorithm checksums as Ocean Node does', () => {
    // Ocean Node: files = concat(sha256(content) per file); container = sha256(entrypoint + checksum).
    expect(filesChecksum([sha256Hex('a'), sha256Hex('b')])).toBe(sha256Hex('a') + sha256Hex('b'))
    expect(containerSectionChecksum({ entrypoint: 'node $ALGO', checksum: 'sha256:1' })).toBe(
      sha256Hex('node $ALGOsha256:1'),
    )
    expect(containerSectionChecksum({ entrypoint: 'node $ALGO' })).toBe(sha256Hex('node $ALGOundefined'))
  })

  it('encrypts for the node key only', () => {
    const node = Wallet.createRandom()
    const sealed = encryptForNode(node.signingKey.publicKey, '{"a":1}')
    expect(sealed).toMatch(/^0x04[0-9a-f]+$/)
    expect(decryptWithNodeKey(node.privateKey, sealed)).toBe('{"a":1}')
    expect(() => decryptWithNodeKey(Wallet.createRandom().privateKey, sealed)).toThrow()
    // The compressed public key (as GET / announces nodePublicKey) works too.
    expect(
      decryptWithNodeKey(node.privateKey, encryptForNode(node.signingKey.compressedPublicKey, 'x')),
    ).toBe('x')
  })
})
