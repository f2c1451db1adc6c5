import { Alert, Button, Card, Center, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../api.js';
import { errorText } from '../refusal-text.js';

/** `onLoggedIn` hears how many wrong passwords were typed for this ID since its last login, anywhere: the user is told. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: (failedLoginsSinceLastLogin: number) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = await api<{ failedLoginsSinceLastLogin?: number }>('POST', '/api/login', { userId, password });
      onLoggedIn(done.failedLoginsSinceLastLogin ?? 0);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      navigate('/card', { replace: true });
    } catch (e) {
      setError(errorText(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mt="xl">
      <Card withBorder w={380} p="lg">
        <form onSubmit={submit}>
          <Stack>
            <Title order={3}>{t('login.title')}</Title>
            {error && (
              <Alert color="red" data-testid="login-error">
                {error}
              </Alert>
            )}
            <TextInput label={t('login.userId')} name="userId" autoComplete="username" value={userId} onChange={(e) => setUserId(e.currentTarget.value)} required autoFocus />
            <PasswordInput label={t('login.password')} name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
            <Button type="submit" loading={busy}>
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
