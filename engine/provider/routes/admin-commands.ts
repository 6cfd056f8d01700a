/**
 * Ocean Node's admin directCommands that make sense for this console (issue 14): `fetchConfig`,
 * `getLogs`, `stopJob` and `collectFees`. As in Ocean Node (AdminCommandHandler), the body is
 * `{command, address, nonce, signature}` with the usual request signature over
 * `address + nonce + command` (spec §3.2), and `address` must be in `provider.allowedAdmins`
 * (the status' `allowedAdmins.addresses`). A non-admin is refused before its nonce is spent.
 */
import { Contract, getAddress, isAddress, parseUnits, type BaseWallet } from 'ethers'
import { providerError } from '../errors'
import type { ProviderDeps, ProviderRequestEvent } from '../server'

export const ADMIN_COMMANDS = ['fetchConfig', 'getLogs', 'stopJob', 'collectFees'] as const
export type AdminCommand = (typeof ADMIN_COMMANDS)[number]

const ERC20 = [
  'function transfer(address to, uint256 amount) returns (bool)',
  'function decimals() view returns (uint8)',
]

export function isAdminCommand(command: unknown): command is AdminCommand {
  return typeof command === 'string' && (ADMIN_COMMANDS as readonly string[]).includes(command)
}

export async function runAdminCommand(
  deps: ProviderDeps,
  body: Record<string, unknown>,
  recentRequests: () => ProviderRequestEvent[],
): Promise<unknown> {
  const command = body.command as AdminCommand
  const address = typeof body.address === 'string' ? body.address : ''
  if (!isAddress(address)) throw providerError('REQUEST_INVALID', 'address must be the admin address')
  const admins = deps.config.provider.allowedAdmins.map((a) => a.toLowerCase())
  if (!admins.includes(address.toLowerCase()))
    throw providerError(
      'ADMIN_DENIED',
      `The address which signed the message is not on the allowed admins list`,
    )
  await deps.auth.authenticate(command, {
    consumerAddress: address,
    nonce: body.nonce as string,
    signature: body.signature as string,
  })
  switch (command) {
    case 'fetchConfig':
      // The Provider's own settings; no key material lives there (the node key is in the wallet).
      return { provider: deps.config.provider, limits: deps.config.limits, chainIds: deps.chainIds }
    case 'getLogs': {
      const start = Number(body.startTime ?? 0)
      const end = Number(body.endTime ?? Number.MAX_SAFE_INTEGER)
      const max = Math.min(Math.max(1, Number(body.maxLogs ?? 100) || 100), 1000)
      return recentRequests()
        .filter((e) => e.atMs >= start && e.atMs <= end)
        .slice(-max)
        .map((e) => ({
          timestamp: e.atMs,
          level: e.status >= 500 ? 'error' : 'info',
          moduleName: 'http',
          ...e,
        }))
    }
    case 'stopJob': {
      if (typeof body.jobId !== 'string' || body.jobId === '')
        throw providerError('REQUEST_INVALID', 'jobId is required')
      if (!deps.operatorService.getJob(body.jobId))
        throw providerError('JOB_NOT_FOUND', `Job ${body.jobId} not found`)
      const job = await deps.operatorService.stopJob(body.jobId)
      return { jobId: job.jobId, status: job.status }
    }
    case 'collectFees': {
      const signer = deps.node()?.signer as BaseWallet | undefined
      if (!signer?.provider) throw providerError('CHAIN_UNAVAILABLE', 'No chain is connected')
      const chainId = Number(body.chainId)
      if (!deps.chainIds.includes(chainId))
        throw providerError('REQUEST_INVALID', `chainId ${String(body.chainId)} is not served here`)
      const token = String(body.tokenAddress ?? '')
      const destination = String(body.destinationAddress ?? '')
      if (!isAddress(token) || !isAddress(destination))
        throw providerError('REQUEST_INVALID', 'tokenAddress and destinationAddress must be addresses')
      const erc20 = new Contract(getAddress(token), ERC20, signer)
      let amount: bigint
      try {
        amount = parseUnits(String(body.tokenAmount), Number(await erc20.getFunction('decimals')()))
      } catch {
        throw providerError('REQUEST_INVALID', 'tokenAmount must be a positive decimal amount')
      }
      if (amount <= 0n)
        throw providerError('REQUEST_INVALID', 'tokenAmount must be a positive decimal amount')
      const tx = await erc20.getFunction('transfer')(getAddress(destination), amount)
      const receipt = await tx.wait()
      return { tx: receipt?.hash ?? tx.hash, message: 'Fees successfully transferred to admin!' }
    }
  }
}
