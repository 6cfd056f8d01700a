import { describe, it, expect } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { renderApp } from '../../test-support/render-app'

describe('AssetsScreen', () => {
  it('teaches with an empty state that offers to publish the sample', async () => {
    renderApp('assets')
    const empty = await screen.findByRole('region', { name: 'No assets yet' })
    expect(within(empty).getByRole('button', { name: 'Publish the sample' })).toBeTruthy()
  })

  it('shows validation messages and publishes nothing for an invalid draft', async () => {
    const { fake } = renderApp('assets')
    await userEvent.click(await screen.findByRole('button', { name: 'New asset' }))
    await userEvent.click(screen.getByRole('button', { name: 'Validate and publish' }))
    const problems = await screen.findByRole('alert', { name: 'Validation problems' })
    expect(problems.textContent).toContain('name: give the asset a name')
    expect(problems.textContent).toContain('service.files: add at least one file')
    expect(fake.calls.some((c) => c.method === 'publishAsset')).toBe(false)
  })

  it('publishes a dataset and lists it', async () => {
    const { fake } = renderApp('assets')
    await userEvent.click(await screen.findByRole('button', { name: 'New asset' }))
    await userEvent.type(screen.getByLabelText('Name'), 'Weather 2024')
    await userEvent.type(
      screen.getByLabelText('File (URL or local path)'),
      'https://data.example/weather.csv',
    )
    await userEvent.click(screen.getByRole('button', { name: 'Validate and publish' }))
    const table = await screen.findByRole('table', { name: 'Assets' })
    expect(within(table).getByRole('rowheader', { name: 'Weather 2024' })).toBeTruthy()
    const publish = fake.calls.find((c) => c.method === 'publishAsset')
    expect(JSON.stringify(publish?.input)).toContain('https://data.example/weather.csv')
  })
})
