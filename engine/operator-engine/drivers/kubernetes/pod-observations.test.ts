import { describe, expect, it } from 'vitest'
import { startFailure, stepState, type PodLike } from './pod-observations'

const pod = (status: PodLike['status']): PodLike => ({ metadata: { name: 'p' }, status })
const container = (
  state: NonNullable<NonNullable<PodLike['status']>['containerStatuses']>[number]['state'],
) => [{ name: 'algorithm', state }]

describe('stepState', () => {
  it('reads waiting, running and terminated containers as the kubelet reports them', () => {
    expect(
      stepState(
        pod({ phase: 'Pending', containerStatuses: container({ waiting: { reason: 'ContainerCreating' } }) }),
        'algorithm',
      ),
    ).toEqual({ kind: 'pending', reason: 'ContainerCreating' })
    expect(
      stepState(
        pod({
          phase: 'Running',
          containerStatuses: container({ running: { startedAt: '2026-11-25T08:00:00Z' } }),
        }),
        'algorithm',
      ),
    ).toEqual({ kind: 'running', startedAtMs: Date.parse('2026-11-25T08:00:00Z') })
    expect(
      stepState(
        pod({
          phase: 'Succeeded',
          containerStatuses: container({
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: '2026-11-25T08:00:00Z',
              finishedAt: '2026-11-25T08:00:05Z',
            },
          }),
        }),
        'algorithm',
      ),
    ).toMatchObject({ kind: 'succeeded', finishedAtMs: Date.parse('2026-11-25T08:00:05Z') })
    expect(
      stepState(
        pod({
          phase: 'Failed',
          containerStatuses: container({ terminated: { exitCode: 3, reason: 'Error' } }),
        }),
        'algorithm',
      ),
    ).toMatchObject({ kind: 'failed', exitCode: 3, oomKilled: false })
  })

  it('maps OOMKilled, DeadlineExceeded, image pull and config errors, node loss and unschedulable volumes', () => {
    expect(
      stepState(
        pod({
          phase: 'Failed',
          containerStatuses: container({ terminated: { exitCode: 137, reason: 'OOMKilled' } }),
        }),
        'algorithm',
      ),
    ).toMatchObject({ kind: 'failed', exitCode: 137, oomKilled: true })
    expect(
      stepState(
        pod({
          phase: 'Failed',
          reason: 'DeadlineExceeded',
          message: 'Pod was active on the node longer than the specified deadline',
        }),
        'algorithm',
      ).kind,
    ).toBe('deadline-exceeded')
    expect(
      stepState(
        pod({
          phase: 'Pending',
          containerStatuses: container({
            waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' },
          }),
        }),
        'algorithm',
      ),
    ).toEqual({ kind: 'image-pull-failed', reason: 'ImagePullBackOff: Back-off pulling image "nope:1"' })
    expect(
      stepState(
        pod({
          phase: 'Pending',
          containerStatuses: container({
            waiting: { reason: 'CreateContainerConfigError', message: 'secret not found' },
          }),
        }),
        'algorithm',
      ).kind,
    ).toBe('create-failed')
    expect(
      stepState(
        pod({
          phase: 'Failed',
          reason: 'NodeLost',
          message: 'node n1 which was running pod p is unresponsive',
        }),
        'algorithm',
      ).kind,
    ).toBe('lost')
    expect(stepState(pod({ phase: 'Unknown' }), 'algorithm').kind).toBe('lost')
    expect(
      stepState(
        pod({
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims',
            },
          ],
        }),
        'algorithm',
      ).kind,
    ).toBe('pending')
    // Issue 16: only a missing or terminating claim is final; a multi-zone sum an autoscaler fixes is not.
    const unschedulable = (message: string) =>
      stepState(
        pod({
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
        }),
        'algorithm',
      ).kind
    expect(
      unschedulable(
        '0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had volume node affinity conflict.',
      ),
    ).toBe('pending')
    expect(unschedulable('0/1 nodes are available: persistentvolumeclaim "c2d-x-data" not found.')).toBe(
      'volume-failed',
    )
    expect(
      unschedulable('0/1 nodes are available: persistentvolumeclaim "c2d-x-data" is being deleted.'),
    ).toBe('volume-failed')
    expect(
      stepState(
        pod({
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/1 nodes are available: Insufficient cpu',
            },
          ],
        }),
        'algorithm',
      ).kind,
    ).toBe('pending')
  })
})

describe('startFailure', () => {
  const failed = (terminated: Record<string, unknown>) =>
    pod({ phase: 'Failed', containerStatuses: container({ terminated }) })
  it('tells a missing executable (StartError) from another CPU architecture (exec format error in the log)', () => {
    expect(
      startFailure(
        failed({
          exitCode: 128,
          reason: 'StartError',
          message:
            'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown',
        }),
        'algorithm',
      ),
    ).toEqual({ kind: 'no-executable', detail: 'sh: executable file not found in $PATH' })
    expect(
      startFailure(
        failed({ exitCode: 255, reason: 'Error' }),
        'algorithm',
        'exec /bin/sh: exec format error\n',
      ),
    ).toEqual({ kind: 'exec-format', detail: 'exec /bin/sh: exec format error' })
    // An algorithm that simply failed is not an image problem.
    expect(startFailure(failed({ exitCode: 1, reason: 'Error' }), 'algorithm', 'Traceback…')).toBeUndefined()
    expect(startFailure(failed({ exitCode: 0, reason: 'Completed' }), 'algorithm')).toBeUndefined()
  })
})
