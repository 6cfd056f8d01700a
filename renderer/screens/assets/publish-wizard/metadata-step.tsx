// Step 2, metadata: what consumers read in their client (name, description, author, licence).
import { Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core'
import { useWizardDraft } from './wizard-draft'

const LICENSES = ['MIT', 'Apache-2.0', 'CC-BY-4.0', 'CC0-1.0', 'ODbL-1.0', 'Proprietary']

export function MetadataStep() {
  const values = useWizardDraft((s) => s.values)
  const errors = useWizardDraft((s) => s.errors)
  const set = useWizardDraft((s) => s.set)
  return (
    <Stack gap="sm" mt="md">
      <TextInput
        label="Name"
        description="What consumers see in their client"
        value={values.name}
        onChange={(e) => set('name', e.currentTarget.value)}
        error={errors.name}
      />
      <Textarea
        label="Description"
        description="What is in it, and what a job on it can learn"
        value={values.description}
        onChange={(e) => set('description', e.currentTarget.value)}
        error={errors.description}
        rows={3}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Author"
          value={values.author}
          onChange={(e) => set('author', e.currentTarget.value)}
          error={errors.author}
        />
        <Select
          label="Licence"
          data={LICENSES}
          value={values.license}
          onChange={(v) => set('license', v ?? 'MIT')}
          allowDeselect={false}
          error={errors.license}
        />
      </SimpleGrid>
    </Stack>
  )
}
