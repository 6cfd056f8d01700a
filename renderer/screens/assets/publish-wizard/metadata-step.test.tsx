import { describe, expect, it } from 'vitest'
import { within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useWizardDraft } from './wizard-draft'
import { fill, fillFiles, next, openWizard } from './wizard-test-kit'

describe('Publish wizard: metadata', { timeout: 30_000 }, () => {
  it('asks for a name beside the field; Back and Next keep what was typed (the zustand draft)', async () => {
    const { form } = await openWizard()
    await fillFiles(form, '/srv/weather.csv')
    await next(form)
    const name = within(form).getByLabelText('Name')
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByText('Give the asset a name.')).toBeTruthy()
    await fill(name, 'Weather 2024')
    expect(name.getAttribute('aria-invalid')).not.toBe('true')
    await fill(within(form).getByLabelText('Description'), 'Hourly readings')
    await fill(within(form).getByLabelText('Author'), 'Met office')
    await userEvent.click(within(form).getByRole('button', { name: 'Back' }))
    expect((within(form).getByLabelText('File (URL or local path)') as HTMLInputElement).value).toBe(
      '/srv/weather.csv',
    )
    await next(form)
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('Weather 2024')
    expect((within(form).getByLabelText('Description') as HTMLTextAreaElement).value).toBe('Hourly readings')
    expect(useWizardDraft.getState().values).toMatchObject({ name: 'Weather 2024', author: 'Met office' })
  })
})
