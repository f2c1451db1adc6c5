import type { Me } from '@renkei/api';
import { Badge, Box, Button, Group, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api.js';
import { AdminMenu } from './admin-menu.js';
import { toggleLanguage } from '../i18n.js';
import type { TerminalInfo } from '../session.js';

/** Who works with exchange items (the server's policy decides what each sees). */
const EXCHANGE_ROLES = new Set(['doctor', 'dentist', 'technologist', 'clerk', 'liaison']);

export function AppHeader({ terminal, me }: { terminal: TerminalInfo; me: Me | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = async () => {
    await api('POST', '/api/logout').catch(() => undefined);
    // No one is logged in any more (set, not removed: the screens watching it must see it change),
    // and nothing of the last patient stays in the browser. The terminal is still this PC.
    queryClient.setQueryData(['me'], null);
    queryClient.removeQueries({ predicate: (query) => !(query.queryKey.length === 1 && (query.queryKey[0] === 'terminal' || query.queryKey[0] === 'me')) });
    navigate('/login', { replace: true });
  };
  return (
    <Box>
      {terminal.demo && (
        <Box bg="yellow.3" px="sm" py={4} data-testid="demo-banner">
          <Text size="sm" fw={700}>
            {t('demo.banner')}
          </Text>
        </Box>
      )}
      <Group h={56} px="sm" justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={4}>{t('app.title')}</Title>
          <Text size="xs" c="dimmed" visibleFrom="sm">
            {t('terminal.label')}: {terminal.name}
          </Text>
        </Group>
        <Group gap="xs" wrap="nowrap">
          {me && (
            <>
              <Text size="sm" data-testid="user-name">
                {me.user.displayName}
              </Text>
              <Badge variant="light">{me.user.facilityName}</Badge>
              {!me.user.mustChangePassword && (
                <>
                  {(me.canReadHistories || me.canServeDesk) && (
                    <Button size="xs" variant="default" onClick={() => navigate('/card')}>
                      {t('header.newPatient')}
                    </Button>
                  )}
                  {EXCHANGE_ROLES.has(me.user.role) && (
                    <Button size="xs" variant="default" onClick={() => navigate('/exchanges')} data-testid="nav-exchanges">
                      {t('exchange.nav')}
                    </Button>
                  )}
                  <AdminMenu me={me} />
                </>
              )}
              <Button size="xs" color="gray" onClick={logout} data-testid="logout">
                {t('header.logout')}
              </Button>
            </>
          )}
          <Button size="xs" variant="subtle" onClick={toggleLanguage}>
            {t('app.language')}
          </Button>
        </Group>
      </Group>
    </Box>
  );
}
