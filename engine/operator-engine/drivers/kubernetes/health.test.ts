import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { errorMessage, requiredPermissions } from './health'

describe('errorMessage', () => {
  it("gives the API's Status message with the HTTP code, from a string or a parsed body", () => {
    const status = {
      kind: 'Status',
      status: 'Failure',
      message: 'namespaces "x" is forbidden: User "u" cannot get resource "namespaces"',
      code: 403,
    }
    expect(
      errorMessage({ code: 403, body: JSON.stringify(status), headers: { authorization: 'Bearer secret' } }),
    ).toBe(`HTTP 403: ${status.message}`)
    expect(errorMessage({ code: 404, body: { message: 'not found' } })).toBe('HTTP 404: not found')
  })

  it('keeps a non-JSON body short and never prints headers; plain errors give their first line', () => {
    expect(errorMessage({ code: 502, body: '<html>' + 'x'.repeat(500) })).toBe(
      `HTTP 502: <html>${'x'.repeat(194)}`,
    )
    expect(errorMessage({ code: 500, body: '' })).toBe('HTTP 500')
    expect(errorMessage(new Error('connect ECONNREFUSED 127.0.0.1:6443\n    at stack'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:6443',
    )
    expect(errorMessage('boom')).toBe('boom')
  })
})

describe('requiredPermissions', () => {
  it('asks for cleanup by label (deletecollection) on every kind and for exec both ways', () => {
    const names = requiredPermissions.map(
      (p) => `${p.verb} ${p.resource}${'subresource' in p ? `/${p.subresource}` : ''}`,
    )
    for (const resource of ['pods', 'secrets', 'persistentvolumeclaims', 'networkpolicies'])
      expect(names).toContain(`deletecollection ${resource}`)
    expect(names).toEqual(
      expect.arrayContaining(['get pods/exec', 'create pods/exec', 'get pods/log', 'watch pods']),
    )
    expect(new Set(names).size).toBe(names.length)
  })
})

describe('the Role in README.md', () => {
  it('grants exactly the permissions health checks', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8')
    const role = parse(/```yaml\n([\s\S]*?)```/.exec(readme)![1]!) as {
      rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>
    }
    const granted = role.rules.flatMap((rule) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map((verb) => `${rule.apiGroups[0]}|${verb} ${resource}`),
      ),
    )
    const checked = requiredPermissions.map(
      (p) =>
        `${'group' in p ? p.group : ''}|${p.verb} ${p.resource}${'subresource' in p ? `/${p.subresource}` : ''}`,
    )
    expect(granted.sort()).toEqual(checked.sort())
  })
})
