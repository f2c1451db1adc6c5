import { LICENSED_ROLE_NAMES, type IssuedPasswordResponse, type Role, type UserApplicationItem, type UserList } from '@renkei/api';
import { Alert, Badge, Button, Card, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage, type AdminMessage } from '../components/admin-page.js';
import { api, ApiError } from '../api.js';
import { ShownOnce } from '../components/shown-once.js';
import { errorText } from '../refusal-text.js';

const isLicensed = (role: string) => (LICENSED_ROLE_NAMES as readonly string[]).includes(role);

/**
 * 利用者管理: staff IDs of the facilities this administrator looks after, the
 * ones unused for a while flagged. A one-time password is shown here once.
 * A facility administrator applies for clinicians' IDs (利用者申請, with the
 * licence number); the operator approves or refuses, and approving issues the ID.
 */
export function AdminUsersPage({ ownId, operator }: { ownId: string; operator: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['admin', 'users'], queryFn: () => api<UserList>('GET', '/api/admin/users') });
  const applications = useQuery({ queryKey: ['admin', 'user-applications'], queryFn: () => api<{ applications: UserApplicationItem[] }>('GET', '/api/admin/user-applications') });
  const [form, setForm] = useState({ id: '', displayName: '', role: '' as Role | '', facilityCode: '', email: '', licenceNumber: '' });
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [shown, setShown] = useState<{ title: string; password: string } | null>(null);
  const [message, setMessage] = useState<AdminMessage | null>(null);
  const [busy, setBusy] = useState(false);

  // A facility administrator is offered the clinicians' roles too: for them the form files an application.
  const roles = [...(list.data?.roles ?? []), ...(operator || !list.data ? [] : LICENSED_ROLE_NAMES.filter((r) => !list.data.roles.includes(r)))];
  const applying = !operator && isLicensed(form.role || roles[0] || '');
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
      await queryClient.invalidateQueries({ queryKey: ['admin'] });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const issue = (event: FormEvent) => {
    event.preventDefault();
    if (applying) return apply();
    return run(async () => {
      const body = { id: form.id, displayName: form.displayName, role, facilityCode: facilityCode || null, email: form.email || null };
      const issued = await api<IssuedPasswordResponse>('POST', '/api/admin/users', body);
      setShown({ title: t('admin.users.issued', { id: issued.id }), password: issued.password });
      setForm({ ...form, id: '', displayName: '', email: '', licenceNumber: '' });
    });
  };
  const apply = () =>
    run(async () => {
      const body = { id: form.id, displayName: form.displayName, role, facilityCode, email: form.email || null, licenceNumber: form.licenceNumber };
      await api('POST', '/api/admin/user-applications', body);
      setMessage({ color: 'teal', text: t('admin.applications.filed', { id: form.id, role: t(`roles.${role}`) }) });
      setForm({ ...form, id: '', displayName: '', email: '', licenceNumber: '' });
    });
  const decide = (application: UserApplicationItem, approve: boolean) =>
    run(async () => {
      const decided = await api<{ password?: string }>('POST', `/api/admin/user-applications/${application.applicationId}/decision`, { approve, note: notes[application.applicationId] ?? '' });
      if (decided.password !== undefined) setShown({ title: t('admin.applications.approved', { id: application.id }), password: decided.password });
      else setMessage({ color: 'teal', text: t('admin.applications.refused', { id: application.id }) });
    });
  const facilityName = (code: string) => facilities.find((f) => f.code === code)?.name ?? code;
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
    <AdminPage title={t('admin.users.title')} help={t('admin.users.help')} message={message} width={1200}>
      {shown && <ShownOnce title={shown.title} label={t('admin.users.passwordLabel')} secret={shown.password} onClose={() => setShown(null)} />}
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
              {applying && (
                <TextInput label={t('admin.applications.licenceNumber')} value={form.licenceNumber} onChange={set('licenceNumber')} required maxLength={20} pattern="[0-9A-Za-z\-]{1,20}" autoComplete="off" />
              )}
              {applying ? (
                <Button type="submit" loading={busy} data-testid="user-apply">
                  {t('admin.applications.file')}
                </Button>
              ) : (
                <Button type="submit" loading={busy} data-testid="user-issue">
                  {t('admin.users.issue')}
                </Button>
              )}
            </Group>
            {applying && (
              <Text size="sm" c="dimmed" data-testid="user-apply-help">
                {t('admin.applications.help')}
              </Text>
            )}
          </Stack>
        </form>
      </Card>
      {applications.data && applications.data.applications.length > 0 && (
        <Card withBorder p="sm">
          <Title order={5}>{t('admin.applications.title')}</Title>
          <Table striped className="dense-table" data-testid="application-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('login.userId')}</Table.Th>
                <Table.Th>{t('admin.users.displayName')}</Table.Th>
                <Table.Th>{t('admin.users.role')}</Table.Th>
                <Table.Th>{t('admin.facility')}</Table.Th>
                <Table.Th>{t('admin.applications.licenceNumber')}</Table.Th>
                <Table.Th>{t('admin.applications.appliedBy')}</Table.Th>
                <Table.Th>{t('admin.users.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {applications.data.applications.map((a) => (
                <Table.Tr key={a.applicationId} data-testid={`application-${a.id}`}>
                  <Table.Td>{a.id}</Table.Td>
                  <Table.Td>{a.displayName}</Table.Td>
                  <Table.Td>{t(`roles.${a.role}`)}</Table.Td>
                  <Table.Td>{facilityName(a.facilityCode)}</Table.Td>
                  <Table.Td>{a.licenceNumber}</Table.Td>
                  <Table.Td>
                    {a.appliedBy}（{new Date(a.appliedAt).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}）
                  </Table.Td>
                  <Table.Td>
                    <Badge color={a.status === 'approved' ? 'teal' : a.status === 'refused' ? 'red' : 'yellow'} variant="light">
                      {t(`admin.applications.status.${a.status}`)}
                    </Badge>
                    {a.decisionNote && <Text size="xs">{a.decisionNote}</Text>}
                  </Table.Td>
                  <Table.Td>
                    {operator && a.status === 'pending' && (
                      <Group gap={4} wrap="nowrap">
                        <TextInput
                          size="xs"
                          aria-label={t('admin.applications.note')}
                          placeholder={t('admin.applications.note')}
                          value={notes[a.applicationId] ?? ''}
                          onChange={(e) => setNotes({ ...notes, [a.applicationId]: e.currentTarget.value })}
                          maxLength={200}
                        />
                        <Button size="compact-xs" color="teal" onClick={() => decide(a, true)} data-testid="application-approve">
                          {t('admin.applications.approve')}
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => decide(a, false)} data-testid="application-refuse">
                          {t('admin.applications.refuse')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
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
    </AdminPage>
  );
}
