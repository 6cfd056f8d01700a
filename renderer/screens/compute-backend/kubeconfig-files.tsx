// The kubeconfig files the console looked at, in kubectl's order (a configured file; else each
// KUBECONFIG file; else ~/.kube/config), each with its path and its contexts (cluster, API server,
// namespace, user). With no context anywhere: where it looked, and how to point it at a kubeconfig.
import { Alert, Badge, Card, Code, Group, List, Stack, Table, Text, Title } from '@mantine/core'
import type { ComputeBackend, KubeconfigFile } from '../../../engine/console-api/contract'

const SOURCE_WORDS: Record<KubeconfigFile['source'], string> = {
  configured: 'configured (driver.kubeconfigPath)',
  KUBECONFIG: 'from KUBECONFIG',
  default: 'default (~/.kube/config)',
}

/** How to give the console a kubeconfig, and how to get a cluster at all. */
export function NoKubeconfigHelp({ files }: { files: KubeconfigFile[] }) {
  return (
    <Alert color="yellow" title="No kubeconfig found" role="region" aria-label="No kubeconfig found">
      <Stack gap={6}>
        {files.length > 0 && (
          <Text size="sm">
            Looked at:{' '}
            {files.map((f, i) => (
              <span key={f.path}>
                {i > 0 && ', '}
                <Code>{f.path}</Code> ({f.state === 'missing' ? 'no such file' : f.state})
              </span>
            ))}
          </Text>
        )}
        <Text size="sm">Point the console at a kubeconfig, then open this screen again:</Text>
        <List size="sm" spacing={2}>
          <List.Item>
            put it at <Code>~/.kube/config</Code> (where kubectl looks first), or
          </List.Item>
          <List.Item>
            start the console with <Code>KUBECONFIG=/path/to/config</Code> (several files: separate them with{' '}
            <Code>:</Code>), or
          </List.Item>
          <List.Item>
            set <Code>driver.kubeconfigPath</Code> in the data folder&apos;s <Code>config.json</Code>.
          </List.Item>
        </List>
        <Text size="sm">
          No cluster yet? On this machine: <Code>kind create cluster</Code>, k3s, or Kubernetes in Docker
          Desktop / Rancher Desktop. In a cloud: <Code>aws eks update-kubeconfig</Code>,{' '}
          <Code>gcloud container clusters get-credentials</Code>, <Code>az aks get-credentials</Code>.
        </Text>
      </Stack>
    </Alert>
  )
}

export function KubeconfigFiles({ backend }: { backend: ComputeBackend }) {
  const files = backend.kubeconfigs ?? []
  const contexts = files.reduce((n, f) => n + f.contexts.length, 0)
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="kubeconfigs-title">
      <Title order={3} size="h4" id="kubeconfigs-title" mb="xs">
        Kubernetes contexts
      </Title>
      {contexts === 0 ? (
        <NoKubeconfigHelp files={files} />
      ) : (
        <Stack gap="md">
          {files.map((file) => (
            <section key={file.path} aria-label={`Kubeconfig ${file.path}`}>
              <Group gap="xs" mb={4}>
                <Code>{file.path}</Code>
                <Badge variant="light" color="gray" style={{ textTransform: 'none' }}>
                  {SOURCE_WORDS[file.source]}
                </Badge>
                {file.state !== 'loaded' && (
                  <Badge
                    variant="light"
                    color={file.state === 'invalid' ? 'red' : 'gray'}
                    style={{ textTransform: 'none' }}
                  >
                    {file.state === 'missing' ? 'no such file' : 'cannot be read'}
                  </Badge>
                )}
              </Group>
              {file.error && (
                <Text size="sm" c="red">
                  {file.error}
                </Text>
              )}
              {file.state === 'loaded' && file.contexts.length === 0 && (
                <Text size="sm" c="dimmed">
                  No contexts in this file.
                </Text>
              )}
              {file.contexts.length > 0 && (
                <Table.ScrollContainer minWidth={640}>
                  <Table aria-label={`Contexts in ${file.path}`} striped>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Context</Table.Th>
                        <Table.Th scope="col">API server</Table.Th>
                        <Table.Th scope="col">Cluster</Table.Th>
                        <Table.Th scope="col">User</Table.Th>
                        <Table.Th scope="col">Namespace</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {file.contexts.map((c) => (
                        <Table.Tr key={c.name}>
                          <Table.Th scope="row">
                            <Group gap={6}>
                              <span>{c.name}</span>
                              {c.current && (
                                <Badge size="xs" variant="light" style={{ textTransform: 'none' }}>
                                  current
                                </Badge>
                              )}
                              {c.shadowed && (
                                <Badge
                                  size="xs"
                                  color="gray"
                                  variant="light"
                                  style={{ textTransform: 'none' }}
                                >
                                  hidden by an earlier file
                                </Badge>
                              )}
                            </Group>
                          </Table.Th>
                          <Table.Td>
                            <Code>{c.server || '—'}</Code>
                          </Table.Td>
                          <Table.Td>{c.cluster}</Table.Td>
                          <Table.Td>{c.user ?? '—'}</Table.Td>
                          <Table.Td>{c.namespace ?? 'default'}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </section>
          ))}
        </Stack>
      )}
    </Card>
  )
}
