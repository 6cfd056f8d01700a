// The console API contract suite against the in-process and HTTP transports. main/ adds IPC by
// calling describeConsoleContract with its own transport factory.
import { describe, it, expect } from 'vitest'
import { describeConsoleContract } from '../console-api/contract-suite'
import { createInProcessTransport } from '../console-api/in-process-transport'
import { startConsoleHttp } from '../console-api/http-transport'
import { createHttpClientTransport } from '../console-api/http-client-transport'
import { createConsoleService } from '../console-api/service'
import { createFakePorts } from '../console-api/fake-ports'
import { environmentSchema } from '../console-api/contract'
import { computeEnvironmentSchema } from '../config/schema'

export { describeConsoleContract }

describeConsoleContract('in-process', async (service) => ({
  transport: createInProcessTransport(service),
  close: () => {},
}))

describeConsoleContract('HTTP', async (service) => {
  const ports = createFakePorts()
  const server = await startConsoleHttp({ service, logger: ports.logger, port: 0 })
  const transport = createHttpClientTransport(server.url, server.token)
  return {
    transport,
    ready: () => transport.ready(),
    close: async () => {
      transport.close()
      await server.close()
    },
  }
})

describe('console HTTP transport security', () => {
  it('binds to 127.0.0.1 and refuses calls and events without the launch token', async () => {
    const ports = createFakePorts()
    const server = await startConsoleHttp({
      service: createConsoleService(ports),
      logger: ports.logger,
      port: 0,
    })
    try {
      expect(new URL(server.url).hostname).toBe('127.0.0.1')
      const noToken = await fetch(`${server.url}/console/v1/listJobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(noToken.status).toBe(401)
      const wrong = await fetch(`${server.url}/console/v1/listJobs`, {
        method: 'POST',
        headers: { authorization: 'Bearer x' + server.token.slice(1), 'content-type': 'application/json' },
        body: '{}',
      })
      expect(wrong.status).toBe(401)
      const events = await fetch(`${server.url}/console/v1/events?token=nope`)
      expect(events.status).toBe(401)
      const result = await fetch(`${server.url}/console/v1/jobs/job-finished/results/0`)
      expect(result.status).toBe(401)
      expect(noToken.headers.get('content-security-policy')).toContain("default-src 'self'")
    } finally {
      await server.close()
    }
  })

  it('answers bad log windows and searches with 400 REQUEST_INVALID, an unknown job in the envelope', async () => {
    const ports = createFakePorts()
    const server = await startConsoleHttp({
      service: createConsoleService(ports),
      logger: ports.logger,
      port: 0,
    })
    const post = (method: string, body: unknown) =>
      fetch(`${server.url}/console/v1/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    try {
      const badSearch = await post('searchJobLog', { jobId: 'job-running', query: '', limit: 0 })
      expect(badSearch.status).toBe(400)
      expect(await badSearch.json()).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } })
      const badWindow = await post('readJobLogLines', { jobId: 'job-running', fromLine: 'x' })
      expect(badWindow.status).toBe(400)
      const unknown = await post('readJobLogLines', { jobId: 'nope' })
      expect(unknown.status).toBe(200) // domain errors travel in the envelope (http-transport.ts)
      expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } })
    } finally {
      await server.close()
    }
  })

  it('mints a different token per launch', async () => {
    const ports = createFakePorts()
    const a = await startConsoleHttp({ service: createConsoleService(ports), logger: ports.logger, port: 0 })
    const b = await startConsoleHttp({ service: createConsoleService(ports), logger: ports.logger, port: 0 })
    await Promise.all([a.close(), b.close()])
    expect(a.token).not.toBe(b.token)
    expect(a.token.length).toBeGreaterThanOrEqual(40)
  })
})

describe('contract environment schema', () => {
  it('stays in step with config/schema.ts computeEnvironmentSchema', () => {
    expect(Object.keys(environmentSchema.shape).sort()).toEqual(
      Object.keys(computeEnvironmentSchema.shape).sort(),
    )
    const sample = {
      id: 'e1',
      cpu: { total: 2, max: 1, min: 0 },
      ramGb: { total: 2, max: 1, min: 0 },
      diskGb: { total: 2, max: 1, min: 0 },
      free: {},
    }
    expect(environmentSchema.parse(sample)).toEqual(computeEnvironmentSchema.parse(sample))
  })
})
