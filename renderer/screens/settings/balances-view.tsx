// Balances of the account that signs publishing transactions: native coin (gas), OCEAN and each
// asset's datatoken. Read from chain on demand; a wrong chain, a dead RPC or no coin is said in words.
import { useBalances } from '../../server-state/settings'
import { ErrorMessage } from '../../components/error-message'
import { formatTokenAmount } from '../../components/format'

export function BalancesView() {
  const balances = useBalances(true)
  return (
    <section aria-labelledby="balances-title">
      <h4 id="balances-title">Balances</h4>
      {balances.isPending && <p role="status">Reading balances from the chain…</p>}
      {balances.isError && <ErrorMessage title="Could not read balances" error={balances.error} />}
      {balances.data && (
        <>
          <p>
            Publishing account <code data-testid="balances-address">{balances.data.address}</code> on chain{' '}
            {balances.data.chainId}
          </p>
          {!balances.data.canPayGas && (
            <p role="alert">
              This account has no native coin: every transaction will fail. Send some to{' '}
              {balances.data.address} to pay for gas.
            </p>
          )}
          <table aria-label="Balances">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Balance</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Native coin (gas)</th>
                <td>{formatTokenAmount(balances.data.nativeWei)}</td>
              </tr>
              <tr>
                <th scope="row">OCEAN</th>
                <td>
                  {balances.data.oceanWei === null
                    ? 'not on this chain'
                    : formatTokenAmount(balances.data.oceanWei)}
                </td>
              </tr>
              {balances.data.datatokens.map((d) => (
                <tr key={d.did}>
                  <th scope="row">{d.name || d.did} datatoken</th>
                  <td>{formatTokenAmount(d.balanceWei)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <button type="button" onClick={() => void balances.refetch()} disabled={balances.isFetching}>
        Refresh balances
      </button>
    </section>
  )
}
