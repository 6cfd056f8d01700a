import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import { MantineProvider } from '@mantine/core'
import { formatTokenAmount, TokenAmount } from './token-amount'
import { formatDuration } from './duration-label'
import { AddressLabel, shortenValue } from './address-label'
import { shortenValue as contractShortenValue } from '../../../engine/console-api/contract'

describe('labels', () => {
  it('shows token amounts with sensible decimals, never 18', () => {
    expect(formatTokenAmount('1350000000000000000')).toBe('1.35')
    expect(formatTokenAmount('1234567890123456789012')).toBe('1,234.5678')
    expect(formatTokenAmount('1')).toBe('< 0.0001')
    expect(formatTokenAmount('0')).toBe('0')
    render(
      <MantineProvider>
        <TokenAmount wei="1350000000000000000" symbol="OCEAN" />
      </MantineProvider>,
    )
    expect(screen.getByText('1.35 OCEAN')).toBeTruthy()
  })

  it('shows durations in the two largest units', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(125_000)).toBe('2 min 5 s')
    expect(formatDuration(3_780_000)).toBe('1 h 3 min')
  })

  it('shortens addresses and DIDs, keeps the full value on hover and copy', () => {
    const did = 'did:op:8f3a9c0b1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011'
    expect(shortenValue(did)).toBe('did:op:8f3a9c…0011')
    expect(shortenValue('0xabc')).toBe('0xabc')
    render(
      <MantineProvider>
        <AddressLabel value={did} what="DID" />
      </MantineProvider>,
    )
    expect(screen.getByTitle(did).textContent).toBe('did:op:8f3a9c…0011')
    expect(screen.getByRole('button', { name: `Copy DID ${did}` })).toBeTruthy()
  })

  it("is the contract's one shortening, also as a dense link in table rows", () => {
    const jobId = '5f0c1e2d3b4a59687766554433221100'
    expect(shortenValue).toBe(contractShortenValue)
    render(
      <MantineProvider>
        <AddressLabel
          value={jobId}
          what="job id"
          dense
          testId="job"
          link={(short) => <a href={`#/jobs/${jobId}`}>Job {short}</a>}
        />
      </MantineProvider>,
    )
    const label = screen.getByTestId('job')
    expect(label.getAttribute('title')).toBe(jobId)
    expect(screen.getByRole('link', { name: 'Job 5f0c1e…1100' }).getAttribute('href')).toBe(`#/jobs/${jobId}`)
    // Dense: the copy button's hint is a native title, no Mantine Tooltip mounted per row.
    expect(screen.getByRole('button', { name: `Copy job id ${jobId}` }).getAttribute('title')).toBe('Copy')
  })
})
