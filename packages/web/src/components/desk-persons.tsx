import { formatCardNumber, IDENTITY_DOCUMENTS, type DeskCandidate } from '@renkei/api';
import { Alert, Button, Card, Group, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiBlob, ApiError } from '../api.js';
import { signWithMyNumberCard } from '../my-number.js';
import { MyNumberPinForm } from './my-number-pin-form.js';
import { errorText } from '../refusal-text.js';

type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];
type CardStatus = 'active' | 'suspended' | 'revoked';

/**
 * Enrollment at the desk: find the patient by insurance card or kana name and
 * birth date (candidates only, no history), issue a card once the identity
 * document checked is recorded (it opens as a PDF to print), suspend or revoke
 * a lost card, bind their My Number card, or link two candidates who are one
 * patient (sent to the operator when their names or birth dates differ).
 */
export function DeskPersons({ myNumberCards }: { myNumberCards: boolean }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState({ insurerNumber: '', symbol: '', number: '', branch: '', birthDate: '', kana: '' });
  const [candidates, setCandidates] = useState<DeskCandidate[] | null>(null);
  const [kept, setKept] = useState<string | null>(null);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const [binding, setBinding] = useState<string | null>(null);
  const [issuing, setIssuing] = useState<string | null>(null);
  const [identityDocument, setIdentityDocument] = useState<IdentityDocument | null>(null);
  const [lost, setLost] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof typeof query) => ({
    value: query[name],
    onChange: (e: { currentTarget: { value: string } }) => setQuery({ ...query, [name]: e.currentTarget.value }),
  });
  const failed = (e: unknown) => setMessage({ color: 'red', text: errorText(e) });

  const search = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    setIssuing(null);
    setLost(null);
    // An empty 記号 is part of an insurance card (most 後期高齢者医療 cards have none): it goes with the insurer and number.
    const byCard = query.insurerNumber.trim() !== '' && query.number.trim() !== '';
    const body = Object.fromEntries(Object.entries(query).filter(([key, v]) => v.trim() !== '' || (key === 'symbol' && byCard)));
    try {
      const found = await api<{ candidates: DeskCandidate[] }>('POST', '/api/desk/persons/search', body);
      setCandidates(found.candidates);
      setKept(found.candidates[0]?.personId ?? null);
    } catch (e) {
      failed(e);
    }
  };

  const startIssue = (personId: string) => {
    setMessage(null);
    setLost(null);
    setIdentityDocument(null);
    setIssuing(personId);
  };

  const issueCard = async (personId: string, document: IdentityDocument) => {
    setMessage(null);
    try {
      const { blob, headers } = await apiBlob('POST', '/api/desk/cards', { personId, identityDocument: document });
      setIssuing(null);
      const cardNumber = headers.get('x-card-number') ?? '';
      // The new card is the person's one working card: any card before it has stopped.
      setCandidates((list) => list && list.map((c) => (c.personId === personId ? { ...c, workingCard: { cardNumber, status: 'active' } } : c)));
      const url = URL.createObjectURL(blob);
      window.open(url, '_blank');
      // The new window has its own copy once it has loaded the document.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage({ color: 'teal', text: t('desk.cardIssued', { number: formatCardNumber(cardNumber) }) });
    } catch (e) {
      failed(e);
    }
  };

  const link = async (otherPersonId: string) => {
    setMessage(null);
    try {
      const linked = await api<{ linkId?: number; status?: 'pending-approval' }>('POST', '/api/desk/persons/link', { personId: kept, otherPersonId });
      // Persons whose names or birth dates differ are linked by the operator only: the request went up.
      setMessage({ color: 'teal', text: linked.status === 'pending-approval' ? t('desk.linkRequested') : t('desk.linked', { linkId: linked.linkId }) });
    } catch (e) {
      failed(e);
    }
  };

  /** A lost card stops at once, by its number, for the person found through the identity check. */
  const setCardStatus = async (c: DeskCandidate, status: CardStatus) => {
    if (!c.workingCard) return;
    setMessage(null);
    try {
      await api('POST', '/api/desk/cards/status', { status, cardNumber: c.workingCard.cardNumber, personId: c.personId });
      const workingCard = status === 'revoked' ? null : { cardNumber: c.workingCard.cardNumber, status };
      setCandidates((list) => list && list.map((x) => (x.personId === c.personId ? { ...x, workingCard } : x)));
      if (status === 'revoked') setLost(null);
      setMessage({ color: 'teal', text: t(`desk.cardStatusDone.${status}`, { number: formatCardNumber(c.workingCard.cardNumber) }) });
    } catch (e) {
      failed(e);
    }
  };

  const setBound = (personId: string, myNumberBound: boolean) => setCandidates((list) => list && list.map((c) => (c.personId === personId ? { ...c, myNumberBound } : c)));

  /** The patient's identity is checked at the desk; their card signs, and its certificate is bound to this person. */
  const bindMyNumber = async (personId: string, pin: string) => {
    setMessage(null);
    setBusy(true);
    try {
      await api('POST', '/api/desk/my-number/bind', { personId, myNumber: await signWithMyNumberCard('bind', pin, t('myNumber.helperUnreachable')) });
      setBound(personId, true);
      setBinding(null);
      setMessage({ color: 'teal', text: t('myNumber.boundDone') });
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const unbindMyNumber = async (personId: string) => {
    setMessage(null);
    try {
      await api('POST', '/api/desk/my-number/unbind', { personId });
      setBound(personId, false);
      setMessage({ color: 'teal', text: t('myNumber.unboundDone') });
    } catch (e) {
      failed(e);
    }
  };

  const bindingFor = candidates?.find((c) => c.personId === binding);
  const issuingFor = candidates?.find((c) => c.personId === issuing);
  const lostFor = candidates?.find((c) => c.personId === lost);

  return (
    <Card withBorder p="lg" className="no-print" data-testid="desk-persons">
      <Stack>
        <Title order={4}>{t('desk.enrollment')}</Title>
        <form onSubmit={search}>
          <Group align="end" gap="xs">
            <TextInput size="xs" label={t('desk.insurer')} w={100} {...field('insurerNumber')} />
            <TextInput size="xs" label={t('desk.symbol')} w={90} {...field('symbol')} />
            <TextInput size="xs" label={t('desk.number')} w={90} {...field('number')} />
            <TextInput size="xs" label={t('desk.branch')} w={50} {...field('branch')} />
            <TextInput size="xs" label={t('desk.kana')} w={140} {...field('kana')} />
            <TextInput size="xs" type="date" label={t('desk.birthDate')} required {...field('birthDate')} />
            <Button size="xs" type="submit" data-testid="desk-search">
              {t('complaint.search')}
            </Button>
          </Group>
        </form>
        {message && (
          <Alert color={message.color} data-testid="desk-persons-message">
            {message.text}
          </Alert>
        )}
        {candidates && candidates.length === 0 && <Text>{t('desk.noCandidates')}</Text>}
        {candidates && candidates.length > 0 && (
          <Table className="dense-table" data-testid="desk-candidates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('desk.keep')}</Table.Th>
                <Table.Th>{t('columns.name')}</Table.Th>
                <Table.Th>{t('desk.birthDate')}</Table.Th>
                <Table.Th>{t('detail.insurer')}</Table.Th>
                <Table.Th>{t('detail.card')}</Table.Th>
                {myNumberCards && <Table.Th>{t('myNumber.column')}</Table.Th>}
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {candidates.map((c) => (
                <Table.Tr key={c.personId}>
                  <Table.Td>
                    <Radio checked={kept === c.personId} onChange={() => setKept(c.personId)} aria-label={t('desk.keep')} />
                  </Table.Td>
                  <Table.Td>
                    {c.name}（{c.kana}）{t(`patient.${c.sex}`)}
                  </Table.Td>
                  <Table.Td>{c.birthDate}</Table.Td>
                  <Table.Td>{c.insurers.join('、')}</Table.Td>
                  <Table.Td data-testid="desk-working-card">
                    {c.workingCard ? (
                      <>
                        {formatCardNumber(c.workingCard.cardNumber)}
                        {c.workingCard.status === 'suspended' && `（${t('detail.cardStatus.suspended')}）`}
                      </>
                    ) : (
                      t('desk.noWorkingCard')
                    )}
                  </Table.Td>
                  {myNumberCards && <Table.Td data-testid="desk-my-number-status">{c.myNumberBound ? t('myNumber.bound') : t('myNumber.notBound')}</Table.Td>}
                  <Table.Td>
                    <Group gap={4}>
                      {!myNumberCards ? null : c.myNumberBound ? (
                        <Button size="compact-xs" variant="subtle" color="red" onClick={() => unbindMyNumber(c.personId)} data-testid="desk-my-number-unbind">
                          {t('myNumber.unbind')}
                        </Button>
                      ) : (
                        <Button size="compact-xs" variant="light" onClick={() => setBinding(c.personId)} data-testid="desk-my-number-bind">
                          {t('myNumber.bind')}
                        </Button>
                      )}
                      <Button size="compact-xs" onClick={() => startIssue(c.personId)} data-testid="desk-issue-card">
                        {c.workingCard ? t('desk.reissueCard') : t('desk.issueCard')}
                      </Button>
                      {c.workingCard && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          color="orange"
                          onClick={() => {
                            setIssuing(null);
                            setMessage(null);
                            setLost(c.personId);
                          }}
                          data-testid="desk-lost-card"
                        >
                          {t('desk.lostCard')}
                        </Button>
                      )}
                      {kept && kept !== c.personId && (
                        <Button size="compact-xs" variant="light" onClick={() => link(c.personId)} data-testid="desk-link">
                          {t('desk.link')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {issuingFor && (
          <Card withBorder p="sm" data-testid="desk-issue">
            <Stack gap="xs">
              <Text fw={600}>
                {t('desk.issueFor', { name: issuingFor.name ?? issuingFor.kana ?? '', birthDate: issuingFor.birthDate })}
              </Text>
              <Radio.Group label={t('desk.identityDocument')} value={identityDocument} onChange={(v) => setIdentityDocument(v as IdentityDocument)} required>
                <Group mt={4}>
                  {IDENTITY_DOCUMENTS.map((d) => (
                    <Radio key={d} value={d} label={t(`desk.identityDocuments.${d}`)} />
                  ))}
                </Group>
              </Radio.Group>
              {issuingFor.workingCard && (
                <Alert color="orange" p="xs" data-testid="desk-issue-replaces">
                  {t('desk.issueReplaces', { number: formatCardNumber(issuingFor.workingCard.cardNumber) })}
                </Alert>
              )}
              <Group>
                <Button disabled={identityDocument === null} onClick={() => identityDocument && issueCard(issuingFor.personId, identityDocument)} data-testid="desk-issue-confirm">
                  {t('desk.issuePrint')}
                </Button>
                <Button variant="default" onClick={() => setIssuing(null)}>
                  {t('myNumber.cancel')}
                </Button>
              </Group>
            </Stack>
          </Card>
        )}
        {lostFor && (
          <Card withBorder p="sm" data-testid="desk-card-status">
            <Stack gap="xs">
              <Text fw={600}>
                {t('desk.lostCardFor', { name: lostFor.name ?? lostFor.kana ?? '', birthDate: lostFor.birthDate })}
              </Text>
              {lostFor.workingCard ? (
                <>
                  <Text size="sm">
                    {t('desk.lostCardNumber', { number: formatCardNumber(lostFor.workingCard.cardNumber) })}
                    {lostFor.workingCard.status === 'suspended' && `（${t('detail.cardStatus.suspended')}）`}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {t('desk.lostCardHelp')}
                  </Text>
                  <Group>
                    {lostFor.workingCard.status === 'active' ? (
                      <Button color="orange" onClick={() => setCardStatus(lostFor, 'suspended')} data-testid="desk-card-suspend">
                        {t('desk.suspendCard')}
                      </Button>
                    ) : (
                      <Button color="teal" variant="light" onClick={() => setCardStatus(lostFor, 'active')} data-testid="desk-card-reactivate">
                        {t('desk.reactivateCard')}
                      </Button>
                    )}
                    <Button color="red" onClick={() => setCardStatus(lostFor, 'revoked')} data-testid="desk-card-revoke">
                      {t('desk.revokeCard')}
                    </Button>
                    <Button variant="default" onClick={() => setLost(null)}>
                      {t('myNumber.cancel')}
                    </Button>
                  </Group>
                </>
              ) : (
                <Text size="sm">{t('desk.noWorkingCard')}</Text>
              )}
            </Stack>
          </Card>
        )}
        {bindingFor && (
          <Card withBorder p="sm" data-testid="desk-my-number">
            <Stack gap="xs">
              <Text fw={600}>
                {t('myNumber.bind')}：{bindingFor.name}（{bindingFor.birthDate}）
              </Text>
              <Text size="sm" c="dimmed">
                {t('myNumber.bindHelp')}
              </Text>
              <Group align="end">
                <MyNumberPinForm submitLabel={t('myNumber.bindSubmit')} busy={busy} onPin={(pin) => bindMyNumber(bindingFor.personId, pin)} testId="desk-my-number-pin" />
                <Button variant="default" onClick={() => setBinding(null)}>
                  {t('myNumber.cancel')}
                </Button>
              </Group>
            </Stack>
          </Card>
        )}
      </Stack>
    </Card>
  );
}
