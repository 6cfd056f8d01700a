/**
 * The server half shared by every transport: look the method up in the contract, validate the input
 * with its schema (nothing is called on bad input), call the service, wrap the answer in the
 * envelope. HTTP, IPC (main/console-ipc) and in-process all go through here so they answer alike.
 */
import type { Logger } from '../logging'
import { isC2dError } from '../c2d-error'
import { consoleMethods, isConsoleMethod, type ConsoleEnvelope, type ConsoleService } from './contract'
import { ConsoleErrorCode } from './errors'

export async function dispatchConsoleCall(
  service: ConsoleService,
  method: string,
  input: unknown,
  logger?: Logger,
): Promise<ConsoleEnvelope> {
  if (!isConsoleMethod(method)) {
    return {
      ok: false,
      error: {
        code: ConsoleErrorCode.MethodUnknown,
        message: `There is no console method named "${method}".`,
      },
    }
  }
  const parsed = consoleMethods[method].input.safeParse(input ?? {})
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }))
    return {
      ok: false,
      error: {
        code: ConsoleErrorCode.RequestInvalid,
        message: `Invalid input for ${method}: ${details.map((d) => `${d.path || '(input)'} ${d.message}`).join('; ')}`,
        details,
      },
    }
  }
  try {
    const fn = service[method] as (input: unknown) => Promise<unknown>
    const value = await fn.call(service, parsed.data)
    return { ok: true, value }
  } catch (error) {
    if (isC2dError(error)) {
      if (error.status >= 500) logger?.error('console call failed', { method, code: error.code, err: error })
      return {
        ok: false,
        error:
          error.details === undefined
            ? { code: error.code, message: error.message }
            : { code: error.code, message: error.message, details: error.details },
      }
    }
    logger?.error('console call failed unexpectedly', { method, err: error })
    return {
      ok: false,
      error: {
        code: ConsoleErrorCode.Internal,
        message: 'Something went wrong inside the console. The log has the details.',
      },
    }
  }
}
