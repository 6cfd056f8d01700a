import { describe, it, expect } from 'vitest'
import { applyPublishProgress, type PublishProgressEvent } from './publish-progress'

const did = 'did:op:' + 'd'.repeat(64)
const tx = (n: number) => '0x' + String(n).padStart(64, '0')

describe('applyPublishProgress', () => {
  it('replaces a step in flight by its later status, newest first', () => {
    let list: PublishProgressEvent[] = []
    list = applyPublishProgress(list, { did, step: 'mint', status: 'started' })
    list = applyPublishProgress(list, { did, step: 'mint', status: 'sent', txHash: tx(1) })
    list = applyPublishProgress(list, { did, step: 'state', status: 'started' })
    list = applyPublishProgress(list, { did, step: 'mint', status: 'mined', txHash: tx(1) })
    expect(list).toEqual([
      { did, step: 'mint', status: 'mined', txHash: tx(1) },
      { did, step: 'state', status: 'started' },
    ])
  })

  it('keeps a finished step and adds a second attempt of it as its own row', () => {
    let list: PublishProgressEvent[] = [{ did, step: 'mint', status: 'mined', txHash: tx(1) }]
    list = applyPublishProgress(list, { did, step: 'mint', status: 'started' })
    list = applyPublishProgress(list, { did, step: 'mint', status: 'failed', txHash: tx(2) })
    expect(list.map((e) => [e.status, e.txHash])).toEqual([
      ['failed', tx(2)],
      ['mined', tx(1)],
    ])
  })

  it('keeps at most 50 rows', () => {
    let list: PublishProgressEvent[] = []
    for (let i = 0; i < 60; i++)
      list = applyPublishProgress(list, { did, step: 'mint', status: 'mined', txHash: tx(i) })
    expect(list).toHaveLength(50)
    expect(list[0]?.txHash).toBe(tx(59))
  })
})
