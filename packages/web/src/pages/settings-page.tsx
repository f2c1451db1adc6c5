import type { Me, OwnSettings } from '@renkei/api';
import { Alert, Button, Card, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { errorText } from '../refusal-text.js';

type Message = { color: string; text: string } | null;

/**
 * 個人設定: the user's own password and e-mail address. Right after a login
 * with a one-time password it is the only screen (`forced`): nothing else
 * works until a new password is chosen.
 */
export function SettingsPage({ me, forced = false }: { me: Me; forced?: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack w={480} mx="auto" mt="md">
      <Title order={3}>{forced ? t('settings.forcedTitle') : t('settings.title')}</Title>
      {forced && (
        <Alert color="yellow" data-testid="password-change-required">
          {t('settings.forced')}
        </Alert>
      )}
      <PasswordForm userId={me.user.id} />
      {!forced && <EmailForm />}
    </Stack>
  );
}

function PasswordForm({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    if (next !== again) return setMessage({ color: 'red', text: t('settings.mismatch') });
    setBusy(true);
    try {
      await api('POST', '/api/me/password', { currentPassword: current, newPassword: next });
      setMessage({ color: 'teal', text: t('settings.changed') });
      setCurrent('');
      setNext('');
      setAgain('');
      // A forced change is over: the rest of the app opens.
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder p="lg">
      <form onSubmit={submit}>
        <Stack>
          <Title order={5}>{t('settings.passwordTitle')}</Title>
          {/* Lets the browser's password manager file the new password under the right ID. */}
          <input type="text" name="username" autoComplete="username" value={userId} readOnly hidden />
          <PasswordInput label={t('settings.current')} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} autoComplete="current-password" required />
          <PasswordInput label={t('settings.next')} description={t('settings.rules')} value={next} onChange={(e) => setNext(e.currentTarget.value)} autoComplete="new-password" required />
          <PasswordInput label={t('settings.confirm')} value={again} onChange={(e) => setAgain(e.currentTarget.value)} autoComplete="new-password" required />
          {message && (
            <Alert color={message.color} data-testid="password-message">
              {message.text}
            </Alert>
          )}
          <Button type="submit" loading={busy} data-testid="password-submit">
            {t('settings.change')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function EmailForm() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: ['me', 'settings'], queryFn: () => api<OwnSettings>('GET', '/api/me/settings') });
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<Message>(null);
  // The field stays closed until the stored address is in, so that what is typed is never overwritten by it.
  const loaded = settings.isSuccess;
  useEffect(() => setEmail(settings.data?.email ?? ''), [settings.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    try {
      await api<OwnSettings>('POST', '/api/me/email', { email });
      setMessage({ color: 'teal', text: t('settings.emailSaved') });
    } catch (e) {
      setMessage({ color: 'red', text: errorText(e) });
    }
  };

  return (
    <Card withBorder p="lg">
      <form onSubmit={submit}>
        <Stack>
          <Title order={5}>{t('settings.emailTitle')}</Title>
          <TextInput label={t('settings.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} maxLength={254} autoComplete="email" disabled={!loaded} />
          {message && (
            <Alert color={message.color} data-testid="email-message">
              {message.text}
            </Alert>
          )}
          <Button type="submit" data-testid="email-submit" disabled={!loaded}>
            {t('settings.saveEmail')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
