import { accessLogActionKey, type AccessLog, type DeskCardHolder } from '@renkei/api';
import { Alert, Button, Card, Center, Group, PasswordInput, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiBlob, ApiError } from '../api.js';
import { DeskPersons } from '../components/desk-persons.js';
import { signWithMyNumberCard } from '../my-number.js';
import { errorText } from '../refusal-text.js';

type PatientKey = { card: string } | { myNumber: Awaited<ReturnType<typeof signWithMyNumberCard>> };

/**
 * The facility desk: with the patient present and identified, desk staff read
 * their card (Renkei card, or My Number card with its PIN) to record a
 * withdrawal of consent (or its reversal) or to print who has looked at their
 * history. A withdrawal is confirmed with the patient by name first. The card
 * field is emptied by every action, so that the next patient's card is never
 * added to the last one's.
 */
export function DeskPage({ myNumberCards }: { myNumberCards: boolean }) {
  const { t } = useTranslation();
  const [keyKind, setKeyKind] = useState<'card' | 'my-number'>('card');
  const [card, setCard] = useState('');
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const [log, setLog] = useState<AccessLog | null>(null);
  const [confirming, setConfirming] = useState<{ holder: DeskCardHolder; key: () => Promise<PatientKey> } | null>(null);

  const run = async (work: () => Promise<void>) => {
    setMessage(null);
    setLog(null);
    setConfirming(null);
    try {
      await work();
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    }
  };
  /**
   * The patient's key for desk requests, taken from the form (which is emptied):
   * the Renkei card's code, or fresh signatures by the My Number card, one per request.
   */
  const takeKey = (): (() => Promise<PatientKey>) => {
    const [entered, enteredPin] = [card, pin];
    setCard('');
    setPin('');
    if (keyKind === 'card') return async () => ({ card: entered });
    // The card locks after three wrong PINs: nothing short of four digits goes to it.
    if (!/^\d{4}$/.test(enteredPin)) throw new ApiError(0, 'pin-format', t('myNumber.pinFormat'));
    return async () => ({ myNumber: await signWithMyNumberCard('identify', enteredPin, t('myNumber.helperUnreachable')) });
  };
  /** A withdrawal hides the history from everyone: the desk first confirms, by name, that the card is this patient's. */
  const askWithdraw = () =>
    run(async () => {
      const key = takeKey();
      setConfirming({ holder: await api<DeskCardHolder>('POST', '/api/desk/card-holder', await key()), key });
    });
  const consent = (withdrawn: boolean, confirmed?: () => Promise<PatientKey>) =>
    run(async () => {
      const key = confirmed ?? takeKey();
      await api('POST', '/api/desk/consent', { ...(await key()), withdrawn });
      setMessage({ color: 'teal', text: withdrawn ? t('desk.withdrawn') : t('desk.restored') });
    });
  const accessLog = (event?: FormEvent) => {
    event?.preventDefault();
    return run(async () => setLog(await api<AccessLog>('POST', '/api/desk/access-log', await takeKey()())));
  };
  /** The access log as a PDF for the patient to take home, printed by the server with their name on every page. */
  const accessLogPdf = () =>
    run(async () => {
      const { blob } = await apiBlob('POST', '/api/desk/access-log.pdf', await takeKey()());
      const url = URL.createObjectURL(blob);
      window.open(url, '_blank');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

  return (
    <Center mt="md">
      <Stack w={760}>
        <Card withBorder p="lg" className="no-print">
          <Stack>
            <Title order={3}>{t('desk.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('desk.help')}
            </Text>
            {myNumberCards && (
              <SegmentedControl
                value={keyKind}
                onChange={(v) => setKeyKind(v as 'card' | 'my-number')}
                data={[
                  { value: 'card', label: t('desk.renkeiCard') },
                  { value: 'my-number', label: t('myNumber.column') },
                ]}
                data-testid="desk-key-kind"
              />
            )}
            <form onSubmit={accessLog}>
              {keyKind === 'card' ? (
                <TextInput label={t('card.input')} name="card" type="password" value={card} onChange={(e) => setCard(e.currentTarget.value)} autoFocus autoComplete="off" />
              ) : (
                <PasswordInput
                  label={t('myNumber.pin')}
                  name="pin"
                  description={t('myNumber.help')}
                  value={pin}
                  onChange={(e) => setPin(e.currentTarget.value.replace(/\D/g, '').slice(0, 4))}
                  inputMode="numeric"
                  autoComplete="off"
                  autoFocus
                  w={320}
                />
              )}
            </form>
            <Group>
              <Button onClick={() => accessLog()} data-testid="desk-access-log">
                {t('desk.accessLog')}
              </Button>
              <Button variant="default" onClick={accessLogPdf} data-testid="desk-access-log-pdf">
                {t('desk.accessLogPdf')}
              </Button>
              <Button color="orange" variant="light" onClick={askWithdraw} data-testid="desk-withdraw">
                {t('desk.withdraw')}
              </Button>
              <Button color="teal" variant="light" onClick={() => consent(false)} data-testid="desk-restore">
                {t('desk.restore')}
              </Button>
            </Group>
            {confirming && (
              <Alert color="orange" title={t('desk.withdrawConfirmTitle')} data-testid="desk-withdraw-confirm">
                <Stack gap="xs">
                  <Text data-testid="desk-withdraw-patient">
                    {t('desk.withdrawConfirm', {
                      name: confirming.holder.name ?? '',
                      kana: confirming.holder.kana ?? '',
                      birthDate: confirming.holder.birthDate,
                      sex: t(`patient.${confirming.holder.sex}`),
                    })}
                  </Text>
                  <Group>
                    <Button color="orange" onClick={() => consent(true, confirming.key)} data-testid="desk-withdraw-yes">
                      {t('desk.withdrawYes')}
                    </Button>
                    <Button variant="default" onClick={() => setConfirming(null)} data-testid="desk-withdraw-no">
                      {t('admin.cancel')}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            {message && (
              <Alert color={message.color} data-testid="desk-message">
                {message.text}
              </Alert>
            )}
          </Stack>
        </Card>
        <DeskPersons myNumberCards={myNumberCards} />
        {log && (
          <Card withBorder p="sm" data-testid="access-log">
            <Group justify="space-between">
              <Title order={4}>{t('desk.accessLogTitle')}</Title>
              <Button size="xs" variant="default" className="no-print" onClick={() => window.print()}>
                {t('patient.print')}
              </Button>
            </Group>
            {log.entries.length === 0 ? (
              <Text>{t('desk.noAccess')}</Text>
            ) : (
              <Table striped className="dense-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('desk.when')}</Table.Th>
                    <Table.Th>{t('columns.facility')}</Table.Th>
                    <Table.Th>{t('desk.role')}</Table.Th>
                    <Table.Th>{t('terminal.label')}</Table.Th>
                    <Table.Th>{t('desk.who')}</Table.Th>
                    <Table.Th>{t('desk.what')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {log.entries.map((e, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{new Date(e.at).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })}</Table.Td>
                      <Table.Td>{e.facilityName ?? e.facilityCode}</Table.Td>
                      <Table.Td>{e.role ? t(`roles.${e.role}`, { defaultValue: e.role }) : ''}</Table.Td>
                      <Table.Td>{e.terminalName ?? e.terminal}</Table.Td>
                      <Table.Td>{e.actorKind === 'person' ? t('desk.person') : t('desk.process')}</Table.Td>
                      <Table.Td>{t(`actions.${accessLogActionKey(e.action)}`, { defaultValue: e.action })}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        )}
      </Stack>
    </Center>
  );
}
