import {
  FACILITY_KIND_VALUES,
  INSURER_KIND_VALUES,
  NEXT_PARTICIPANT_STATUSES,
  type AdminFacility,
  type Insurer,
  type Me,
  type ParticipantStatusValue,
} from '@renkei/api';
import { Alert, Badge, Button, Card, Group, Modal, NativeSelect, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage } from '../components/admin-page.js';
import { api, ApiError } from '../api.js';
import { errorText } from '../refusal-text.js';

/** Today in Japan (YYYY-MM-DD): the default for the dates the forms ask. */
const todayInJapan = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

/** A form that posts, shows the server's refusal as it is worded, and refreshes the lists once it succeeds. */
function useSubmit() {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (path: string, body: unknown, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', path, body);
      await queryClient.invalidateQueries({ queryKey: ['admin'] });
      after?.();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { submit, error, busy };
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <Alert color="red" data-testid="admin-error">
      {error}
    </Alert>
  ) : null;
}

/**
 * 参加機関管理: the operator keeps the facilities and insurers (registration,
 * status changes, the steering committee's approval); a facility administrator
 * sees their own facility and corrects its address and phone.
 */
export function AdminParticipantsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const operator = me.user.role === 'operator';
  return (
    <AdminPage title={t('admin.participants.title')} width={1200}>
      {operator ? (
        <Tabs defaultValue="facilities" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="facilities" data-testid="tab-admin-facilities">
              {t('admin.participants.facilities')}
            </Tabs.Tab>
            <Tabs.Tab value="insurers" data-testid="tab-admin-insurers">
              {t('admin.participants.insurers')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="facilities" pt="sm">
            <Facilities operator />
          </Tabs.Panel>
          <Tabs.Panel value="insurers" pt="sm">
            <Insurers />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {t('admin.participants.ownOnly')}
          </Text>
          <Facilities operator={false} />
        </>
      )}
    </AdminPage>
  );
}

function Facilities({ operator }: { operator: boolean }) {
  const { t } = useTranslation();
  const facilities = useQuery({ queryKey: ['admin', 'facilities'], queryFn: () => api<{ facilities: AdminFacility[] }>('GET', '/api/admin/facilities') });
  const [open, setOpen] = useState<string | null>(null);
  const selected = facilities.data?.facilities.find((f) => f.code === open);
  return (
    <Stack>
      {operator && <AddFacility />}
      {facilities.isError && <Alert color="red">{errorText(facilities.error)}</Alert>}
      <Table striped className="dense-table" data-testid="admin-facilities">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.participants.code')}</Table.Th>
            <Table.Th>{t('admin.participants.name')}</Table.Th>
            <Table.Th>{t('admin.participants.kind')}</Table.Th>
            <Table.Th>{t('admin.participants.address')}</Table.Th>
            <Table.Th>{t('admin.participants.status')}</Table.Th>
            <Table.Th>{t('admin.participants.approval')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(facilities.data?.facilities ?? []).map((f) => (
            <Table.Tr key={f.code} data-testid={`facility-${f.code}`}>
              <Table.Td>{f.code}</Table.Td>
              <Table.Td>{f.name}</Table.Td>
              <Table.Td>{t(`admin.facilityKind.${f.kind}`)}</Table.Td>
              <Table.Td>{f.address}</Table.Td>
              <Table.Td>
                <StatusBadge status={f.status} />
              </Table.Td>
              <Table.Td>{f.inPrefecture ? '' : <ApprovalBadge facility={f} />}</Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="light" onClick={() => setOpen(f.code)} data-testid={`open-${f.code}`}>
                  {t('admin.participants.edit')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={selected !== undefined} onClose={() => setOpen(null)} size="xl" title={selected ? `${selected.name}（${selected.code}）` : ''}>
        {selected && <FacilityDetail facility={selected} operator={operator} />}
      </Modal>
    </Stack>
  );
}

function StatusBadge({ status }: { status: ParticipantStatusValue }) {
  const { t } = useTranslation();
  const color = { applied: 'yellow', active: 'teal', suspended: 'orange', left: 'gray' }[status];
  return (
    <Badge color={color} variant="light">
      {t(`admin.status.${status}`)}
    </Badge>
  );
}

function ApprovalBadge({ facility }: { facility: AdminFacility }) {
  const { t } = useTranslation();
  if (facility.committeeApproval) return <Text size="xs">{`${t('admin.participants.outside')}・${facility.committeeApproval.approvedOn} ${facility.committeeApproval.reference}`}</Text>;
  return (
    <Badge color="red" variant="outline">
      {t('admin.participants.outside')}・{t('admin.participants.approvalPending')}
    </Badge>
  );
}

function AddFacility() {
  const { t } = useTranslation();
  const { submit, error, busy } = useSubmit();
  const blank = { code: '', name: '', kind: 'clinic', address: '', phone: '', appliedOn: todayInJapan() };
  const [form, setForm] = useState(blank);
  const field = (key: keyof typeof blank) => ({ value: form[key], onChange: (e: { currentTarget: { value: string } }) => setForm({ ...form, [key]: e.currentTarget.value }) });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit('/api/admin/facilities', form, () => setForm(blank));
  };
  return (
    <Card withBorder p="sm">
      <form onSubmit={onSubmit} data-testid="add-facility">
        <Stack gap="xs">
          <Text fw={700}>{t('admin.participants.addFacility')}</Text>
          <Group align="end" wrap="wrap">
            <TextInput label={t('admin.participants.code')} required maxLength={10} w={130} {...field('code')} />
            <TextInput label={t('admin.participants.name')} required w={220} {...field('name')} />
            <NativeSelect label={t('admin.participants.kind')} data={FACILITY_KIND_VALUES.map((k) => ({ value: k, label: t(`admin.facilityKind.${k}`) }))} {...field('kind')} />
            <TextInput label={t('admin.participants.address')} w={260} {...field('address')} />
            <TextInput label={t('admin.participants.phone')} w={130} {...field('phone')} />
            <TextInput type="date" label={t('admin.participants.appliedOn')} {...field('appliedOn')} />
            <Button type="submit" loading={busy}>
              {t('admin.participants.save')}
            </Button>
          </Group>
          <FormError error={error} />
        </Stack>
      </form>
    </Card>
  );
}

function Section({ title, testId, children }: { title: string; testId?: string; children: ReactNode }) {
  return (
    <Card withBorder p="sm" data-testid={testId}>
      <Stack gap="xs">
        <Text fw={700}>{title}</Text>
        {children}
      </Stack>
    </Card>
  );
}

function FacilityDetail({ facility, operator }: { facility: AdminFacility; operator: boolean }) {
  const { t } = useTranslation();
  const edit = useSubmit();
  const [details, setDetails] = useState({ name: facility.name, address: facility.address, phone: facility.phone });
  const saveDetails = (event: FormEvent) => {
    event.preventDefault();
    void edit.submit(`/api/admin/facilities/${facility.code}`, operator ? details : { address: details.address, phone: details.phone });
  };
  return (
    <Stack>
      <Group gap="xs">
        <StatusBadge status={facility.status} />
        <Text size="sm">{t(`admin.facilityKind.${facility.kind}`)}</Text>
        {!facility.inPrefecture && <ApprovalBadge facility={facility} />}
      </Group>
      <Section title={t('admin.participants.edit')} testId="edit-facility">
        <form onSubmit={saveDetails}>
          <Group align="end">
            <TextInput label={t('admin.participants.name')} value={details.name} disabled={!operator} onChange={(e) => setDetails({ ...details, name: e.currentTarget.value })} w={220} />
            <TextInput label={t('admin.participants.address')} value={details.address} onChange={(e) => setDetails({ ...details, address: e.currentTarget.value })} w={260} />
            <TextInput label={t('admin.participants.phone')} value={details.phone} onChange={(e) => setDetails({ ...details, phone: e.currentTarget.value })} w={140} />
            <Button type="submit" loading={edit.busy}>
              {t('admin.participants.update')}
            </Button>
          </Group>
        </form>
        <FormError error={edit.error} />
      </Section>
      {operator && facility.status === 'applied' && !facility.inPrefecture && <CommitteeApproval facility={facility} />}
      {operator && <StatusChange key={facility.status} path={`/api/admin/facilities/${facility.code}/status`} status={facility.status} />}
      <Section title={t('admin.participants.history')}>
        <Table className="dense-table" data-testid="facility-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.participants.effectiveOn')}</Table.Th>
              <Table.Th>{t('admin.participants.status')}</Table.Th>
              <Table.Th>{t('admin.participants.reason')}</Table.Th>
              <Table.Th>{t('admin.participants.recordedBy')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {facility.history.map((h, i) => (
              <Table.Tr key={i}>
                <Table.Td>{h.effectiveOn}</Table.Td>
                <Table.Td>{t(`admin.status.${h.status}`)}</Table.Td>
                <Table.Td>{h.reason}</Table.Td>
                <Table.Td>{h.recordedBy}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}

function CommitteeApproval({ facility }: { facility: AdminFacility }) {
  const { t } = useTranslation();
  const { submit, error, busy } = useSubmit();
  const [approvedOn, setApprovedOn] = useState(facility.committeeApproval?.approvedOn ?? todayInJapan());
  const [reference, setReference] = useState(facility.committeeApproval?.reference ?? '');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(`/api/admin/facilities/${facility.code}/approval`, { approvedOn, reference });
  };
  return (
    <Section title={t('admin.participants.recordApproval')} testId="record-approval">
      <form onSubmit={onSubmit}>
        <Group align="end">
          <TextInput type="date" label={t('admin.participants.approvedOn')} value={approvedOn} onChange={(e) => setApprovedOn(e.currentTarget.value)} required />
          <TextInput label={t('admin.participants.reference')} value={reference} onChange={(e) => setReference(e.currentTarget.value)} required w={260} />
          <Button type="submit" loading={busy}>
            {t('admin.participants.recordApproval')}
          </Button>
        </Group>
      </form>
      <FormError error={error} />
    </Section>
  );
}

/** A status change from a date, with a reason: for a facility or an insurer. */
function StatusChange({ path, status }: { path: string; status: ParticipantStatusValue }) {
  const { t } = useTranslation();
  const { submit, error, busy } = useSubmit();
  const choices = NEXT_PARTICIPANT_STATUSES[status];
  const [to, setTo] = useState<ParticipantStatusValue>(choices[0]!);
  const [effectiveOn, setEffectiveOn] = useState(todayInJapan());
  const [reason, setReason] = useState('');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(path, { status: choices.includes(to) ? to : choices[0], effectiveOn, reason }, () => setReason(''));
  };
  return (
    <Section title={t('admin.participants.changeStatus')} testId="change-status">
      <form onSubmit={onSubmit}>
        <Group align="end">
          <NativeSelect
            label={t('admin.participants.newStatus')}
            data={choices.map((s) => ({ value: s, label: t(`admin.status.${s}`) }))}
            value={choices.includes(to) ? to : choices[0]}
            onChange={(e) => setTo(e.currentTarget.value as ParticipantStatusValue)}
          />
          <TextInput type="date" label={t('admin.participants.effectiveOn')} value={effectiveOn} onChange={(e) => setEffectiveOn(e.currentTarget.value)} required />
          <TextInput label={t('admin.participants.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={240} />
          <Button type="submit" loading={busy}>
            {t('admin.participants.changeStatus')}
          </Button>
        </Group>
      </form>
      <FormError error={error} />
    </Section>
  );
}

function Insurers() {
  const { t } = useTranslation();
  const insurers = useQuery({ queryKey: ['admin', 'insurers'], queryFn: () => api<{ insurers: Insurer[] }>('GET', '/api/admin/insurers') });
  const add = useSubmit();
  const blank = { number: '', name: '', kind: 'municipal-nhi' };
  const [form, setForm] = useState(blank);
  const [open, setOpen] = useState<string | null>(null);
  const selected = insurers.data?.insurers.find((i) => i.number === open);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void add.submit('/api/admin/insurers', form, () => setForm(blank));
  };
  return (
    <Stack>
      <Card withBorder p="sm">
        <form onSubmit={onSubmit} data-testid="add-insurer">
          <Stack gap="xs">
            <Text fw={700}>{t('admin.participants.addInsurer')}</Text>
            <Group align="end">
              <TextInput label={t('admin.participants.insurerNumber')} required maxLength={8} w={120} value={form.number} onChange={(e) => setForm({ ...form, number: e.currentTarget.value })} />
              <TextInput label={t('admin.participants.name')} required w={260} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
              <NativeSelect
                label={t('admin.participants.kind')}
                data={INSURER_KIND_VALUES.map((k) => ({ value: k, label: t(`admin.insurerKind.${k}`) }))}
                value={form.kind}
                onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}
              />
              <Button type="submit" loading={add.busy}>
                {t('admin.participants.save')}
              </Button>
            </Group>
            <FormError error={add.error} />
          </Stack>
        </form>
      </Card>
      <Table striped className="dense-table" data-testid="admin-insurers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.participants.insurerNumber')}</Table.Th>
            <Table.Th>{t('admin.participants.name')}</Table.Th>
            <Table.Th>{t('admin.participants.kind')}</Table.Th>
            <Table.Th>{t('admin.participants.status')}</Table.Th>
            <Table.Th>{t('admin.participants.since')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(insurers.data?.insurers ?? []).map((i) => (
            <Table.Tr key={i.number} data-testid={`insurer-${i.number}`}>
              <Table.Td>{i.number}</Table.Td>
              <Table.Td>{i.name}</Table.Td>
              <Table.Td>{t(`admin.insurerKind.${i.kind}`)}</Table.Td>
              <Table.Td>
                <StatusBadge status={i.status} />
              </Table.Td>
              <Table.Td>{i.statusChangedOn ?? ''}</Table.Td>
              <Table.Td>
                <Button size="compact-xs" variant="light" onClick={() => setOpen(i.number)} data-testid={`open-${i.number}`}>
                  {t('admin.participants.changeStatus')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={selected !== undefined} onClose={() => setOpen(null)} title={selected ? `${selected.name}（${selected.number}）` : ''}>
        {selected && <StatusChange key={selected.status} path={`/api/admin/insurers/${selected.number}/status`} status={selected.status} />}
      </Modal>
    </Stack>
  );
}
