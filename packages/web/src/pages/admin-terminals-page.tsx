import type { IssuedTerminalResponse, TerminalList } from '@renkei/api';
import { Alert, Anchor, Badge, Button, Card, Group, NativeSelect, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage, type AdminMessage } from '../components/admin-page.js';
import { api, ApiError } from '../api.js';
import { ShownOnce } from '../components/shown-once.js';
import { errorText } from '../refusal-text.js';

const STATUS_COLORS = { active: 'teal', revoked: 'red', renewed: 'gray', expired: 'orange' } as const;

/**
 * 端末管理: the terminals of the facilities this administrator looks after.
 * An issued or renewed certificate is downloaded here, once, with its password.
 */
export function AdminTerminalsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['admin', 'terminals'], queryFn: () => api<TerminalList>('GET', '/api/admin/terminals') });
  const [facilityCode, setFacilityCode] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [issued, setIssued] = useState<(IssuedTerminalResponse & { renewed: boolean }) | null>(null);
  const [message, setMessage] = useState<AdminMessage | null>(null);
  const [confirming, setConfirming] = useState<{ serial: string; action: 'renew' | 'revoke' } | null>(null);
  const [busy, setBusy] = useState(false);

  const facilities = list.data?.facilities ?? [];
  const chosenFacility = facilityCode || facilities[0]?.code || '';

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['admin', 'terminals'] });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  const issue = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const body = { facilityCode: chosenFacility, name, ...(password ? { password } : {}) };
      setIssued({ ...(await api<IssuedTerminalResponse>('POST', '/api/admin/terminals', body)), renewed: false });
      setName('');
      setPassword('');
    });
  };
  const renew = (serial: string) => run(async () => setIssued({ ...(await api<IssuedTerminalResponse>('POST', `/api/admin/terminals/${serial}/renew`, {})), renewed: true }));
  const revoke = (serial: string) =>
    run(async () => {
      await api('POST', `/api/admin/terminals/${serial}/revoke`);
      setMessage({ color: 'teal', text: t('admin.terminals.revoked', { serial }) });
    });

  return (
    <AdminPage title={t('admin.terminals.title')} help={t('admin.terminals.help')} message={message}>
      {issued && (
        <ShownOnce
          title={t(issued.renewed ? 'admin.terminals.renewed' : 'admin.terminals.issued', { serial: issued.serial })}
          label={t('admin.terminals.passwordLabel')}
          secret={issued.password}
          onClose={() => setIssued(null)}
        >
          <P12Download issued={issued} />
        </ShownOnce>
      )}
      <Card withBorder p="md">
        <form onSubmit={issue}>
          <Stack gap="xs">
            <Title order={5}>{t('admin.terminals.issueTitle')}</Title>
            {list.isSuccess && facilities.length === 0 && <Text size="sm">{t('admin.noFacilities')}</Text>}
            <Group align="end" grow>
              <NativeSelect
                label={t('admin.facility')}
                value={chosenFacility}
                onChange={(e) => setFacilityCode(e.currentTarget.value)}
                data={facilities.map((f) => ({ value: f.code, label: `${f.name}（${f.code}）` }))}
              />
              <TextInput label={t('admin.terminals.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={80} />
              <PasswordInput label={t('admin.terminals.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} minLength={8} autoComplete="new-password" />
              <Button type="submit" loading={busy} disabled={!chosenFacility} data-testid="terminal-issue">
                {t('admin.terminals.issue')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Card withBorder p="sm">
        {list.isError && <Alert color="red">{errorText(list.error)}</Alert>}
        {list.data && list.data.terminals.length === 0 && <Text>{t('admin.terminals.none')}</Text>}
        {list.data && list.data.terminals.length > 0 && (
          <Table striped className="dense-table" data-testid="terminal-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.terminals.serial')}</Table.Th>
                <Table.Th>{t('admin.facility')}</Table.Th>
                <Table.Th>{t('admin.terminals.name')}</Table.Th>
                <Table.Th>{t('admin.terminals.status')}</Table.Th>
                <Table.Th>{t('admin.terminals.issuedAt')}</Table.Th>
                <Table.Th>{t('admin.terminals.notAfter')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.terminals.map((terminal) => (
                <Table.Tr key={terminal.serial} data-testid={`terminal-${terminal.serial}`}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {terminal.serial}
                    </Text>
                  </Table.Td>
                  <Table.Td>{terminal.facilityName}</Table.Td>
                  <Table.Td>{terminal.name}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[terminal.status]} variant="light">
                      {t(`admin.terminals.statuses.${terminal.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{day(terminal.createdAt)}</Table.Td>
                  <Table.Td>{day(terminal.notAfter)}</Table.Td>
                  <Table.Td>
                    {terminal.status === 'active' &&
                      (confirming?.serial === terminal.serial ? (
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="compact-xs"
                            color="red"
                            onClick={() => (confirming.action === 'renew' ? renew(terminal.serial) : revoke(terminal.serial))}
                            data-testid="terminal-confirm"
                          >
                            {t('admin.confirm', { action: t(`admin.terminals.${confirming.action}`) })}
                          </Button>
                          <Button size="compact-xs" variant="default" onClick={() => setConfirming(null)}>
                            {t('admin.cancel')}
                          </Button>
                        </Group>
                      ) : (
                        <Group gap={4} wrap="nowrap">
                          <Button size="compact-xs" variant="light" onClick={() => setConfirming({ serial: terminal.serial, action: 'renew' })} data-testid="terminal-renew">
                            {t('admin.terminals.renew')}
                          </Button>
                          <Button size="compact-xs" variant="light" color="red" onClick={() => setConfirming({ serial: terminal.serial, action: 'revoke' })} data-testid="terminal-revoke">
                            {t('admin.terminals.revoke')}
                          </Button>
                        </Group>
                      ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </AdminPage>
  );
}

/** The PKCS#12 bundle as a file to save, from the answer in memory; the link is dropped with the panel. */
function P12Download({ issued }: { issued: IssuedTerminalResponse }) {
  const { t } = useTranslation();
  const url = useMemo(() => URL.createObjectURL(new Blob([Uint8Array.from(atob(issued.p12), (c) => c.charCodeAt(0))], { type: 'application/x-pkcs12' })), [issued.p12]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <Anchor href={url} download={`${issued.name}.p12`} data-testid="p12-download">
      {t('admin.terminals.download')}
    </Anchor>
  );
}

const day = (iso: string) => new Date(iso).toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' });
