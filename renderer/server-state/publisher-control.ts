// Publisher control (issue 12): the approval inbox, output review and audit trail, over the
// contract's methods. Held jobs change with job events, so the review list refetches on focus and
// after every decision; the trail is read on demand.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DatasetPolicySummary, MethodInput, QuotasSummary } from '../../engine/console-api/contract'
import { useConsoleClient } from '../console-client/console-client-context'
import { queryKeys } from './query-keys'

export function useAccessRequests(status?: 'pending' | 'approved' | 'denied') {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.accessRequests(status),
    queryFn: () => client.listAccessRequests(status ? { status } : {}),
  })
}

export function useAccessDecision() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (
      decision:
        | ({ kind: 'approve' } & Omit<MethodInput<'approveAccessRequest'>, 'confirm'>)
        | ({ kind: 'deny' } & MethodInput<'denyAccessRequest'>),
    ) =>
      decision.kind === 'approve'
        ? client.approveAccessRequest({
            requestId: decision.requestId,
            ...(decision.consumer ? { consumer: decision.consumer } : {}),
            ...(decision.untilMs ? { untilMs: decision.untilMs } : {}),
            confirm: true,
          })
        : client.denyAccessRequest({ requestId: decision.requestId, reason: decision.reason }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['access-requests'] }),
  })
}

/** One request with its algorithm's DDO and code (read when the publisher opens it). */
export function useAccessRequest(requestId: string, enabled: boolean) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.accessRequest(requestId),
    queryFn: () => client.getAccessRequest({ requestId }),
    enabled,
  })
}

/** The requests on one dataset: its node-only approvals (policies) and approvals on chain. */
export function useDatasetAccessRequests(did: string) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.datasetAccessRequests(did),
    queryFn: () => client.listAccessRequests({ datasetDid: did }),
  })
}

/** Trust on chain: setMetaData with the request's checksums; its steps arrive on onPublishProgress. */
export function useApproveOnChain() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (requestId: string) => client.approveAccessRequestOnChain({ requestId, confirm: true }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['access-requests'] })
      void queryClient.invalidateQueries({ queryKey: ['assets'] })
    },
  })
}

export function useRevokeNodeApproval() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (policyId: string) => client.revokeNodeApproval({ policyId, confirm: true }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['access-requests'] }),
  })
}

export function useDatasetPolicy(did: string | undefined) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.datasetPolicy(did ?? ''),
    queryFn: () => client.getDatasetPolicy({ did: did! }),
    enabled: Boolean(did),
  })
}

export function useSaveDatasetPolicy() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { did: string; policy: DatasetPolicySummary }) => client.setDatasetPolicy(input),
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.datasetPolicy(saved.did), saved),
  })
}

export function useEnvironmentQuotas() {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.environmentQuotas(),
    queryFn: () => client.listEnvironmentQuotas({}),
  })
}

export function useSaveEnvironmentQuotas() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { environmentId: string; quotas: QuotasSummary }) =>
      client.setEnvironmentQuotas(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.environmentQuotas() }),
  })
}

export function useReviews() {
  const client = useConsoleClient()
  return useQuery({ queryKey: queryKeys.reviews(), queryFn: () => client.listReviews({}) })
}

export function useReview(jobId: string | undefined) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.review(jobId ?? ''),
    queryFn: () => client.getReview({ jobId: jobId! }),
    enabled: Boolean(jobId),
  })
}

export function useReviewDecision() {
  const client = useConsoleClient()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (
      decision:
        | { kind: 'release'; jobId: string }
        | { kind: 'reject'; jobId: string; reason: string; chargeForCompute: boolean },
    ) =>
      decision.kind === 'release'
        ? client.releaseJob({ jobId: decision.jobId, confirm: true })
        : client.rejectJob({
            jobId: decision.jobId,
            reason: decision.reason,
            chargeForCompute: decision.chargeForCompute,
          }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.reviews() })
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.all() })
    },
  })
}

export function useAuditEvents(filter: { type?: string; actor?: string; subject?: string }) {
  const client = useConsoleClient()
  return useQuery({
    queryKey: queryKeys.audit(filter),
    queryFn: () => client.listAuditEvents({ ...filter, limit: 500 }),
  })
}

export function useAuditVerify() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: () => client.verifyAudit({}) })
}

export function useAuditExport() {
  const client = useConsoleClient()
  return useMutation({ mutationFn: (input: MethodInput<'exportAudit'>) => client.exportAudit(input) })
}
