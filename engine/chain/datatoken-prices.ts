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
