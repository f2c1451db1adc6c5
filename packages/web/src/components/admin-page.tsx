import { Alert, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** What the last action on a 管理 page came to: teal when done, red when refused. */
export interface AdminMessage {
  color: string;
  text: string;
}

/** The frame of every 管理 page: its title, what it is for, the outcome of the last action, then the page. */
export function AdminPage({ title, help, message, width = 1100, children }: { title: string; help?: ReactNode; message?: AdminMessage | null; width?: number; children: ReactNode }) {
  return (
    <Stack maw={width} mx="auto" mt="md">
      <Title order={3}>{title}</Title>
      {help && (
        <Text size="sm" c="dimmed">
          {help}
        </Text>
      )}
      {message && (
        <Alert color={message.color} data-testid="admin-message">
          {message.text}
        </Alert>
      )}
      {children}
    </Stack>
  );
}
