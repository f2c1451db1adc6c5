import type { Me, PatientAccessOpened, PatientAccessRequest } from '@renkei/api';
import { Alert, Button, Card, Center, Divider, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { api, ApiError } from '../api.js';
import { CameraReader } from '../components/camera-reader.js';
import { MyNumberPinForm } from '../components/my-number-pin-form.js';
import { signWithMyNumberCard } from '../my-number.js';
import { DeskPage } from './desk-page.js';
import { errorText } from '../refusal-text.js';

/**
 * Card reading. A USB 2D reader types the QR text into the focused field and
 * presses Enter; the camera reader hands it over the same way. A My Number
 * card on the PC's reader signs through the card helper instead.
 */
export function CardPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  // The card field holds the focus whenever this screen is ready for a card (after login, 別の患者, a failed read), so that a USB reader's next scan is never lost.
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!busy) field.current?.focus();
  }, [busy, error]);

  const open = useCallback(
    async (key: () => Promise<PatientAccessRequest>) => {
      setBusy(true);
      setError(null);
      try {
        const opened = await api<PatientAccessOpened>('POST', '/api/patient-access', await key());
        navigate(`/patients/${opened.accessId}`);
      } catch (e) {
        setError(errorText(e));
        setCode('');
      } finally {
        setBusy(false);
        setCamera(false);
      }
    },
    [navigate],
  );
  const present = useCallback((card: string) => open(async () => ({ card })), [open]);
  const presentMyNumber = (pin: string) => open(async () => ({ myNumber: await signWithMyNumberCard('present', pin, t('myNumber.helperUnreachable')) }));

  if (!me.canReadHistories && me.canServeDesk) return <DeskPage myNumberCards={me.myNumberCards} />;
  // The network's operator reads no histories and serves no desk: the console is their start page.
  if (!me.canReadHistories && me.canAdminister) return <Navigate to="/admin/participants" replace />;
  if (!me.canReadHistories) {
    return (
      <Center mt="xl">
        <Alert color="gray" data-testid="no-histories">
          {t('card.noHistories')}
        </Alert>
      </Center>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim()) void present(code);
  };

  return (
    <Center mt="xl">
      <Card withBorder w={480} p="lg">
        <Stack>
          <Title order={3}>{t('card.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('card.help')}
          </Text>
          {error && (
            <Alert color="red" data-testid="card-error">
              {error}
            </Alert>
          )}
          <form onSubmit={submit}>
            <Group align="end" wrap="nowrap">
              <TextInput
                label={t('card.input')}
                ref={field}
                name="card"
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                autoFocus
                autoComplete="off"
                style={{ flex: 1 }}
                type="password"
              />
              <Button type="submit" loading={busy}>
                {t('card.submit')}
              </Button>
            </Group>
          </form>
          <Button variant="light" onClick={() => setCamera((on) => !on)}>
            {camera ? t('card.stopCamera') : t('card.camera')}
          </Button>
          {camera && <CameraReader onRead={present} />}
          {me.myNumberCards && (
            <>
              <Divider label={t('myNumber.title')} labelPosition="left" />
              <Text size="sm" c="dimmed">
                {t('myNumber.help')}
              </Text>
              <MyNumberPinForm submitLabel={t('myNumber.open')} busy={busy} onPin={presentMyNumber} testId="my-number-open" />
            </>
          )}
        </Stack>
      </Card>
    </Center>
  );
}
