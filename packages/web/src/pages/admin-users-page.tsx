import type { IssuedPasswordResponse, Role, UserList } from '@renkei/api';
import { Alert, Badge, Button, Card, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { ShownOnce } from '../components/shown-once.js';
import { errorText } from '../refusal-text.js';

/**
 * 利用者管理: staff IDs of the facilities this administrator looks after, the
 * ones unused for a while flagged. A one-time password is shown here once.
 */
export function AdminUsersPage({ ownId }: { ownId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['admin', 'users'], queryFn: () => api<UserList>('GET', '/api/admin/users') });
  const [form, setForm] = useState({ id: '', displayName: '', role: '' as Role | '', facilityCode: '', email: '' });
  const [shown, setShown] = useState<{ title: string; password: string } | null>(null);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const roles = list.data?.roles ?? [];
  const facilities = list.data?.facilities ?? [];
  const role = form.role || roles[0] || 'doctor';
  // An operator's ID may belong to no facility; every other role works at one.
  const facilityChoices = [...(role === 'operator' ? [{ value: '', label: t('admin.users.noFacility') }] : []), ...facilities.map((f) => ({ value: f.code, label: `${f.name}（${f.code}）` }))];
  const facilityCode = facilityChoices.some((c) => c.value === form.facilityCode) ? form.facilityCode : (facilityChoices[0]?.value ?? '');
  const set = (field: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [field]: e.currentTarget.value });

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const issue = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const body = { id: form.id, displayName: form.displayName, role, facilityCode: facilityCode || null, email: form.email || null };
      const issued = await api<IssuedPasswordResponse>('POST', '/api/admin/users', body);
      setShown({ title: t('admin.users.issued', { id: issued.id }), password: issued.password });
      setForm({ ...form, id: '', displayName: '', email: '' });
    });
  };
  const reset = (id: string) =>
    run(async () => {
      const issued = await api<IssuedPasswordResponse>('POST', `/api/admin/users/${encodeURIComponent(id)}/reset-password`);
      setShown({ title: t('admin.users.resetDone', { id }), password: issued.password });
    });
  const setActive = (id: string, active: boolean) =>
    run(async () => {
      await api('POST', `/api/admin/users/${encodeURIComponent(id)}/${active ? 'activate' : 'deactivate'}`);
      setMessage({ color: 'teal', text: t(active ? 'admin.users.activated' : 'admin.users.deactivated', { id }) });
    });

  return (
    <Stack maw={1200} mx="auto" mt="md">
      <Title order={3}>{t('admin.users.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('admin.users.help')}
      </Text>
      {shown && <ShownOnce title={shown.title} label={t('admin.users.passwordLabel')} secret={shown.password} onClose={() => setShown(null)} />}
      {message && (
        <Alert color={message.color} data-testid="admin-message">
          {message.text}
        </Alert>
      )}
      <Card withBorder p="md">
        <form onSubmit={issue}>
          <Stack gap="xs">
            <Title order={5}>{t('admin.users.issueTitle')}</Title>
            <Group align="end" grow>
              <TextInput label={t('admin.users.id')} value={form.id} onChange={set('id')} required maxLength={64} autoComplete="off" />
              <TextInput label={t('admin.users.displayName')} value={form.displayName} onChange={set('displayName')} required maxLength={80} />
              <NativeSelect label={t('admin.users.role')} value={role} onChange={set('role')} data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
              <NativeSelect label={t('admin.facility')} value={facilityCode} onChange={set('facilityCode')} data={facilityChoices} />
              <TextInput label={t('admin.users.email')} type="email" value={form.email} onChange={set('email')} maxLength={254} />
              <Button type="submit" loading={busy} data-testid="user-issue">
                {t('admin.users.issue')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Card withBorder p="sm">
        {list.isError && <Alert color="red">{errorText(list.error)}</Alert>}
        {list.data && (
          <Table striped className="dense-table" data-testid="user-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('login.userId')}</Table.Th>
                <Table.Th>{t('admin.users.displayName')}</Table.Th>
                <Table.Th>{t('admin.users.role')}</Table.Th>
                <Table.Th>{t('admin.facility')}</Table.Th>
                <Table.Th>{t('settings.email')}</Table.Th>
                <Table.Th>{t('admin.users.status')}</Table.Th>
                <Table.Th>{t('admin.users.lastLogin')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.users.map((user) => (
                <Table.Tr key={user.id} data-testid={`user-${user.id}`}>
                  <Table.Td>{user.id}</Table.Td>
                  <Table.Td>{user.displayName}</Table.Td>
                  <Table.Td>{t(`roles.${user.role}`)}</Table.Td>
                  <Table.Td>{user.facilityName ?? '—'}</Table.Td>
                  <Table.Td>{user.email ?? ''}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge color={user.active ? 'teal' : 'gray'} variant="light">
                        {user.active ? t('admin.users.active') : t('admin.users.inactive')}
                      </Badge>
                      {user.mustChangePassword && (
                        <Badge color="yellow" variant="light">
                          {t('admin.users.mustChange')}
                        </Badge>
                      )}
                      {user.unused && (
                        <Badge color="orange" variant="filled" data-testid="user-unused">
                          {t('admin.users.unused', { days: list.data.unusedDays })}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{user.lastLoginAt ? new Date(user.lastLoginAt).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' }) : t('admin.users.never')}</Table.Td>
                  <Table.Td>
                    {user.id !== ownId && (
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-xs" variant="light" color={user.active ? 'red' : 'teal'} onClick={() => setActive(user.id, !user.active)} data-testid="user-toggle-active">
                          {user.active ? t('admin.users.deactivate') : t('admin.users.activate')}
                        </Button>
                        <Button size="compact-xs" variant="light" onClick={() => reset(user.id)} data-testid="user-reset">
                          {t('admin.users.reset')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}
