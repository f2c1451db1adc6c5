import { Alert, Badge, Button, Card, Group, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPage, type AdminMessage } from '../components/admin-page.js';
import { api } from '../api.js';
import { errorText } from '../refusal-text.js';

interface ReviewItem {
  itemId: string;
  kind: 'card-then-opened' | 'many-cards' | 'many-patients';
  at: string;
  userId: string | null;
  facilityCode: string | null;
  pseudonym: string | null;
  count: number | null;
  reviewed: { by: string; at: string; note: string } | null;
}

interface PersonLinkRequest {
  requestId: number;
  pseudonym: string;
  mergedPseudonym: string;
  differs: string[];
  requestedBy: string;
  facilityCode: string;
  requestedAt: string;
  status: 'pending' | 'approved' | 'refused';
  decidedBy: string | null;
  decidedAt: string | null;
  linkId: number | null;
}

const shownAt = (iso: string) => new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });

/**
 * 要確認 for the network's operator: the patterns worth a look (a card issued
 * and the history opened at once where the person has no claims, many cards
 * or many patients by one ID), each marked reviewed with a note; and the links
 * of persons whose names or birth dates differ, sent up by a desk, to approve
 * or refuse. Persons appear as the audit trail names them (pseudonyms).
 */
export function AdminReviewsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const reviews = useQuery({ queryKey: ['admin', 'reviews'], queryFn: () => api<{ items: ReviewItem[] }>('GET', '/api/admin/reviews') });
  const links = useQuery({ queryKey: ['admin', 'person-link-requests'], queryFn: () => api<{ requests: PersonLinkRequest[] }>('GET', '/api/admin/person-link-requests') });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<AdminMessage | null>(null);

  const run = async (work: () => Promise<string>) => {
    setMessage(null);
    try {
      const done = await work();
      await queryClient.invalidateQueries({ queryKey: ['admin'] });
      setMessage({ color: 'teal', text: done });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    }
  };
  const note = (key: string) => ({
    value: notes[key] ?? '',
    onChange: (e: { currentTarget: { value: string } }) => setNotes({ ...notes, [key]: e.currentTarget.value }),
  });
  const markReviewed = (item: ReviewItem) =>
    run(async () => {
      await api('POST', `/api/admin/reviews/${encodeURIComponent(item.itemId)}`, { note: notes[item.itemId] ?? '' });
      return t('admin.reviews.marked');
    });
  const decideLink = (request: PersonLinkRequest, approve: boolean) =>
    run(async () => {
      const key = `link-${request.requestId}`;
      await api('POST', `/api/admin/person-link-requests/${request.requestId}/decision`, { approve, ...(notes[key] ? { note: notes[key] } : {}) });
      return t(approve ? 'admin.links.approved' : 'admin.links.refused', { id: request.requestId });
    });

  return (
    <AdminPage title={t('admin.reviews.title')} help={t('admin.reviews.help')} message={message} width={1200}>
      <Card withBorder p="sm">
        <Title order={5}>{t('admin.reviews.listTitle')}</Title>
        {reviews.isError && <Alert color="red">{errorText(reviews.error)}</Alert>}
        {reviews.data && reviews.data.items.length === 0 && <Text data-testid="review-none">{t('admin.reviews.none')}</Text>}
        {reviews.data && reviews.data.items.length > 0 && (
          <Table striped className="dense-table" data-testid="review-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.reviews.kind')}</Table.Th>
                <Table.Th>{t('desk.when')}</Table.Th>
                <Table.Th>{t('login.userId')}</Table.Th>
                <Table.Th>{t('admin.facility')}</Table.Th>
                <Table.Th>{t('admin.reviews.person')}</Table.Th>
                <Table.Th>{t('admin.users.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reviews.data.items.map((item) => (
                <Table.Tr key={item.itemId} data-testid={`review-${item.itemId}`}>
                  <Table.Td>{t(`admin.reviews.kinds.${item.kind}`, { n: item.count ?? 0 })}</Table.Td>
                  <Table.Td>{shownAt(item.at)}</Table.Td>
                  <Table.Td>{item.userId ?? '—'}</Table.Td>
                  <Table.Td>{item.facilityCode ?? '—'}</Table.Td>
                  <Table.Td>{item.pseudonym ? item.pseudonym.slice(0, 12) : '—'}</Table.Td>
                  <Table.Td>
                    {item.reviewed ? (
                      <>
                        <Badge color="teal" variant="light">
                          {t('admin.reviews.reviewed')}
                        </Badge>
                        <Text size="xs">
                          {item.reviewed.by}（{shownAt(item.reviewed.at)}）{item.reviewed.note}
                        </Text>
                      </>
                    ) : (
                      <Badge color="orange" variant="light">
                        {t('admin.reviews.open')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {!item.reviewed && (
                      <Group gap={4} wrap="nowrap">
                        <TextInput size="xs" aria-label={t('admin.reviews.note')} placeholder={t('admin.reviews.note')} maxLength={500} {...note(item.itemId)} />
                        <Button size="compact-xs" onClick={() => markReviewed(item)} data-testid="review-mark">
                          {t('admin.reviews.mark')}
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
      <Card withBorder p="sm">
        <Title order={5}>{t('admin.links.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('admin.links.help')}
        </Text>
        {links.isError && <Alert color="red">{errorText(links.error)}</Alert>}
        {links.data && links.data.requests.length === 0 && <Text data-testid="link-request-none">{t('admin.links.none')}</Text>}
        {links.data && links.data.requests.length > 0 && (
          <Table striped className="dense-table" data-testid="link-request-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.links.number')}</Table.Th>
                <Table.Th>{t('admin.links.persons')}</Table.Th>
                <Table.Th>{t('admin.links.differs')}</Table.Th>
                <Table.Th>{t('admin.links.requestedBy')}</Table.Th>
                <Table.Th>{t('admin.users.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {links.data.requests.map((r) => (
                <Table.Tr key={r.requestId} data-testid={`link-request-${r.requestId}`}>
                  <Table.Td>{r.requestId}</Table.Td>
                  <Table.Td>
                    {r.pseudonym.slice(0, 12)} ← {r.mergedPseudonym.slice(0, 12)}
                  </Table.Td>
                  <Table.Td>{r.differs.map((d) => t(`admin.links.differ.${d}`, { defaultValue: d })).join('・')}</Table.Td>
                  <Table.Td>
                    {r.requestedBy}（{r.facilityCode}、{shownAt(r.requestedAt)}）
                  </Table.Td>
                  <Table.Td>
                    <Badge color={r.status === 'approved' ? 'teal' : r.status === 'refused' ? 'red' : 'yellow'} variant="light">
                      {t(`admin.applications.status.${r.status}`)}
                    </Badge>
                    {r.decidedBy && <Text size="xs">{r.decidedBy}</Text>}
                  </Table.Td>
                  <Table.Td>
                    {r.status === 'pending' && (
                      <Group gap={4} wrap="nowrap">
                        <TextInput size="xs" aria-label={t('admin.reviews.note')} placeholder={t('admin.reviews.note')} maxLength={200} {...note(`link-${r.requestId}`)} />
                        <Button size="compact-xs" color="teal" onClick={() => decideLink(r, true)} data-testid="link-approve">
                          {t('admin.applications.approve')}
                        </Button>
                        <Button size="compact-xs" variant="light" color="red" onClick={() => decideLink(r, false)} data-testid="link-refuse">
                          {t('admin.applications.refuse')}
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
