import type { AccessLog } from '@renkei/api';
import { Alert, Button, Card, Center, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { DeskPersons } from '../components/desk-persons.js';

/**
 * The facility desk: with the patient present and identified, desk staff read
 * their card to record a withdrawal of consent (or its reversal) or to print
 * who has looked at their history.
 */
export function DeskPage() {
  const { t } = useTranslation();
  const [card, setCard] = useState('');
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
  const consent = (withdrawn: boolean) =>
    run(async () => {
      await api('POST', '/api/desk/consent', { card, withdrawn });
      setMessage({ color: 'teal', text: withdrawn ? t('desk.withdrawn') : t('desk.restored') });
    });
  const accessLog = (event?: FormEvent) => {
    event?.preventDefault();
    return run(async () => setLog(await api<AccessLog>('POST', '/api/desk/access-log', { card })));
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
            <form onSubmit={accessLog}>
              <TextInput label={t('card.input')} name="card" type="password" value={card} onChange={(e) => setCard(e.currentTarget.value)} autoFocus autoComplete="off" />
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
        <DeskPersons />
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
