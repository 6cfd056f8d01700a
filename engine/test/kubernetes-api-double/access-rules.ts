/**
 * RBAC for the API double, reduced to what a test needs: everything is allowed unless a denial
 * matches. A denial answers both ways a real cluster does — a SelfSubjectAccessReview says
 * `allowed: false`, and the request itself gets 403 Forbidden with the API server's wording — so
 * a health check and the request it predicts always agree.
 */

export interface AccessDenial {
  verb: string
  resource: string
  subresource?: string
  /** API group ('' for core); any group when absent. */
  group?: string
  /** Any namespace when absent. */
  namespace?: string
}

export interface AccessRequest {
  verb: string
  resource: string
  subresource?: string
  group: string
  namespace?: string
}

/** The user name the double's bearer token stands for (what RBAC messages print). */
export const DOUBLE_USER = 'c2d-double-user'

export class AccessRules {
  private readonly denials: AccessDenial[]

  constructor(initial: AccessDenial[] = []) {
    this.denials = [...initial]
  }

  deny(denial: AccessDenial): void {
    this.denials.push(denial)
  }

  /** Allows everything again. */
  reset(): void {
    this.denials.length = 0
  }

  denialFor(request: AccessRequest): AccessDenial | undefined {
    return this.denials.find(
      (d) =>
        (d.verb === '*' || d.verb === request.verb) &&
        d.resource === request.resource &&
        (d.subresource ?? '') === (request.subresource ?? '') &&
        (d.group === undefined || d.group === request.group) &&
        (d.namespace === undefined || d.namespace === request.namespace),
    )
  }

  /** The message kube-apiserver's RBAC authorizer gives for a refused request. */
  static forbiddenMessage(request: AccessRequest, name?: string): string {
    const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource
    const target = name ? `${request.resource} "${name}"` : request.resource
    const scope = request.namespace ? ` in the namespace "${request.namespace}"` : ' at the cluster scope'
    return `${target} is forbidden: User "${DOUBLE_USER}" cannot ${request.verb} resource "${resource}" in API group "${request.group}"${scope}`
  }
}
