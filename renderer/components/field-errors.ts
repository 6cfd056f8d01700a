// Errors next to their fields, in words: the contract's validation issues (validateAsset, zod,
// or a REQUEST_INVALID error's details) become one message per field path. The schema path
// itself is kept only for the details toggle (ErrorMessage), never shown as the message.
import { ConsoleApiError } from '../../engine/console-api/contract'

export type FieldErrors = Record<string, string>
export interface ValidationIssue {
  path: string
  message: string
}

/** "an 0x address of 40 hex digits" → "An 0x address of 40 hex digits." */
export function inWords(message: string): string {
  const text = message.trim()
  if (!text) return text
  const capital = text[0]!.toUpperCase() + text.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

/** The first issue per path wins; `prefix` ("draft.", "environment.") is dropped from each path. */
export function issuesToFieldErrors(issues: readonly ValidationIssue[], prefix = ''): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of issues) {
    const path = issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path
    if (!(path in out)) out[path] = inWords(issue.message)
  }
  return out
}

/** zod issues (path as an array) in the same shape. */
export function zodIssues(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): ValidationIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

/** A console error's field details (REQUEST_INVALID carries `[{ path, message }]`), else none. */
export function fieldErrorsFromError(error: unknown, prefix = ''): FieldErrors {
  if (!(error instanceof ConsoleApiError) || !Array.isArray(error.details)) return {}
  const issues = (error.details as unknown[]).filter(
    (d): d is ValidationIssue =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as ValidationIssue).path === 'string' &&
      typeof (d as ValidationIssue).message === 'string',
  )
  return issuesToFieldErrors(issues, prefix)
}

/** The message for a field, or for the first path under it ("service.files" for "service.files.0.url"). */
export function errorFor(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path]
  const nested = Object.keys(errors).find((p) => p.startsWith(`${path}.`))
  return nested ? errors[nested] : undefined
}
