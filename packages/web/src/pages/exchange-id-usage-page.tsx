/**
 * ID の利用状況: for the clerks and the liaison, how each ID of their
 * facility used the exchange in a month (sent, prepared, received, opened,
 * signed, assigned, last use, last login). Counts and times only.
 */
import type { ExchangeIdUsage } from '@renkei/api';
import { Alert, Badge, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { errorText } from '../refusal-text.js';

const COLUMNS = ['user', 'role', 'sent', 'prepared', 'received', 'read', 'signed', 'assigned', 'lastExchangeAt', 'lastLoginAt'] as const;
const formatTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('ja-JP', { dateStyle: 'short', timeStyle: 'short' }) : '—');

export function ExchangeIdUsagePage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(() => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7));
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const usage = useQuery({ queryKey: ['exchange-id-usage', month], queryFn: () => api<ExchangeIdUsage>('GET', `/api/exchanges/id-usage?month=${month}`), enabled: valid });
  return (
    <Stack maw={1200} mx="auto">
      <Title order={3}>{t('exchange.idUsage.title')}</Title>
      {usage.data && <Text>{t('exchange.idUsage.facility', { name: usage.data.facilityName, code: usage.data.facility })}</Text>}
      <TextInput type="month" label={t('exchange.idUsage.month')} value={month} onChange={(e) => setMonth(e.currentTarget.value)} w={200} />
      {usage.isError && <Alert color="red" data-testid="id-usage-error">{errorText(usage.error)}</Alert>}
      <Table withTableBorder striped fz="sm" data-testid="id-usage">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((c) => (
              <Table.Th key={c}>{t(`exchange.idUsage.columns.${c}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {usage.data?.rows.map((r) => (
            <Table.Tr key={r.userId} data-testid="id-usage-row">
              <Table.Td>
                {r.displayName} <Text span size="xs" ff="monospace">{r.userId}</Text> {!r.active && <Badge color="gray">{t('exchange.idUsage.inactive')}</Badge>}
              </Table.Td>
              <Table.Td>{t(`roles.${r.role}`, { defaultValue: r.role })}</Table.Td>
              <Table.Td>{r.sent}</Table.Td>
              <Table.Td>{r.prepared}</Table.Td>
              <Table.Td>{r.received}</Table.Td>
              <Table.Td>{r.read}</Table.Td>
              <Table.Td>{r.signed}</Table.Td>
              <Table.Td>{r.assigned}</Table.Td>
              <Table.Td>{formatTime(r.lastExchangeAt)}</Table.Td>
              <Table.Td>{formatTime(r.lastLoginAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">{t('exchange.idUsage.note')}</Text>
    </Stack>
  );
}
