import { describe, expect, it } from 'vitest'
import { within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { fill, fillFiles, next, openWizard } from './wizard-test-kit'

describe('Publish wizard: files', { timeout: 30_000 }, () => {
  it('test-fetches a URL through checkFile and shows its size and content type beside the field', async () => {
    const { form, fake } = await openWizard()
    expect(within(form).getByRole('button', { name: 'Test fetch' }).hasAttribute('disabled')).toBe(true)
    await fill(within(form).getByLabelText('File (URL or local path)'), 'https://data.example/w.csv')
    expect(within(form).getByLabelText(/Request headers/)).toBeTruthy()
    await fill(within(form).getByLabelText(/Request headers/), 'Authorization: Bearer x')
    await userEvent.click(within(form).getByRole('button', { name: 'Test fetch' }))
    const status = await within(form).findByText('Reachable: 1.0 KB, text/csv.')
    expect(status.getAttribute('role')).toBe('status')
    expect(fake.calls.find((c) => c.method === 'checkFile')?.input).toEqual({
      source: { type: 'url', url: 'https://data.example/w.csv', headers: { Authorization: 'Bearer x' } },
    })
    // Editing the field hides the answer for the old value.
    await userEvent.type(within(form).getByLabelText('File (URL or local path)'), 'x')
    expect(within(form).queryByText(/^Reachable/)).toBeNull()
  })

  it('a failed test fetch puts the reason in words on the field, and a local path is a local file', async () => {
    const { form, fake } = await openWizard()
    const file = within(form).getByLabelText('File (URL or local path)')
    await fill(file, 'https://unreachable.example/w.csv')
    await userEvent.click(within(form).getByRole('button', { name: 'Test fetch' }))
    expect(
      await within(form).findByText('https://unreachable.example/w.csv did not answer with the file'),
    ).toBeTruthy()
    expect(file.getAttribute('aria-invalid')).toBe('true')
    await fill(file, '/srv/data/weather.csv')
    expect(file.getAttribute('aria-invalid')).not.toBe('true')
    expect(within(form).queryByLabelText(/Request headers/)).toBeNull()
    await userEvent.click(within(form).getByRole('button', { name: 'Test fetch' }))
    await within(form).findByText(/^Reachable/)
    expect(fake.calls.filter((c) => c.method === 'checkFile').at(-1)?.input).toEqual({
      source: { type: 'local', path: '/srv/data/weather.csv' },
    })
  })

  it('Next with no file says so beside the field and stays; with one it moves to Metadata', async () => {
    const { form } = await openWizard()
    await next(form)
    const file = within(form).getByLabelText('File (URL or local path)')
    expect(file.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByText('Add at least one file.')).toBeTruthy()
    expect(within(form).getByRole('alert', { name: 'Validation problems' }).textContent).not.toContain(
      'service.files',
    )
    expect(within(form).queryByLabelText('Name')).toBeNull()
    await fillFiles(form)
  })
})
