/**
 * Files attached to an item as they are (a scanned 紹介状 as PDF, a
 * photograph): read in the browser and sent with the item, base64, as the
 * exchange API takes them.
 */
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface Attachment {
  name: string;
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';
  /** base64 */
  content: string;
  size: number;
}

const TYPES = new Set<Attachment['mediaType']>(['application/pdf', 'image/jpeg', 'image/png']);
/** Within the item's request limit, base64 included. */
const MAX_TOTAL = 8 * 1024 * 1024;

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

export function AttachmentPicker({ attachments, onChange }: { attachments: Attachment[]; onChange: (attachments: Attachment[]) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const add = async (files: FileList | null) => {
    const next = [...attachments];
    setProblem(undefined);
    for (const file of files ?? []) {
      if (!TYPES.has(file.type as Attachment['mediaType'])) {
        setProblem(t('uploads.attachments.wrongType'));
        continue;
      }
      if (next.reduce((sum, a) => sum + a.size, 0) + file.size > MAX_TOTAL) {
        setProblem(t('uploads.attachments.tooLarge'));
        continue;
      }
      next.push({ name: file.name.slice(0, 200), mediaType: file.type as Attachment['mediaType'], content: await base64Of(file), size: file.size });
    }
    onChange(next);
  };
  return (
    <Card withBorder data-testid="attachment-picker">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={5}>{t('uploads.attachments.title')}</Title>
          <Button variant="light" onClick={() => input.current?.click()}>{t('uploads.attachments.choose')}</Button>
          <input ref={input} type="file" multiple hidden accept="application/pdf,image/jpeg,image/png" data-testid="attach-files" onChange={(e) => void add(e.currentTarget.files).finally(() => (e.target.value = ''))} />
        </Group>
        {problem && <Alert color="orange" py={4}>{problem}</Alert>}
        {attachments.map((a, index) => (
          <Group key={`${a.name}-${index}`} justify="space-between" data-testid="attachment-row">
            <Text size="sm">
              {a.name} <Text span size="xs" c="dimmed">{Math.ceil(a.size / 1024)} KB</Text>
            </Text>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => onChange(attachments.filter((_, i) => i !== index))}>
              {t('uploads.attachments.remove')}
            </Button>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
