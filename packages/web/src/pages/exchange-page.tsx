/**
 * 連携: the inbox and outbox of reading requests, referrals, progress reports
 * and sharing, a form to compose one, and an item with what its reader may
 * do (accept, report or decline) and what its sender may (send a draft,
 * withdraw, add an addendum); the liaison assigns. The server decides who
 * sees and does what; the screen offers what the role suggests and shows the
 * server's refusal otherwise.
 */
import type { ExchangeBoxPage, ExchangeDetail, ExchangeListItem, ExchangeStats, Me } from '@renkei/api';
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api.js';
import { AttachmentPicker, type Attachment } from '../components/attachment-picker.js';
import { ImageUploader } from '../components/image-uploader.js';
import { KeyImages } from '../components/key-images.js';
import { STUDIES_QUERY, StudyPicker } from '../components/study-picker.js';
import { errorText } from '../refusal-text.js';
import { PdfDownload } from '../components/pdf-download.js';
import { addendumNumbers, ExchangeAddendumPdf } from './exchange-addendum-pdf.js';

type Box = 'inbox' | 'outbox' | 'facility';
const CLINICIANS = new Set(['doctor', 'dentist']);
const formatTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('ja-JP', { dateStyle: 'short', timeStyle: 'short' }) : '—');
const overdue = (item: ExchangeListItem) => item.urgency === 'urgent' && item.replyBy !== null && Date.parse(item.replyBy) < Date.now() && ['sent', 'received', 'accepted', 'interim'].includes(item.status);

export function ExchangeListPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const role = me.user.role;
  const [box, setBox] = useState<Box>(role === 'clerk' ? 'facility' : role === 'technologist' ? 'outbox' : 'inbox');
  const [filter, setFilter] = useState('');
  // A page at a time (100 items), the next on さらに表示.
  const list = useInfiniteQuery({
    queryKey: ['exchanges', box],
    queryFn: ({ pageParam }) => api<ExchangeBoxPage>('GET', `/api/exchanges?box=${box}${pageParam ? `&after=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next,
  });
  const items = useMemo(() => {
    const words = filter.trim();
    const shown = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((i) => !words || [i.subject, i.from.facilityName, i.to.facilityName].some((s) => s.includes(words)));
    // Overdue 至急 first, then newest first as the server sent them.
    return [...shown].sort((a, b) => Number(overdue(b)) - Number(overdue(a)));
  }, [list.data, filter]);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('exchange.title')}</Title>
        <Group>
          <Anchor href="/api/exchanges/consent-form.pdf">{t('exchange.form.consentForm')}</Anchor>
          <Anchor href="/api/exchanges/poster.pdf">{t('exchange.form.poster')}</Anchor>
          <Anchor component={Link} to="/exchanges/stats" data-testid="exchange-stats-link">
            {t('exchange.stats.title')}
          </Anchor>
          {(role === 'clerk' || role === 'liaison') && (
            <Anchor component={Link} to="/exchanges/id-usage" data-testid="id-usage-link">
              {t('exchange.idUsage.link')}
            </Anchor>
          )}
          {(CLINICIANS.has(role) || role === 'technologist') && (
            <Button onClick={() => navigate('/exchanges/new')} data-testid="exchange-compose">
              {t('exchange.compose')}
            </Button>
          )}
        </Group>
      </Group>
      <Group>
        <SegmentedControl value={box} onChange={(v) => setBox(v as Box)} data={(['inbox', 'outbox', 'facility'] as const).map((b) => ({ value: b, label: t(`exchange.boxes.${b}`) }))} data-testid="exchange-box" />
        <TextInput placeholder={t('exchange.search')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={280} />
      </Group>
      {list.isError && <Alert color="red">{errorText(list.error)}</Alert>}
      <Table striped highlightOnHover withTableBorder verticalSpacing={4} fz="sm" data-testid="exchange-list">
        <Table.Thead>
          <Table.Tr>
            {(['status', 'kind', 'urgency', 'subject', 'from', 'to', 'sentAt', 'deleteOn'] as const).map((c) => (
              <Table.Th key={c}>{t(`exchange.columns.${c}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.id} fw={i.unread ? 700 : undefined} style={{ cursor: 'pointer' }} onClick={() => navigate(`/exchanges/${i.id}`)} data-testid="exchange-row">
              <Table.Td>
                <Badge variant={i.unread ? 'filled' : 'light'} color={i.status === 'declined' || i.status === 'withdrawn' ? 'gray' : i.status === 'final' ? 'teal' : 'blue'}>
                  {t(`exchange.statuses.${i.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{t(`exchange.kinds.${i.kind}`)}</Table.Td>
              <Table.Td>
                {i.urgency === 'urgent' ? (
                  <Stack gap={0}>
                    <Badge color="red">{t('exchange.urgencies.urgent')}</Badge>
                    <Text size="xs" c={overdue(i) ? 'red' : undefined}>
                      {overdue(i) ? t('exchange.overdue') : t('exchange.replyBy', { at: formatTime(i.replyBy) })}
                    </Text>
                  </Stack>
                ) : (
                  t('exchange.urgencies.normal')
                )}
              </Table.Td>
              <Table.Td>
                <Link to={`/exchanges/${i.id}`}>{i.subject}</Link>
              </Table.Td>
              <Table.Td>{`${i.from.facilityName} ${i.from.userName ?? ''}`}</Table.Td>
              <Table.Td>{`${i.to.facilityName} ${i.to.userName ?? t('exchange.liaison')}`}</Table.Td>
              <Table.Td>{formatTime(i.sentAt)}</Table.Td>
              <Table.Td>
                {i.deleteOn} {i.deletionDue && <Badge color="orange">{t('exchange.deletionDue')}</Badge>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.isSuccess && items.length === 0 && <Text c="dimmed">{t('exchange.empty')}</Text>}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} data-testid="exchange-more">
            {t('exchange.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** 連携の作成: the patient, the consent, the request; sent at once or kept as a draft. */
export function ExchangeComposePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const technologist = me.user.role === 'technologist';
  const [f, setF] = useState({
    kind: 'reading',
    toFacility: '',
    toUser: '',
    forUser: '',
    name: '',
    kana: '',
    sex: 'female',
    birthDate: '',
    patientId: '',
    consentOn: new Date().toISOString().slice(0, 10),
    consentBy: 'patient',
    obtainedBy: me.user.displayName,
    consentForm: 'written',
    subject: '',
    body: '',
    urgency: 'normal',
    replyBy: '',
  });
  const [studies, setStudies] = useState<string[]>([]);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const queryClient = useQueryClient();
  // An uploaded study is attached, and the list of the facility's studies shows it.
  const uploaded = (studyUid: string) => {
    setStudies((old) => (old.includes(studyUid) ? old : [...old, studyUid]));
    void queryClient.invalidateQueries({ queryKey: [STUDIES_QUERY] });
  };
  const set = (key: keyof typeof f) => (value: string | null) => setF((old) => ({ ...old, [key]: value ?? '' }));
  const input = (key: keyof typeof f) => ({ value: f[key], onChange: (e: { currentTarget: { value: string } }) => set(key)(e.currentTarget.value) });
  const create = useMutation({
    mutationFn: (draft: boolean) =>
      api<{ id: string }>('POST', '/api/exchanges', {
        kind: f.kind,
        to: { facility: f.toFacility.trim(), ...(f.toUser.trim() ? { userId: f.toUser.trim() } : {}) },
        patient: { name: f.name, kana: f.kana, sex: f.sex, birthDate: f.birthDate, patientId: f.patientId },
        ...(technologist ? { for: f.forUser.trim() } : { consent: { obtainedOn: f.consentOn, by: f.consentBy, obtainedBy: f.obtainedBy, form: f.consentForm } }),
        subject: f.subject,
        body: f.body,
        urgency: f.urgency,
        ...(f.urgency === 'urgent' && f.replyBy ? { replyBy: new Date(f.replyBy).toISOString() } : {}),
        studies,
        attachments: attachments.map(({ name, mediaType, content }) => ({ name, mediaType, content })),
        draft: draft || technologist,
      }),
    onSuccess: (created) => navigate(`/exchanges/${created.id}`),
  });
  const submit = (draft: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    create.mutate(draft);
  };
  const options = (group: 'kinds' | 'urgencies', values: string[]) => values.map((v) => ({ value: v, label: t(`exchange.${group}.${v}`) }));
  const formOptions = (group: 'sexes' | 'consentBys' | 'forms', values: string[]) => values.map((v) => ({ value: v, label: t(`exchange.form.${group}.${v}`) }));
  return (
    <form onSubmit={submit(false)}>
      <Stack maw={900} mx="auto">
        <Title order={3}>{t('exchange.form.title')}</Title>
        <Card withBorder>
          <SimpleGrid cols={3}>
            <Select label={t('exchange.form.kind')} data={options('kinds', ['reading', 'referral', 'progress', 'share'])} value={f.kind} onChange={set('kind')} allowDeselect={false} />
            <TextInput label={t('exchange.form.toFacility')} {...input('toFacility')} required data-testid="to-facility" />
            <TextInput label={t('exchange.form.toUser')} {...input('toUser')} />
            {technologist && <TextInput label={t('exchange.form.forUser')} {...input('forUser')} required />}
          </SimpleGrid>
        </Card>
        <Card withBorder>
          <Title order={5}>{t('exchange.form.patient')}</Title>
          <SimpleGrid cols={3}>
            <TextInput label={t('exchange.form.name')} {...input('name')} required />
            <TextInput label={t('exchange.form.kana')} {...input('kana')} required />
            <Select label={t('exchange.form.sex')} data={formOptions('sexes', ['male', 'female', 'other'])} value={f.sex} onChange={set('sex')} allowDeselect={false} />
            <TextInput type="date" label={t('exchange.form.birthDate')} {...input('birthDate')} required />
            <TextInput label={t('exchange.form.patientId')} {...input('patientId')} required />
          </SimpleGrid>
        </Card>
        {!technologist && (
          <Card withBorder>
            <Title order={5}>{t('exchange.form.consent')}</Title>
            <SimpleGrid cols={4}>
              <TextInput type="date" label={t('exchange.form.consentOn')} {...input('consentOn')} required />
              <Select label={t('exchange.form.consentBy')} data={formOptions('consentBys', ['patient', 'guardian'])} value={f.consentBy} onChange={set('consentBy')} allowDeselect={false} />
              <TextInput label={t('exchange.form.obtainedBy')} {...input('obtainedBy')} required />
              <Select label={t('exchange.form.form')} data={formOptions('forms', ['written', 'oral', 'electronic'])} value={f.consentForm} onChange={set('consentForm')} allowDeselect={false} />
            </SimpleGrid>
          </Card>
        )}
        <Card withBorder>
          <Stack>
            <TextInput label={t('exchange.form.subject')} {...input('subject')} required />
            <Textarea label={t('exchange.form.body')} {...input('body')} autosize minRows={5} />
            <Group grow>
              <Select label={t('exchange.form.urgency')} data={options('urgencies', ['normal', 'urgent'])} value={f.urgency} onChange={set('urgency')} allowDeselect={false} />
              {f.urgency === 'urgent' && <TextInput type="datetime-local" label={t('exchange.form.replyBy')} {...input('replyBy')} required />}
            </Group>
          </Stack>
        </Card>
        <ImageUploader patient={{ patientId: f.patientId, name: f.name, kana: f.kana, birthDate: f.birthDate, sex: f.sex as 'male' | 'female' | 'other' }} chosenStudy={studies[studies.length - 1]} onStored={uploaded} />
        <StudyPicker selected={studies} onChange={setStudies} />
        <AttachmentPicker attachments={attachments} onChange={setAttachments} />
        {create.isError && <Alert color="red" data-testid="exchange-error">{errorText(create.error)}</Alert>}
        <Group justify="flex-end">
          {!technologist && (
            <Button variant="default" onClick={() => submit(true)()} loading={create.isPending}>
              {t('exchange.form.draft')}
            </Button>
          )}
          <Button type="submit" loading={create.isPending} data-testid="exchange-send">
            {technologist ? t('exchange.form.draft') : t('exchange.form.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One item: what it says, every step, its reports; and the actions the caller's role suggests. */
/** Whether the screen offers the reader's answers (the server decides again on every request). */
export function mayAnswer(me: Me, d: ExchangeDetail): boolean {
  const reader = me.user.id === d.to.userId && CLINICIANS.has(me.user.role);
  const open = ['sent', 'received', 'accepted', 'interim'].includes(d.status);
  return reader && open && (d.kind === 'reading' || d.kind === 'referral');
}

/** Whether the screen offers marking key images: the reader of a reading request, while reporting and after the final report (for an addendum). */
export function mayMarkKeyImagesOnScreen(me: Me, d: ExchangeDetail): boolean {
  const reader = me.user.id === d.to.userId && CLINICIANS.has(me.user.role);
  return reader && d.kind === 'reading' && ['sent', 'received', 'accepted', 'interim', 'final'].includes(d.status);
}

export function ExchangeDetailPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const item = useQuery({ queryKey: ['exchange', id], queryFn: () => api<ExchangeDetail>('GET', `/api/exchanges/${id}`) });
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => api('POST', `/api/exchanges/${id}/${path}`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exchange'] }).then(() => queryClient.invalidateQueries({ queryKey: ['exchanges'] })),
  });
  const [findings, setFindings] = useState('');
  const [impression, setImpression] = useState('');
  const [interim, setInterim] = useState(false);
  const [reason, setReason] = useState('');
  const [assignee, setAssignee] = useState('');
  const [addendum, setAddendum] = useState('');
  if (item.isError) return <Alert color="red" data-testid="exchange-error">{errorText(item.error)}</Alert>;
  if (!item.data) return null;
  const d = item.data;
  const mine = me.user.id === d.from.userId;
  const reader = me.user.id === d.to.userId && CLINICIANS.has(me.user.role);
  const open = ['sent', 'received', 'accepted', 'interim'].includes(d.status);
  const answerable = mayAnswer(me, d);
  const report = [...d.texts].reverse().find((x) => x.kind !== 'addendum');
  const addenda = addendumNumbers(d.texts);
  return (
    <Stack maw={1000} mx="auto">
      <Group justify="space-between">
        <Title order={3} data-testid="exchange-subject">
          {t(`exchange.kinds.${d.kind}`)}：{d.subject}
        </Title>
        <Group>
          <Badge size="lg" data-testid="exchange-status">{t(`exchange.statuses.${d.status}`)}</Badge>
          {d.urgency === 'urgent' && <Badge color="red" size="lg">{t('exchange.urgencies.urgent')} {t('exchange.replyBy', { at: formatTime(d.replyBy) })}</Badge>}
        </Group>
      </Group>
      <Text size="sm">
        {t('exchange.columns.from')}: {d.from.facilityName} {d.from.userName}　{t('exchange.columns.to')}: {d.to.facilityName} {d.to.userName ?? t('exchange.liaison')}　{t('exchange.columns.sentAt')}: {formatTime(d.sentAt)}　{t('exchange.columns.deleteOn')}: {d.deleteOn}
      </Text>
      <Card withBorder>
        <Text fw={700}>{t('exchange.detail.patient')}</Text>
        <Text data-testid="exchange-patient">
          {d.patient.name}（{d.patient.kana}） {t(`exchange.form.sexes.${d.patient.sex}`)} {d.patient.birthDate}　ID {d.patient.patientId}
        </Text>
        {d.consent && (
          <Text size="sm" c="dimmed">
            {t('exchange.detail.consent')}: {d.consent.obtainedOn} {t(`exchange.form.consentBys.${d.consent.by}`)} {t(`exchange.form.forms.${d.consent.form}`)}（{d.consent.obtainedBy}）
          </Text>
        )}
        <Text fw={700} mt="sm">{t('exchange.detail.body')}</Text>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{d.body}</Text>
        {d.studies.length > 0 && (
          <>
            <Text fw={700} mt="sm">{t('exchange.detail.studies')}</Text>
            {d.studies.map((s) => (
              <Group key={s} gap="xs">
                <Text size="sm" ff="monospace">{s}</Text>
                <Anchor component={Link} to={`/images/studies/${encodeURIComponent(s)}?exchange=${encodeURIComponent(d.id)}`} size="sm" data-testid="open-images">
                  {t('imageViewer.open')}
                </Anchor>
              </Group>
            ))}
          </>
        )}
        {d.letterSha256 && (
          <Group mt="sm">
            <Anchor href={`/api/exchanges/${d.id}/letter.pdf`} data-testid="letter-pdf">{t('exchange.detail.letterPdf')}</Anchor>
            <Text size="xs" ff="monospace">{t('exchange.detail.sha256')} {d.letterSha256}</Text>
          </Group>
        )}
      </Card>
      {d.texts.length > 0 && (
        <Card withBorder data-testid="exchange-texts">
          <Text fw={700}>{t('exchange.detail.texts')}</Text>
          {d.texts.map((x, i) => (
            <Stack key={i} gap={2} mt="xs">
              <Text size="sm" fw={700}>{t(`exchange.detail.textKinds.${x.kind}`)}　{x.authorName}　{formatTime(x.signedAt)}</Text>
              {x.kind === 'declined' ? <Text>{x.reason}</Text> : x.kind === 'addendum' ? (
                <>
                  <Text style={{ whiteSpace: 'pre-wrap' }}>{x.findings}</Text>
                  <ExchangeAddendumPdf itemId={d.id} number={addenda.get(x)!} text={x} />
                </>
              ) : (
                <>
                  <Text size="sm">{t('exchange.detail.findings')}: {x.findings}</Text>
                  <Text size="sm">{t('exchange.detail.impression')}: {x.impression}</Text>
                </>
              )}
            </Stack>
          ))}
          {report && (
            <Group mt="sm">
              <PdfDownload href={`/api/exchanges/${d.id}/report.pdf`} filename={`renkei-${d.id}-report.pdf`} testId="report-pdf">{t('exchange.detail.reportPdf')}</PdfDownload>
              <Text size="xs" ff="monospace" data-testid="report-sha256">{t('exchange.detail.sha256')} {report.pdfSha256}</Text>
            </Group>
          )}
          <Text size="xs" c="dimmed" mt="xs">{t('exchange.detail.responsibility')}</Text>
        </Card>
      )}
      {d.studies.length > 0 && d.kind === 'reading' && <KeyImages itemId={d.id} studies={d.studies} canMark={mayMarkKeyImagesOnScreen(me, d)} />}
      {act.isError && <Alert color="red" data-testid="exchange-error">{errorText(act.error)}</Alert>}
      <Group>
        {reader && (d.status === 'sent' || d.status === 'received') && (
          <Button onClick={() => act.mutate({ path: 'accept' })} data-testid="exchange-accept">{t('exchange.detail.accept')}</Button>
        )}
        {mine && d.status === 'draft' && <Button onClick={() => act.mutate({ path: 'send' })}>{t('exchange.detail.send')}</Button>}
        {mine && open && <Button color="gray" onClick={() => act.mutate({ path: 'withdraw', body: {} })}>{t('exchange.detail.withdraw')}</Button>}
      </Group>
      {me.user.role === 'liaison' && open && d.to.facility === me.user.facilityCode && (
        <Card withBorder>
          <Group align="flex-end">
            <TextInput label={t('exchange.detail.assignee')} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)} data-testid="assignee" />
            <Button onClick={() => act.mutate({ path: 'assign', body: { userId: assignee.trim() } })} data-testid="exchange-assign">{t('exchange.detail.assign')}</Button>
          </Group>
        </Card>
      )}
      {answerable && (
        <Card withBorder>
          <Title order={5}>{t('exchange.detail.reportTitle')}</Title>
          <Textarea label={t('exchange.detail.findings')} value={findings} onChange={(e) => setFindings(e.currentTarget.value)} autosize minRows={4} data-testid="findings" />
          <Textarea label={t('exchange.detail.impression')} value={impression} onChange={(e) => setImpression(e.currentTarget.value)} autosize minRows={2} data-testid="impression" />
          <Checkbox mt="xs" label={t('exchange.detail.interim')} checked={interim} onChange={(e) => setInterim(e.currentTarget.checked)} />
          <Group mt="sm">
            <Button onClick={() => act.mutate({ path: 'report', body: { findings, impression, interim } })} data-testid="exchange-report">{t('exchange.detail.sendReport')}</Button>
          </Group>
          <Group mt="md" align="flex-end">
            <TextInput label={t('exchange.detail.declineReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={400} />
            <Button color="orange" onClick={() => act.mutate({ path: 'report', body: { decline: true, reason } })}>{t('exchange.detail.decline')}</Button>
          </Group>
        </Card>
      )}
      {(mine || reader) && d.status !== 'draft' && d.status !== 'withdrawn' && (
        <Card withBorder>
          <Textarea label={t('exchange.detail.addendum')} value={addendum} onChange={(e) => setAddendum(e.currentTarget.value)} autosize minRows={2} />
          <Button mt="xs" variant="default" onClick={() => act.mutate({ path: 'addenda', body: { text: addendum } })}>{t('exchange.detail.addendumSend')}</Button>
        </Card>
      )}
      <Card withBorder>
        <Text fw={700}>{t('exchange.detail.steps')}</Text>
        <Table fz="sm" data-testid="exchange-steps">
          <Table.Tbody>
            {d.steps.map((s, i) => (
              <Table.Tr key={i}>
                <Table.Td>{formatTime(s.at)}</Table.Td>
                <Table.Td>{t(`exchange.detail.stepNames.${s.step}`, { defaultValue: s.step })}</Table.Td>
                <Table.Td>{s.actor}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

/** 読影件数の集計 for a month: the facility's (or, for the operator, the network's), on screen, as CSV and as PDF. */
export function ExchangeStatsPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(() => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7));
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const stats = useQuery({ queryKey: ['exchange-stats', month], queryFn: () => api<ExchangeStats>('GET', `/api/exchanges/stats?month=${month}`), enabled: valid });
  return (
    <Stack maw={1000} mx="auto">
      <Title order={3}>{t('exchange.stats.title')}</Title>
      <Group align="flex-end">
        <TextInput type="month" label={t('exchange.stats.month')} value={month} onChange={(e) => setMonth(e.currentTarget.value)} />
        <Anchor href={`/api/exchanges/stats?month=${month}&format=csv`}>{t('exchange.stats.csv')}</Anchor>
        <Anchor href={`/api/exchanges/stats?month=${month}&format=pdf`}>{t('exchange.stats.pdf')}</Anchor>
      </Group>
      {stats.isError && <Alert color="red">{(stats.error as Error).message}</Alert>}
      <Table withTableBorder fz="sm" data-testid="exchange-stats">
        <Table.Thead>
          <Table.Tr>
            {(['facility', 'reader', 'received', 'answered', 'declined', 'reportsReturned', 'median'] as const).map((c) => (
              <Table.Th key={c}>{t(`exchange.stats.columns.${c}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {stats.data?.rows.map((r) => (
            <Table.Tr key={`${r.facility}-${r.reader ?? ''}`} fw={r.reader ? undefined : 700}>
              <Table.Td>{r.facilityName}</Table.Td>
              <Table.Td>{r.reader ? (r.readerName ?? r.reader) : t('exchange.stats.total')}</Table.Td>
              <Table.Td>{r.received}</Table.Td>
              <Table.Td>{r.answered}</Table.Td>
              <Table.Td>{r.declined}</Table.Td>
              <Table.Td>{r.reportsReturned}</Table.Td>
              <Table.Td>{r.medianTurnaroundHours ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
