import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret the server answered once (a one-time password, a PKCS#12 password): shown here, kept nowhere. */
export function ShownOnce({ title, label, secret, children, onClose }: { title: string; label: string; secret: string; children?: ReactNode; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" title={title} data-testid="shown-once">
      <Stack gap="xs">
        <Group gap="xs">
          <Text size="sm">{label}:</Text>
          <Code fz="lg" data-testid="shown-once-secret">
            {secret}
          </Code>
        </Group>
        {children}
        <Text size="xs">{t('admin.onceOnly')}</Text>
        <Group>
          <Button size="xs" variant="default" onClick={onClose}>
            {t('admin.close')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
