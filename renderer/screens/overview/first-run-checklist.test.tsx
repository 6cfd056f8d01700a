// The first-run checklist: wallet → compute backend → public URL → first asset → share, derived
// from the same server state as the other screens; hidden once done, and dismissible (kept).
import { beforeEach, describe, expect, it } from 'vitest'
import { cleanup, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'
import { createFakeConsole, makeAsset, makeJob } from '../../test-support/fake-console-service'
import { useUiStore } from '../../ui-state/ui-store'
import { firstRunSteps } from './first-run-checklist'

const reachable = {
  p2p: { enabled: false, peerId: null, direct: [], relayed: [], connections: 0, isReachable: false },
  http: { bindHost: '0.0.0.0', publicUrl: 'https://p.example', selfCheck: { state: 'ok' as const } },
}

const steps = () =>
  within(screen.getByRole('list', { name: 'First-run steps' }))
    .getAllByRole('listitem')
    .map((li) => `${li.getAttribute('data-step')}:${li.getAttribute('data-done')}`)

beforeEach(() => localStorage.clear())

describe('first-run checklist', () => {
  it('lists the five steps in order, nothing done on a fresh console, each with where to do it', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'none', jobs: [] }))
    expect(await screen.findByRole('heading', { name: 'Get started' })).toBeTruthy()
    expect(steps()).toEqual([
      'wallet:false',
      'backend:false',
      'public-url:false',
      'first-asset:false',
      'share:false',
    ])
    expect(screen.getByText('0 of 5 done')).toBeTruthy()
    const list = within(screen.getByRole('list', { name: 'First-run steps' }))
    expect(list.getByRole('link', { name: 'Create it in Settings' }).getAttribute('href')).toBe('/settings')
    expect(list.getByRole('link', { name: 'Publish a dataset' }).getAttribute('href')).toBe('/assets/new')
  })

  it('marks what is done and offers the share info (DID, Provider URL, ocean.js) of the first asset', async () => {
    const asset = makeAsset()
    renderApp(
      'overview',
      createFakeConsole({ walletState: 'locked', healthOk: true, assets: [asset], jobs: [] }),
    )
    await screen.findByRole('heading', { name: 'Get started' })
    expect(steps()).toEqual([
      'wallet:true',
      'backend:true',
      'public-url:false',
      'first-asset:true',
      'share:false',
    ])
    expect(screen.getByText('3 of 5 done')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: `What to share for ${asset.name}` }))
    const card = within(await screen.findByRole('region', { name: `You're live: ${asset.name}` }))
    expect(card.getByTestId('published-did').textContent).toBe(asset.did)
    expect(card.getByRole('button', { name: 'Copy ocean.js snippet' })).toBeTruthy()
    expect(card.getByText(/http:\/\/127\.0\.0\.1:8001/, { selector: 'code, pre' })).toBeTruthy()
  })

  it('is hidden once every step is done', async () => {
    renderApp(
      'overview',
      createFakeConsole({
        healthOk: true,
        reachability: reachable,
        assets: [makeAsset()],
        jobs: [makeJob('job-1', 70)],
      }),
    )
    await screen.findByTestId('provider-url')
    expect(screen.queryByRole('heading', { name: 'Get started' })).toBeNull()
  })

  it('can be dismissed, and stays dismissed after a reload (persisted UI state)', async () => {
    renderApp('overview', createFakeConsole({ walletState: 'none', jobs: [] }))
    await userEvent.click(await screen.findByRole('button', { name: 'Hide this checklist' }))
    expect(screen.queryByRole('heading', { name: 'Get started' })).toBeNull()
    expect(JSON.parse(localStorage.getItem('c2d-console-ui') ?? '{}')).toMatchObject({
      state: { firstRunDismissed: true },
    })
    cleanup()
    // A reload: fresh memory, the same storage; the store rehydrates from it.
    const stored = localStorage.getItem('c2d-console-ui')!
    useUiStore.setState({ firstRunDismissed: false })
    localStorage.setItem('c2d-console-ui', stored)
    await useUiStore.persist.rehydrate()
    expect(useUiStore.getState().firstRunDismissed).toBe(true)
  })

  it('counts only this console’s assets, and a first job as shared', () => {
    const base = {
      wallet: { state: 'unlocked' as const, address: '0x' + '6'.repeat(40) },
      reachability: reachable,
    }
    const overview = {
      providerUrl: 'https://p.example',
      providerAddress: null,
      chainId: 8996,
      chainName: 'dev',
      blockNumber: 1,
      chainError: null,
      chains: [],
      health: null,
      jobCounts: { running: 0, queued: 0, finished: 0, succeeded: 0, failed: 1, stopped: 0, expired: 0 },
      recentJobs: [],
    }
    const s = firstRunSteps({
      ...base,
      overview,
      assets: [makeAsset({ publishedElsewhere: { publisher: '0x' + '1'.repeat(40) } })],
    })
    expect(s.find((x) => x.id === 'first-asset')?.done).toBe(false)
    expect(s.find((x) => x.id === 'share')?.done).toBe(true)
    expect(s.find((x) => x.id === 'backend')?.done).toBe(false)
  })
})
