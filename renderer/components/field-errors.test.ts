import { describe, expect, it } from 'vitest'
import { ConsoleApiError } from '../../engine/console-api/contract'
import { errorFor, fieldErrorsFromError, inWords, issuesToFieldErrors } from './field-errors'

describe('field errors', () => {
  it('maps issues to one message per field, in words, the first one winning', () => {
    const errors = issuesToFieldErrors(
      [
        { path: 'draft.name', message: 'give the asset a name' },
        { path: 'draft.name', message: 'second' },
        { path: 'draft.service.files.0.url', message: 'a full http(s) URL' },
      ],
      'draft.',
    )
    expect(errors).toEqual({ name: 'Give the asset a name.', 'service.files.0.url': 'A full http(s) URL.' })
    expect(errorFor(errors, 'service.files')).toBe('A full http(s) URL.')
    expect(errorFor(errors, 'service.timeoutSec')).toBeUndefined()
  })

  it('reads the field details of a REQUEST_INVALID error and ignores anything else', () => {
    const error = new ConsoleApiError({
      code: 'REQUEST_INVALID',
      message: 'bad',
      details: [{ path: 'publicUrl', message: 'a full URL' }, 'junk'],
    })
    expect(fieldErrorsFromError(error)).toEqual({ publicUrl: 'A full URL.' })
    expect(fieldErrorsFromError(new Error('x'))).toEqual({})
    expect(inWords('ok.')).toBe('Ok.')
  })
})
