// Publisher control (issue 12): the approval inbox, output review and audit trail, over the
// contract's methods. Held jobs change with job events, so the review list refetches on focus and
// after every decision; the trail is read on demand.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { MethodInput } from '../../engine/console-api/contract'
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
