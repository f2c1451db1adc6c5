import type { AccessLog } from '@renkei/api';
import { Alert, Button, Card, Center, Group, PasswordInput, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { DeskPersons } from '../components/desk-persons.js';
import { signWithMyNumberCard } from '../my-number.js';

/**
 * The facility desk: with the patient present and identified, desk staff read
 * their card (Renkei card, or My Number card with its PIN) to record a
 * withdrawal of consent (or its reversal) or to print who has looked at their history.
 */
export function DeskPage({ myNumberCards }: { myNumberCards: boolean }) {
  const { t } = useTranslation();
  const [keyKind, setKeyKind] = useState<'card' | 'my-number'>('card');
  const [card, setCard] = useState('');
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const [log, setLog] = useState<AccessLog | null>(null);

  const run = async (work: () => Promise<void>) => {
    setMessage(null);
    setLog(null);
    try {
      await work();
    } catch (e) {
      setMessage({ color: 'red', text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  /** The patient's key for one desk action: the Renkei card's code, or a fresh signature by the My Number card (the PIN is used once). */
  const patientKey = async () => {
    if (keyKind === 'card') return { card };
    const entered = pin;
    setPin('');
    // The card locks after three wrong PINs: nothing short of four digits goes to it.
    if (!/^\d{4}$/.test(entered)) throw new ApiError(0, 'pin-format', t('myNumber.pinFormat'));
    return { myNumber: await signWithMyNumberCard('identify', entered, t('myNumber.helperUnreachable')) };
  };
  const consent = (withdrawn: boolean) =>
    run(async () => {
      await api('POST', '/api/desk/consent', { ...(await patientKey()), withdrawn });
      setMessage({ color: 'teal', text: withdrawn ? t('desk.withdrawn') : t('desk.restored') });
    });
  const accessLog = (event?: FormEvent) => {
    event?.preventDefault();
    return run(async () => setLog(await api<AccessLog>('POST', '/api/desk/access-log', await patientKey())));
  };

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
              <Button color="orange" variant="light" onClick={() => consent(true)} data-testid="desk-withdraw">
                {t('desk.withdraw')}
              </Button>
              <Button color="teal" variant="light" onClick={() => consent(false)} data-testid="desk-restore">
                {t('desk.restore')}
              </Button>
            </Group>
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
                      <Table.Td>{e.terminal}</Table.Td>
                      <Table.Td>{e.actorKind === 'person' ? t('desk.person') : t('desk.process')}</Table.Td>
                      <Table.Td>{t(`actions.${e.action.replaceAll('.', '_')}`, { defaultValue: e.action })}</Table.Td>
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
