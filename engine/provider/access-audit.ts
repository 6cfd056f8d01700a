/**
 * Records every compute access decision in the audit trail (issue 12): initializeCompute and the
 * paid and free starts, accepted (with the job id) or refused (with the Provider error code and
 * message). One Fastify onSend hook, so the routes stay as they are; the trail never sees the
 * request's signature, nonce or dataset URLs, only the consumer, environment and DIDs.
 */
import type { FastifyInstance } from 'fastify'
import type { AuditEventInput } from '../store/audit-repo'
import { AuditEventType } from '../store/audit-repo'

/**
 * Where access decisions go; index.ts binds it to the audit trail. A promise is awaited: the
 * answer leaves once its row is written (group commit, GroupedAuditAppends).
 */
export interface AccessAuditSink {
  record(event: AuditEventInput): void | Promise<void>
}

const AUDITED: Record<string, string> = {
  '/api/services/initializeCompute': 'initializeCompute',
  '/api/services/compute': 'computeStart',
  '/api/services/freeCompute': 'freeStartCompute',
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** The parts of a compute request that may be written down: no signature, nonce or URLs. */
function requestFacts(body: unknown): { consumer?: string; details: Record<string, unknown> } {
  const b = (body ?? {}) as Record<string, unknown>
  const datasets = Array.isArray(b.datasets) ? (b.datasets as unknown[]) : b.dataset ? [b.dataset] : []
  const algorithm = (b.algorithm ?? {}) as Record<string, unknown>
  return {
    consumer: str(b.consumerAddress),
    details: {
      environment: str(b.environment),
      datasets: datasets.map((d) => ({
        documentId: str((d as Record<string, unknown>)?.documentId),
        serviceId: str((d as Record<string, unknown>)?.serviceId),
      })),
      algorithm: {
        documentId: str(algorithm.documentId),
        serviceId: str(algorithm.serviceId),
        rawCode: algorithm.meta !== undefined && algorithm.documentId === undefined,
      },
    },
  }
}

/** A served result (who, which job and file, how many bytes); refused downloads are not rows. */
function recordDownload(
  query: unknown,
  status: number,
  length: unknown,
  sink: AccessAuditSink,
): void | Promise<void> {
  if (status !== 200 && status !== 206) return
  const q = (query ?? {}) as Record<string, unknown>
  return sink.record({
    type: AuditEventType.ResultDownloaded,
    actor: str(q.consumerAddress) ?? null,
    subject: str(q.jobId) ?? null,
    details: {
      jobId: str(q.jobId),
      index: Number(q.index),
      status,
      bytes: Number(length ?? 0),
    },
  })
}

export function registerAccessAudit(app: FastifyInstance, sink: AccessAuditSink): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' && request.url.startsWith('/api/services/computeResult?')) {
      await recordDownload(request.query, reply.statusCode, reply.getHeader('content-length'), sink)
      return payload
    }
    if (request.method !== 'POST') return payload
    const endpoint = AUDITED[request.url.split('?')[0] ?? '']
    if (!endpoint) return payload
    const { consumer, details } = requestFacts(request.body)
    const ok = reply.statusCode < 400
    let jobId: string | undefined
    if (ok && endpoint !== 'initializeCompute' && typeof payload === 'string') {
      try {
        jobId = str((JSON.parse(payload) as Array<{ jobId?: unknown }>)[0]?.jobId)
      } catch {
        jobId = undefined
      }
    }
    const errorCode = reply.getHeader('x-c2d-error-code')
    let message: string | undefined
    if (!ok && typeof payload === 'string') {
      try {
        const parsed = JSON.parse(payload) as unknown
        message = typeof parsed === 'string' ? parsed : str((parsed as { error?: unknown })?.error)
      } catch {
        message = undefined
      }
    }
    try {
      await sink.record({
        type: ok ? AuditEventType.AccessAccepted : AuditEventType.AccessRefused,
        actor: consumer ?? null,
        subject: jobId ?? (details.datasets as Array<{ documentId?: string }>)[0]?.documentId ?? null,
        details: {
          endpoint,
          status: reply.statusCode,
          ...details,
          ...(jobId ? { jobId } : {}),
          ...(typeof errorCode === 'string' ? { errorCode } : {}),
          ...(message ? { message: message.slice(0, 500) } : {}),
        },
      })
    } catch (error) {
      // The answer to the consumer is already decided; a failed append is the publisher's alarm.
      request.log.error({ error: String(error) }, 'audit append failed')
    }
    return payload
  })
}
