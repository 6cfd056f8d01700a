/**
 * A datatoken's prices as Ocean's indexer reports them in `indexedMetadata.stats[].prices`: one entry
 * per active dispenser (`{type: "dispenser", price: "0", contract, token: datatoken}`) and per active
 * fixed-rate exchange (`{type: "fixedrate", price: <base tokens per datatoken>, contract, token:
 * baseToken, exchangeId}`), read from the datatoken's `getDispensers()` / `getFixedRates()`. ocean.js
 * reads `stats[0].prices[0].price`. An RPC failure leaves the entry out (never a throw).
 */
import { Contract, formatEther, getAddress, type Provider } from 'ethers'
import { loadAbi } from './contracts'

export interface DatatokenPrice {
  type: 'dispenser' | 'fixedrate'
  price: string
  contract: string
  token: string
  exchangeId?: string
}

async function optional<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await call()
  } catch {
    return fallback
  }
}

export function createPriceLookup(rpc: Provider): (datatoken: string) => Promise<DatatokenPrice[]> {
  const erc20 = loadAbi('ERC20Template')
  const dispenserAbi = loadAbi('Dispenser')
  const fixedRateAbi = loadAbi('FixedRateExchange')
  return async (datatokenAddress) => {
    const token = getAddress(datatokenAddress)
    const datatoken = new Contract(token, erc20, rpc)
    const dispensers = await optional(
      async () => [...((await datatoken.getFunction('getDispensers')()) as string[])],
      [] as string[],
    )
    const fixedRates = await optional(
      async () => [...((await datatoken.getFunction('getFixedRates')()) as Array<[string, string]>)],
      [] as Array<[string, string]>,
    )
    const prices: DatatokenPrice[] = []
    for (const dispenser of dispensers) {
      const status = await optional(
        async () =>
          (await new Contract(dispenser, dispenserAbi, rpc).getFunction('status')(token)) as unknown[],
        undefined,
      )
      if (status?.[0] === true)
        prices.push({ type: 'dispenser', price: '0', contract: getAddress(dispenser), token })
    }
    for (const [contract, exchangeId] of fixedRates) {
      const exchange = await optional(
        async () =>
          (await new Contract(contract, fixedRateAbi, rpc).getFunction('getExchange')(
            exchangeId,
          )) as unknown[],
        undefined,
      )
      // getExchange: (exchangeOwner, datatoken, dtDecimals, baseToken, btDecimals, fixedRate, active, …)
      if (exchange?.[6] === true)
        prices.push({
          type: 'fixedrate',
          price: formatEther(exchange[5] as bigint),
          token: getAddress(String(exchange[3])),
          contract: getAddress(contract),
          exchangeId: String(exchangeId),
        })
    }
    return prices
  }
}

/** One fixed-rate exchange of a datatoken, active or not, as its FixedRateExchange holds it. */
export interface FixedRateReading {
  exchangeContract: string
  exchangeId: string
  baseToken: string
  /** Base tokens per datatoken, exact decimal text (the exchange keeps the rate with 18 decimals). */
  rate: string
  active: boolean
}
/** One dispenser of a datatoken, active or not (Dispenser.status). */
export interface DispenserReading {
  contract: string
  active: boolean
  /** Most datatokens per request and most a consumer may hold, decimal text (18 decimals). */
  maxTokens: string
  maxBalance: string
}

/** 18-decimal wei → exact decimal text without ethers' trailing ".0" ("1", "1.5"). */
const tokenText = (wei: bigint) => formatEther(wei).replace(/\.0$/, '')

/**
 * Every fixed-rate exchange and dispenser a datatoken was given, active or not, for the console's
 * asset page. Unlike createPriceLookup, an RPC failure throws: the page says it could not read
 * them rather than showing "no price".
 */
export function createPricingReader(
  rpc: Provider,
): (datatoken: string) => Promise<{ fixedRates: FixedRateReading[]; dispensers: DispenserReading[] }> {
  const erc20 = loadAbi('ERC20Template')
  const dispenserAbi = loadAbi('Dispenser')
  const fixedRateAbi = loadAbi('FixedRateExchange')
  return async (datatokenAddress) => {
    const token = getAddress(datatokenAddress)
    const datatoken = new Contract(token, erc20, rpc)
    const [dispenserAddresses, exchanges] = await Promise.all([
      datatoken.getFunction('getDispensers')() as Promise<string[]>,
      datatoken.getFunction('getFixedRates')() as Promise<Array<[string, string]>>,
    ])
    const dispensers = await Promise.all(
      [...dispenserAddresses].map(async (address): Promise<DispenserReading> => {
        // status: (active, owner, isMinter, maxTokens, maxBalance, balance, allowedSwapper)
        const status = (await new Contract(address, dispenserAbi, rpc).getFunction('status')(
          token,
        )) as unknown[]
        return {
          contract: getAddress(address),
          active: status[0] === true,
          maxTokens: tokenText(status[3] as bigint),
          maxBalance: tokenText(status[4] as bigint),
        }
      }),
    )
    const fixedRates = await Promise.all(
      [...exchanges].map(async ([contract, exchangeId]): Promise<FixedRateReading> => {
        const exchange = (await new Contract(contract, fixedRateAbi, rpc).getFunction('getExchange')(
          exchangeId,
        )) as unknown[]
        return {
          exchangeContract: getAddress(contract),
          exchangeId: String(exchangeId),
          baseToken: getAddress(String(exchange[3])),
          rate: tokenText(exchange[5] as bigint),
          active: exchange[6] === true,
        }
      }),
    )
    return { fixedRates, dispensers }
  }
}
